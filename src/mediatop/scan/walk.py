"""Walking the media root: every regular file with its size, mtime and inode.

Names stay `bytes` from start to end so that names which are not UTF-8 survive. Symlinks
are never followed (nor recorded): a link can point out of the root, and cleanup must
never act through one. Directories are read by a few threads, since the cost is the
stat syscalls, which release the GIL.

Why not scandir-rs: measured on this machine it is no faster once its entries become
Python objects (0.26 s vs 0.25 s for 100k files), and it silently drops names that are
not valid UTF-8, which this tool must keep.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

WALK_THREADS = 3


@dataclass(frozen=True)
class WalkedFile:
    name: bytes
    size: int
    mtime_ns: int
    inode: int


@dataclass(frozen=True)
class DirListing:
    """One directory's regular files; `rel_dir` is relative to the root (b"" for the root)."""

    rel_dir: bytes
    files: list[WalkedFile]
    subdirs: list[bytes]
    symlinks_skipped: int = 0
    errors: list[str] = field(default_factory=list)


def list_dir(root: bytes, rel_dir: bytes) -> DirListing:
    """Read one directory (without recursing). Errors are recorded, never raised."""
    files: list[WalkedFile] = []
    subdirs: list[bytes] = []
    symlinks = 0
    errors: list[str] = []
    path = os.path.join(root, rel_dir) if rel_dir else root
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    if entry.is_symlink():
                        symlinks += 1
                    elif entry.is_dir(follow_symlinks=False):
                        subdirs.append(os.path.join(rel_dir, entry.name) if rel_dir else entry.name)
                    elif entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        files.append(WalkedFile(entry.name, st.st_size, st.st_mtime_ns, st.st_ino))
                except OSError as exc:
                    errors.append(f"{os.fsdecode(entry.path)}: {exc.strerror or exc}")
    except OSError as exc:
        errors.append(f"{os.fsdecode(path)}: {exc.strerror or exc}")
    return DirListing(rel_dir, files, subdirs, symlinks, errors)


def walk_tree(
    root: bytes, *, start: bytes = b"", skip: frozenset[bytes] = frozenset()
) -> Iterator[DirListing]:
    """Every directory from `start` down (paths relative to `root`), in no particular order.

    `skip` holds relative directory paths not to enter (e.g. a quarantine inside the root).
    """
    with ThreadPoolExecutor(WALK_THREADS, thread_name_prefix="mediatop-walk") as pool:
        pending: list[Future[DirListing]] = [pool.submit(list_dir, root, start)]
        while pending:
            listing = pending.pop().result()
            for sub in listing.subdirs:
                if sub not in skip:
                    pending.append(pool.submit(list_dir, root, sub))
            yield listing
