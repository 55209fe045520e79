"""Reading library files safely: a stored relative path may only lead to a file under the root.

Hashing and savings measurement open files named by the store. A symlink (or a `..`
in a path) could lead outside the media root, to files mediatop has no business
reading; such paths are refused, as are anything but regular files.
"""

from __future__ import annotations

import os
from pathlib import Path


def resolve_inside(root: Path, relative: bytes) -> Path | None:
    """The real path of `root/relative` when it is a regular file under the root, else None."""
    real_root = os.path.realpath(os.fsencode(root))
    candidate = os.path.realpath(os.path.join(real_root, relative))
    if os.path.commonpath([real_root, candidate]) != real_root or candidate == real_root:
        return None
    if not os.path.isfile(candidate):
        return None
    return Path(os.fsdecode(candidate))
