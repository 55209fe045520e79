"""Looking files up: by id or path, and the largest ones.

The faces never run SQL, so even "show me this file" and "what is biggest" go through
here. Results are `MediaFile` values straight from the store.
"""

from __future__ import annotations

import os
import sqlite3

from mediatop.analytics.context import ReportContext
from mediatop.model import MediaFile
from mediatop.store.files import get_file, get_file_by_path
from mediatop.store.queries import library as queries


def find_file(conn: sqlite3.Connection, id_or_path: str | bytes | int) -> MediaFile:
    """The file with this id (ASCII digits) or path relative to the root; LookupError if
    none (a name of digits that is no id is looked up as a path)."""
    found: MediaFile | None = None
    digits = isinstance(id_or_path, str) and id_or_path.isascii() and id_or_path.isdigit()
    if isinstance(id_or_path, int) or digits:
        found = get_file(conn, int(id_or_path))
    if found is None and not isinstance(id_or_path, int):
        raw = id_or_path if isinstance(id_or_path, bytes) else os.fsencode(id_or_path)
        found = get_file_by_path(conn, raw.lstrip(b"/"))
    if found is None:
        raise LookupError(f"no file {id_or_path!r} in the store")
    return found


def largest_files(ctx: ReportContext, limit: int = 10, kind: str | None = None) -> list[MediaFile]:
    """The biggest present files, largest first (optionally of one kind)."""
    return queries.largest_files(ctx.conn, limit, kind)


def has_events(conn: sqlite3.Connection) -> bool:
    """Whether any usage has been recorded yet (rollups are written with every event)."""
    return queries.has_events(conn)
