"""Applying a cleanup plan: each file moved into the quarantine, journalled before and after.

Files go in batches: the batch's moves are journalled (state 'moving', committed with
a full sync) before any of them is made, and marked 'moved' (or dropped, for a move not
made) after; so a crash at any moment leaves a journal that names every file that may
have moved, and undo finds each one where it is. The quarantine keeps each file's path
relative to the root, under a folder of its plan: `<store>.quarantine/<plan id>/`.

A file is skipped, with its reason, when it is gone, a symlink, not a regular file, in
a folder that is a symlink, changed since the plan (size, mtime, inode, ctime), referenced
or requested since the plan, or (a duplicate) when its kept copy is no longer there or
leaves with the same plan. A plan is only ever the store's word: an entry whose path,
size, mtime or inode is not what the store's last scan recorded for its id (an edited
plan, or one made from another store) is skipped too.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass

from mediatop.cleanup.fsops import Expected, Folders, Skip, checked_stat, folders, move_out
from mediatop.cleanup.plan import Plan, PlanEntry
from mediatop.store.cleanup_journal import (
    JournalIntent,
    journal_intents,
    journal_settled,
    sync_every_commit,
)
from mediatop.store.queries.cleanup import FileActivity, file_activity

BATCH_FILES = 500
# Folder descriptors a batch may hold open (well under the usual limit of 1,024).
MAX_OPEN = 400


@dataclass(frozen=True)
class Skipped:
    """A file left where it is, and why."""

    path: bytes
    reason: str


@dataclass(frozen=True)
class ApplyProgress:
    """`done` of `total` files handled; the last one, moved or skipped."""

    done: int
    total: int
    path: bytes
    moved: bool


@dataclass(frozen=True)
class ApplyResult:
    """What an apply did: files and bytes moved, and each skip with its reason."""

    plan_id: str
    moved: int
    bytes_moved: int
    skipped: tuple[Skipped, ...]
    quarantine: bytes  # the plan's folder in the quarantine


def quarantine_folder(quarantine_base: bytes, plan_id: str) -> bytes:
    return os.path.join(quarantine_base, os.fsencode(plan_id))


class _Tally:
    """What the run has done so far, told to the progress callback file by file."""

    def __init__(self, total: int, progress: Callable[[ApplyProgress], None] | None) -> None:
        self.total = total
        self.progress = progress
        self.moved = self.bytes = 0
        self.skipped: list[Skipped] = []

    def skip(self, entry: PlanEntry, reason: str) -> None:
        self.skipped.append(Skipped(entry.candidate.path, reason))
        self._tell(entry, False)

    def move(self, entry: PlanEntry) -> None:
        self.moved += 1
        self.bytes += entry.candidate.size
        self._tell(entry, True)

    def _tell(self, entry: PlanEntry, moved: bool) -> None:
        if self.progress is not None:
            done = self.moved + len(self.skipped)
            self.progress(ApplyProgress(done, self.total, entry.candidate.path, moved))


def apply_cleanup(
    conn: sqlite3.Connection,
    plan: Plan,
    quarantine_base: bytes,
    *,
    progress: Callable[[ApplyProgress], None] | None = None,
    batch_files: int = BATCH_FILES,
) -> ApplyResult:
    """Move the plan's files into the quarantine (see the module docstring)."""
    sync_every_commit(conn)
    activity = file_activity(conn, [e.candidate.media_id for e in plan.entries])
    target = quarantine_folder(quarantine_base, plan.plan_id)
    os.makedirs(target, mode=0o700, exist_ok=True)
    tally = _Tally(len(plan.entries), progress)
    leaving: set[bytes] = set()
    with folders(plan.root) as source, folders(target, create=True) as quarantine:
        ready: list[_Ready] = []
        for entry in plan.entries:
            try:
                ready.append(_prepare(entry, source, quarantine, activity, leaving))
            except Skip as why:
                tally.skip(entry, str(why))
            # A batch holds its folders open until its moves are done: it ends before
            # too many are open, and only then are they closed.
            if len(ready) >= batch_files or source.opened + quarantine.opened >= MAX_OPEN:
                _move_batch(conn, plan, target, ready, tally)
                ready = []
                source.close_folders()
                quarantine.close_folders()
        _move_batch(conn, plan, target, ready, tally)
    return ApplyResult(plan.plan_id, tally.moved, tally.bytes, tuple(tally.skipped), target)


_Ready = tuple[PlanEntry, int, bytes, int]


def _move_batch(
    conn: sqlite3.Connection, plan: Plan, target: bytes, ready: list[_Ready], tally: _Tally
) -> None:
    """Journal the batch's moves, make them, then journal what was done."""
    if not ready:
        return
    intents = [_intent(plan, target, entry) for entry, *_ in ready]
    journal_ids = journal_intents(conn, intents, int(time.time()))
    settled: list[tuple[int, int | None]] = []
    abandoned: list[int] = []
    for (entry, src_fd, name, dst_fd), journal_id in zip(ready, journal_ids, strict=True):
        try:
            move_out(src_fd, name, dst_fd, name, _expected(entry))
        except (Skip, OSError) as why:
            abandoned.append(journal_id)
            tally.skip(entry, _reason(why))
            continue
        settled.append((journal_id, entry.candidate.media_id))
        tally.move(entry)
    emptied = {entry.candidate.path.rpartition(b"/")[0] for entry, *_ in ready}
    journal_settled(conn, settled, abandoned, int(time.time()), emptied)


