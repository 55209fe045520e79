"""Walking the media root: every regular file with its size, mtime and inode.

Names stay `bytes` from start to end so that names which are not UTF-8 survive. Symlinks
are never followed (nor recorded): a link can point out of the root, and nothing may
ever read or act on a file through one. This is the in-process walk, one directory
after another: threads do not speed it up (the stat calls are cheap; the Python around
them holds the GIL, and a 3-thread pool measured slower than this loop). A full scan of
a big tree forks walkers instead (walk_forked), which reach the speed of `du -s`.

Why not scandir-rs: its `collect()` alone beats `du`, but reading its 100k entries back
into Python took 0.26–0.49 s, no faster than os.scandir in one process; and it reports
names that are not valid UTF-8 only as lossy strings (skipping directories with such
names), which this tool must keep.
"""

from __future__ import annotations

import os
import stat
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mediatop.store.storable import MAX_PATH_BYTES


@dataclass(frozen=True)
class DirListing:
    """One directory's regular files; `rel_dir` is relative to the root (b"" for the root).

    Files are kept as parallel arrays (names, and size/mtime/inode triples), not an
    object each: a no-change rescan only needs their signature.
    """

    rel_dir: bytes
    names: list[bytes]
    stats: array[int]  # size, mtime_ns, inode for each name, flattened
    subdirs: list[bytes]
    symlinks_skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @cached_property
    def signature(self) -> str:
        """A hash of the names, sizes and mtimes, in directory order.

        Not sorted: an unchanged directory lists in the same order, and a reordering
        only costs a diff that finds nothing, never a missed change. Cached, and pickled
        with the listing, so a forked walker's hash is not computed twice.
        """
        import xxhash  # here, not at the top: `import mediatop.scan` stays light

        digest = xxhash.xxh3_64(b"\0".join(self.names))
        digest.update(self.stats.tobytes())
        return digest.hexdigest()


_ROOT_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
# Below the root, O_NOFOLLOW: a directory swapped for a symlink since its parent was
# listed is refused, not entered. The root itself may be a link: the user named it.
_SUBDIR_FLAGS = _ROOT_FLAGS | os.O_NOFOLLOW
_FS_ENCODING = sys.getfilesystemencoding()
_FS_ERRORS = sys.getfilesystemencodeerrors()  # what os.fsencode uses: surrogateescape


def list_dir(root: bytes, rel_dir: bytes, skip: frozenset[bytes] = frozenset()) -> DirListing:
    """Read one directory (without recursing). Errors are recorded, never raised.

    Files and folders whose path relative to the root is in `skip` are left out (the
    store's own files, when it lies inside the root).

    The directory is listed through a descriptor, so each file's stat is an `fstatat`
    relative to it: the kernel does not resolve the directory's path again for every
    file, which took a fifth of the walk's time. Names listed through a descriptor come
    as str (decoded with surrogateescape); they are encoded back to their exact bytes
    once for the whole directory, not one call per file.
    """
    text_names: list[str] = []
    stats: array[int] = array("q")
    text_subdirs: list[str] = []
    symlinks = 0
    errors: list[str] = []
    path = os.path.join(root, rel_dir) if rel_dir else root
    try:
        dir_fd = os.open(path, _SUBDIR_FLAGS if rel_dir else _ROOT_FLAGS)
    except OSError as exc:
        errors.append(f"{os.fsdecode(path)}: {exc.strerror or exc}")
        return DirListing(rel_dir, [], stats, [], symlinks, errors)
    try:
        with os.scandir(dir_fd) as entries:
            for entry in entries:
                try:
                    # Most entries are files: ask that first (these checks use d_type,
                    # no syscall; follow_symlinks=False answers False for any link).
                    if entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        text_names.append(entry.name)
                        stats.extend((st.st_size, st.st_mtime_ns, st.st_ino))
                    elif entry.is_dir(follow_symlinks=False):
                        text_subdirs.append(entry.name)
                    elif entry.is_symlink():
                        symlinks += 1
                except OSError as exc:
                    errors.append(f"{os.fsdecode(path)}/{entry.name}: {exc.strerror or exc}")
    except OSError as exc:
        errors.append(f"{os.fsdecode(path)}: {exc.strerror or exc}")
    finally:
        os.close(dir_fd)
    prefix = rel_dir + b"/" if rel_dir else b""
    names = _encoded(text_names)
    subdirs = [prefix + name for name in _encoded(text_subdirs)]
    if skip:
        names, stats = _without_skipped(prefix, names, stats, skip)
        subdirs = [sub for sub in subdirs if sub not in skip]
    if names and len(prefix) + max(map(len, names)) > MAX_PATH_BYTES:
        too_long = frozenset(prefix + n for n in names if len(prefix + n) > MAX_PATH_BYTES)
        names, stats = _without_skipped(prefix, names, stats, too_long)
        errors.extend(_too_long(path, too_long))
    if any(len(sub) > MAX_PATH_BYTES for sub in subdirs):
        errors.extend(_too_long(path, [sub for sub in subdirs if len(sub) > MAX_PATH_BYTES]))
        subdirs = [sub for sub in subdirs if len(sub) <= MAX_PATH_BYTES]
    return DirListing(rel_dir, names, stats, subdirs, symlinks, errors)


