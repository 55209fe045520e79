"""Undo and purge: put quarantined files back, or delete them for good.

Undo reads the journal, not the plan: it works after a restart and after a crash
mid-apply. A move journalled as 'moving' may or may not have happened; undo looks
where the file is. A file goes back only where nothing is: one that has appeared in
its place since is never overwritten (the file stays in quarantine and undo says so),
except the very file an optimise wrote there, recognised by its size and hash.

Both reach a quarantined file only through this store's quarantine folder, folder by
folder without following a link (`fsops.Folders`), and act on it only while it is the
regular file the journal recorded (size and mtime): a link or a folder swapped into the
quarantine never leads them outside it, and a journal that names another store's
quarantine (a copied store's) is refused. Undo then removes the folders the plans' moves
made in the quarantine that it has left empty, the same way (`_remove_plan_folders`),
and so does purge.
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
    FolderGone,
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
    quarantine_base: bytes,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> UndoResult:
    """Put back the files of these journal rows (newest first, as `open_moves` gives),
    taking them from the store's quarantine folder `quarantine_base`."""
    restored = restored_bytes = 0
    refused: list[Refused] = []
    by_root: dict[bytes, Folders] = {}
    quarantine = _open_quarantine(quarantine_base)
    try:
        for done, row in enumerate(rows, 1):
            try:
                if row.root not in by_root:
                    # a folder emptied by the cleanup and removed since is made again
                    by_root[row.root] = Folders(open_root(row.root), create=True, mode=0o777)
                for opened in (by_root[row.root], quarantine):
                    if opened is not None:
                        opened.close_if_many()  # none is held
                if _undo_one(row, by_root[row.root], quarantine, quarantine_base):
                    restored += 1
                    restored_bytes += row.size
                journal_undone(conn, row.id, row.media_id if row.action == "quarantine" else None,
                               int(time.time()))  # fmt: skip
            except Skip as why:
                refused.append(Refused(row.original_path, str(why)))
            except OSError as exc:
                reason = f"cannot put it back: {_os_error(exc)}"
                refused.append(Refused(row.original_path, reason))
            if progress is not None:
                progress(done, len(rows))
        if quarantine is not None:
            _remove_plan_folders(rows, quarantine, quarantine_base)
    finally:
        for opened in (*by_root.values(), quarantine):
            if opened is not None:
                opened.close()
    plans = tuple(dict.fromkeys(row.batch_id for row in rows))
    return UndoResult(restored, restored_bytes, tuple(refused), plans)


def _os_error(error: OSError) -> str:
    """An OSError as a person reads it: its reason, not Python's repr of the paths."""
    return error.strerror or str(error)


def _open_quarantine(quarantine_base: bytes) -> Folders | None:
    """The store's quarantine folder, or None when there is none (nothing was moved)."""
    try:
        return Folders(open_root(quarantine_base))
    except FileNotFoundError:
        return None


def _remove_plan_folders(
    rows: Sequence[JournalRow], quarantine: Folders, quarantine_base: bytes
) -> None:
    """Remove the folders these rows' moves made in the quarantine (each plan's own
    folder and those on the way to its files) that are empty now. Only those: a folder
    of the user's, the quarantine itself and anything outside it are never named. Each
    is removed deepest first, by name in its parent's descriptor (`Folders`): rmdir
    neither follows a link nor removes a folder that still holds anything (a file
    refused, another's), which stays."""
    prefix = quarantine_base.rstrip(b"/") + b"/"
    made: set[bytes] = set()
    for row in rows:
        own = prefix + os.fsencode(row.batch_id) + b"/"
        if not row.quarantine_path.startswith(own):
            continue  # a sibling (nothing moved), or another store's quarantine
        relative = row.quarantine_path[len(prefix) :]
        if any(part in (b"", b".", b"..") for part in relative.split(b"/")):
            continue  # a journal row that would lead out of the plan's folder
        while b"/" in relative:
            relative = relative.rpartition(b"/")[0]
            made.add(relative)
    for folder in sorted(made, key=lambda path: path.count(b"/"), reverse=True):
        quarantine.close_if_many()  # none is held
        with contextlib.suppress(Skip, OSError):
            parent_fd, name = quarantine.parent_of(folder)
            os.rmdir(name, dir_fd=parent_fd)


def _quarantined(
    row: JournalRow, quarantine: Folders | None, quarantine_base: bytes
) -> tuple[int, bytes, os.stat_result] | None:
    """(folder descriptor, name, stat) of the row's file in the quarantine, reached
    without following a link, or None when it is not there; Skip when the journal
    names a place outside this store's quarantine, or a folder on the way is a link."""
    prefix = quarantine_base.rstrip(b"/") + b"/"
    if not row.quarantine_path.startswith(prefix):
        raise Skip("it is not in this store's quarantine")
    if quarantine is None:
        return None
    try:
        fd, name = quarantine.parent_of(row.quarantine_path[len(prefix) :])
    except FolderGone:
        return None
    st = _lstat(fd, name)
    return None if st is None else (fd, name, st)


def _is_as_moved(st: os.stat_result, row: JournalRow) -> bool:
    """Whether a quarantined file is still the regular file the journal recorded."""
    return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == (row.size, row.mtime_ns)


def _undo_one(
    row: JournalRow, root: Folders, quarantine: Folders | None, quarantine_base: bytes
) -> bool:
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
    held = _quarantined(row, quarantine, quarantine_base)
    if held is None:
        if row.state == "moving" and _lstat(dst_fd, name) is not None:
            return False  # the crash came before the move: the file never left
        raise Skip("it is missing from the quarantine")
    qfd, qname, st = held
    if not _is_as_moved(st, row):
        raise Skip("its quarantined copy changed; left in the quarantine")
    if row.action == "optimize":
        _remove_written(root, row)
    move_back(qfd, qname, dst_fd, name, Expected(row.size, row.mtime_ns, None))
    return True


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
    """Delete the quarantined files of these rows for good (state 'moved' only). A
    file already gone from the quarantine closes its row without counting as deleted."""
    deleted = deleted_bytes = 0
    refused: list[Refused] = []
    purged: list[int] = []
    quarantine = _open_quarantine(quarantine_base)
    try:
        for row in rows:
            if row.state != "moved":
                continue
            if row.action != "sibling":
                if quarantine is not None:
                    quarantine.close_if_many()  # none is held
                try:
                    if _purge_one(row, quarantine, quarantine_base):
                        deleted += 1
                        deleted_bytes += row.size
                except Skip as why:
                    refused.append(Refused(row.original_path, str(why)))
                    continue
                except OSError as exc:
                    reason = f"cannot delete it: {_os_error(exc)}"
                    refused.append(Refused(row.original_path, reason))
                    continue
            purged.append(row.id)
        if quarantine is not None:
            moved = [row for row in rows if row.state == "moved"]
            _remove_plan_folders(moved, quarantine, quarantine_base)
    finally:
        if quarantine is not None:
            quarantine.close()
    journal_purged(conn, purged, int(time.time()))
    plans = tuple(dict.fromkeys(row.batch_id for row in rows if row.state == "moved"))
    return PurgeResult(deleted, deleted_bytes, tuple(refused), plans)


def _purge_one(row: JournalRow, quarantine: Folders | None, quarantine_base: bytes) -> bool:
    """Delete one quarantined file while it is what was moved there; False when it is
    already gone."""
    held = _quarantined(row, quarantine, quarantine_base)
    if held is None:
        return False
    fd, name, st = held
    if not _is_as_moved(st, row):
        raise Skip("its quarantined copy changed; left in the quarantine")
    os.unlink(name, dir_fd=fd)
    return True
