"""A source file that cannot be read, as the SourceReadError that names it.

Logs (`ingest`), event files (`import-events`) and CMS exports (`locations import`)
fail alike: no permission, a folder now, damaged gzip data, a log truncated while read.
Each says in one line which file, made visible, and why.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from pathlib import Path

from mediatop.errors import SourceReadError
from mediatop.textsafe import visible


@contextlib.contextmanager
def reading_source(path: Path, what: str) -> Iterator[None]:
    """A failure to read `path` in the block becomes SourceReadError naming it as `what`
    ("log", "events file", "export file"): with several files, the message says which."""
    try:
        yield
    # LogShrankError and gzip.BadGzipFile are OSErrors; zlib.error is damaged deflate data
    except (OSError, EOFError, zlib.error) as exc:
        # an OSError's own text repeats the path, unescaped
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SourceReadError(f"cannot read {what} {visible(str(path))}: {reason}") from exc