def _too_long(path: bytes, rel_paths: Iterable[bytes]) -> list[str]:
    """The walk's errors for files or folders left out: their paths are too long to store."""
    return [
        f"{os.fsdecode(path)}/{os.fsdecode(os.path.basename(rel))}: path too long to store "
        f"({len(rel)} bytes below the root; at most {MAX_PATH_BYTES})"
        for rel in sorted(rel_paths)
    ]


def _encoded(names: list[str]) -> list[bytes]:
    """File names as the bytes they are on disk, in one encode (a name never holds NUL)."""
    if not names:
        return []
    return "\0".join(names).encode(_FS_ENCODING, _FS_ERRORS).split(b"\0")


def _without_skipped(
    prefix: bytes, names: list[bytes], stats: array[int], skip: frozenset[bytes]
) -> tuple[list[bytes], array[int]]:
    """A listing's files but those in `skip` (the store's own files, when in the root)."""
    kept = [i for i, name in enumerate(names) if prefix + name not in skip]
    if len(kept) == len(names):
        return names, stats
    kept_stats: array[int] = array("q")
    for i in kept:
        kept_stats.extend(stats[3 * i : 3 * i + 3])
    return [names[i] for i in kept], kept_stats


def walk_tree(
    root: bytes, *, start: bytes = b"", skip: frozenset[bytes] = frozenset()
) -> Iterator[DirListing]:
    """Every directory from `start` down (paths relative to `root`), in no particular order.

    `skip` holds relative paths of folders not to enter and files not to list.
    """
    pending = [start]
    while pending:
        listing = list_dir(root, pending.pop(), skip)
        pending.extend(listing.subdirs)
        yield listing


def inside_root(path: str | Path, root: str | Path) -> bytes | None:
    """`path` relative to `root` (both resolved) if it lies inside it, else None."""
    relative = os.path.relpath(
        os.path.realpath(os.fsencode(path)), os.path.realpath(os.fsencode(root))
    )
    outside = relative in (b".", b"..") or relative.startswith(b"../")
    return None if outside else relative


def is_listable_dir(root: bytes, rel_dir: bytes) -> bool:
    """Whether the walk would enter `rel_dir`: the root even through a link (the user
    named it), anything below only if it is a directory itself, never a link to one
    (one swapped for a link counts as vanished: its files are no longer in the root), and
    never one whose path is too long to store (list_dir leaves it out)."""
    if len(rel_dir) > MAX_PATH_BYTES:
        return False
    if not rel_dir:
        return os.path.isdir(root)
    try:
        return stat.S_ISDIR(os.stat(os.path.join(root, rel_dir), follow_symlinks=False).st_mode)
    except OSError:
        return False