def _expected(entry: PlanEntry) -> Expected:
    return Expected(entry.candidate.size, entry.mtime_ns, entry.inode, entry.ctime_ns)


def _reason(why: BaseException) -> str:
    return str(why) if isinstance(why, Skip) else f"cannot move it: {why}"


def _prepare(
    entry: PlanEntry,
    source: Folders,
    quarantine: Folders,
    activity: dict[int, FileActivity],
    leaving: set[bytes],
) -> _Ready:
    """(entry, its folder's descriptor, its name, the quarantine folder's descriptor) of
    a file that may be moved now; Skip with the reason when it may not. `leaving` holds
    the paths this run moves before it, and gets this one."""
    src_fd, name = _checked(entry, source, activity, leaving)
    dst_fd, _ = quarantine.parent_of(entry.candidate.path)
    leaving.add(entry.candidate.path)
    return entry, src_fd, name, dst_fd


def _checked(
    entry: PlanEntry, source: Folders, activity: dict[int, FileActivity], leaving: set[bytes]
) -> tuple[int, bytes]:
    known = activity.get(entry.candidate.media_id)
    check_as_stored(entry, known)
    _check_still_unwanted(entry, known)
    src_fd, name = source.parent_of(entry.candidate.path)
    checked_stat(src_fd, name, _expected(entry))
    kept = entry.candidate.kept_copy
    if kept is not None:
        if kept in leaving:
            raise Skip(f"its kept copy {os.fsdecode(kept)} leaves with this plan")
        _check_kept_copy(source, kept, entry.candidate.size)
    return src_fd, name


def would_skip(conn: sqlite3.Connection, plan: Plan) -> list[Skipped]:
    """What applying the plan now would skip, and why, touching nothing (a preview's
    "would be skipped"; apply checks each file again as it goes)."""
    activity = file_activity(conn, [e.candidate.media_id for e in plan.entries])
    skipped = []
    leaving: set[bytes] = set()
    with folders(plan.root) as source:
        for entry in plan.entries:
            source.close_if_many()  # each is used at once: none is held
            try:
                if plan.kind == "optimize":
                    check_as_stored(entry, activity.get(entry.candidate.media_id))
                    fd, name = source.parent_of(entry.candidate.path)
                    checked_stat(fd, name, _expected(entry))
                else:
                    _checked(entry, source, activity, leaving)
                    leaving.add(entry.candidate.path)
            except Skip as why:
                skipped.append(Skipped(entry.candidate.path, str(why)))
    return skipped


def check_as_stored(entry: PlanEntry, known: FileActivity | None) -> None:
    """Skip an entry that is not the file the store knows by its id, as its last scan
    saw it: a plan names only files of its own store, unchanged since that scan."""
    c = entry.candidate
    if known is None:
        raise Skip("the store no longer knows it")
    if known.path != c.path:
        raise Skip(f"the store knows file #{c.media_id} as {os.fsdecode(known.path)}: "
                   "the plan was edited or made for another store")  # fmt: skip
    changed = _expected(entry).changes(known.size, known.mtime_ns, known.inode)
    if changed:
        raise Skip(f"it is not as the last scan saw it ({', '.join(changed)}); scan again")


def _check_still_unwanted(entry: PlanEntry, now: FileActivity | None) -> None:
    """Skip a file referenced or requested since the plan: for an unused file its group
    counts (a used thumbnail makes its original used), for a duplicate copy itself."""
    c = entry.candidate
    if now is None:
        raise Skip("the store no longer knows it")
    unused = c.reason == "unused"
    refs = now.group_references if unused else now.references
    last = now.group_last_requested if unused else now.last_requested
    if refs > c.references:
        raise Skip(f"it is referenced now ({refs} place(s); {c.references} when planned)")
    if last is not None and (c.last_requested is None or last > c.last_requested):
        raise Skip("it was requested since the plan")


def _check_kept_copy(source: Folders, kept: bytes, size: int) -> None:
    try:
        fd, name = source.parent_of(kept)
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except (Skip, OSError):
        raise Skip(f"its kept copy {os.fsdecode(kept)} is gone") from None
    if not stat.S_ISREG(st.st_mode) or st.st_size != size:
        raise Skip(f"its kept copy {os.fsdecode(kept)} changed")


def _intent(plan: Plan, target: bytes, entry: PlanEntry) -> JournalIntent:
    c = entry.candidate
    return JournalIntent(
        batch_id=plan.plan_id, action="quarantine", root=plan.root, media_id=c.media_id,
        original_path=c.path, quarantine_path=os.path.join(target, c.path), size=c.size,
        mtime_ns=entry.mtime_ns, inode=entry.inode, reason=c.reason,
    )  # fmt: skip
