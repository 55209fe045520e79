"""Reading library files safely: a stored relative path may only lead to a file under the root.

Hashing and savings measurement open files named by the store. A symlink (or a `..`
in a path) could lead outside the media root, to files mediatop has no business
reading; such paths are refused, as are anything but regular files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def resolve_inside(root: Path, relative: bytes) -> Path | None:
    """The real path of `root/relative` when it is a regular file under the root, else None."""
    root_bytes = os.fsencode(root)
    # One stat first: a file that is gone (or is no regular file) is refused without
    # realpath's lstat of every component of its path, which a report's measuring step
    # would otherwise pay for each of the thousands of files a library has lost since
    # its last scan. What the stat admits is still resolved and checked below.
    try:
        if not stat.S_ISREG(os.stat(os.path.join(root_bytes, relative)).st_mode):
            return None
    except (OSError, ValueError):  # missing, unreadable folder, a NUL in the name
        return None
    real_root = os.path.realpath(root_bytes)
    candidate = os.path.realpath(os.path.join(real_root, relative))
    if os.path.commonpath([real_root, candidate]) != real_root or candidate == real_root:
        return None
    if not os.path.isfile(candidate):
        return None
    return Path(os.fsdecode(candidate))
