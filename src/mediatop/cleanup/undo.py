"""Undo and purge: put quarantined files back, or delete them for good.

Undo reads the journal, not the plan: it works after a restart and after a crash
mid-apply. A move journalled as 'moving' may or may not have happened; undo looks
where the file is. A file goes back only where nothing is: one that has appeared in
its place since is never overwritten (the file stays in quarantine and undo says so),
except the very file an optimise wrote there, recognised by its size and hash.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mediatop.cleanup.fsops import (
    Expected,
    Folders,
    Skip,
    file_hash,
    move_back,
    open_root,
    temp_name,
)
from mediatop.store.cleanup_journal import journal_purged, journal_undone
from mediatop.store.queries.cleanup import JournalRow


@dataclass(frozen=True)
class Refused:
    """A file undo or purge left as it was, and why."""

    path: bytes
    reason: str


@dataclass(frozen=True)
class UndoResult:
    """Files put back (and their bytes), and those refused with the reason."""

    restored: int
    bytes_restored: int
    refused: tuple[Refused, ...]
    plans: tuple[str, ...]


def undo_moves(
    conn: sqlite3.Connection,
    rows: Sequence[JournalRow],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> UndoResult:
    """Put back the files of these journal rows (newest first, as `open_moves` gives)."""
    restored = restored_bytes = 0
    refused: list[Refused] = []
    by_root: dict[bytes, Folders] = {}
    try:
        for done, row in enumerate(rows, 1):
            try:
                if row.root not in by_root:
                    # a folder emptied by the cleanup and removed since is made again
                    by_root[row.root] = Folders(open_root(row.root), create=True, mode=0o777)
                if by_root[row.root].opened > 256:  # each is used at once: none is held
                    by_root[row.root].close_folders()
                if _undo_one(row, by_root[row.root]):
                    restored += 1
                    restored_bytes += row.size
                journal_undone(conn, row.id, row.media_id if row.action == "quarantine" else None,
                               int(time.time()))  # fmt: skip
            except (Skip, OSError) as why:
                reason = str(why) if isinstance(why, Skip) else f"cannot put it back: {why}"
                refused.append(Refused(row.original_path, reason))
            if progress is not None:
                progress(done, len(rows))
    finally:
        for opened in by_root.values():
            opened.close()
    plans = tuple(dict.fromkeys(row.batch_id for row in rows))
    return UndoResult(restored, restored_bytes, tuple(refused), plans)


def _undo_one(row: JournalRow, root: Folders) -> bool:
    """Put one file back; False when there was nothing to put back (a move a crash
    stopped before it happened, or a sibling that only had to go)."""
    dst_fd, name = root.parent_of(row.original_path)
    if row.action != "quarantine" and row.written_path is not None and row.state == "moving":
        out_fd, out_name = root.parent_of(row.written_path)
        with contextlib.suppress(FileNotFoundError):  # what a crash left half written
            os.unlink(temp_name(out_name, row.id), dir_fd=out_fd)
    if row.action == "sibling":
        _remove_written(root, row)
        return False
    qfolder, qname = os.path.split(row.quarantine_path)
    try:
        qfd = os.open(qfolder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        qfd = -1
    try:
        held = qfd >= 0 and _lstat(qfd, qname) is not None
        if not held:
            if row.state == "moving" and _lstat(dst_fd, name) is not None:
                return False  # the crash came before the move: the file never left
            raise Skip("it is missing from the quarantine")
        st = _lstat(qfd, qname)
        if st is None or (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
            raise Skip("its quarantined copy changed; left in the quarantine")
        if row.action == "optimize":
            _remove_written(root, row)
        move_back(qfd, qname, dst_fd, name, Expected(row.size, row.mtime_ns, None))
        return True
    finally:
        if qfd >= 0:
            os.close(qfd)


def _remove_written(root: Folders, row: JournalRow) -> None:
    """Remove the file an optimise wrote, if it is still exactly what it wrote."""
    if row.written_path is None:
        return
    fd, name = root.parent_of(row.written_path)
    st = _lstat(fd, name)
    if st is None:
        return
    if (
        not stat.S_ISREG(st.st_mode)
        or st.st_size != row.written_size
        or file_hash(fd, name) != row.written_hash
    ):
        raise Skip("a file has appeared in its place since; not overwritten")
    os.unlink(name, dir_fd=fd)


def _lstat(dir_fd: int, name: bytes) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class PurgeResult:
    """Files deleted for good (and their bytes), those that could not be, and the plans."""

    deleted: int
    bytes_deleted: int
    refused: tuple[Refused, ...]
    plans: tuple[str, ...]


def purge_moves(
    conn: sqlite3.Connection, rows: Sequence[JournalRow], quarantine_base: bytes
) -> PurgeResult:
    """Delete the quarantined files of these rows for good (state 'moved' only)."""
    deleted = deleted_bytes = 0
    refused: list[Refused] = []
    purged: list[int] = []
    for row in rows:
        if row.state != "moved":
            continue
        if row.action != "sibling":
            if not row.quarantine_path.startswith(quarantine_base + b"/"):
                refused.append(Refused(row.original_path, "not in this store's quarantine"))
                continue
            try:
                os.unlink(row.quarantine_path)
            except FileNotFoundError:
                pass  # already gone: nothing left to delete
            except OSError as exc:
                refused.append(Refused(row.original_path, f"cannot delete it: {exc.strerror}"))
                continue
            deleted += 1
            deleted_bytes += row.size
        purged.append(row.id)
    journal_purged(conn, purged, int(time.time()))
    plans = tuple(dict.fromkeys(row.batch_id for row in rows if row.state == "moved"))
    for plan_id in plans:
        _remove_empty_folders(os.path.join(quarantine_base, os.fsencode(plan_id)))
    return PurgeResult(deleted, deleted_bytes, tuple(refused), plans)


def _remove_empty_folders(top: bytes) -> None:
    for folder, _subdirs, _files in os.walk(top, topdown=False):
        with contextlib.suppress(OSError):
            os.rmdir(folder)
