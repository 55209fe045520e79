"""Applying a cleanup plan: each file moved into the quarantine, journalled before and after.

Files go in batches: the batch's moves are journalled (state 'moving', committed with
a full sync) before any of them is made, and marked 'moved' (or dropped, for a move not
made) after; so a crash at any moment leaves a journal that names every file that may
have moved, and undo finds each one where it is. The quarantine keeps each file's path
relative to the root, under a folder of its plan: `<store>.quarantine/<plan id>/`.

A file is skipped, with its reason, when it is gone, a symlink, not a regular file, in
a folder that is a symlink, changed since the plan (size, mtime, inode), referenced
or requested since the plan, or (a duplicate) when its kept copy is no longer there.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
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
    skipped: list[Skipped] = []
    moved = moved_bytes = 0
    total = len(plan.entries)

    def report(entry: PlanEntry, done_moving: bool) -> None:
        if progress is not None:
            progress(ApplyProgress(moved + len(skipped), total, entry.candidate.path, done_moving))

    with folders(plan.root) as source, folders(target, create=True) as quarantine:
        for batch in _batches(plan.entries, batch_files):
            ready = []
            for entry in batch:
                try:
                    ready.append(_prepare(entry, source, quarantine, activity))
                except Skip as why:
                    skipped.append(Skipped(entry.candidate.path, str(why)))
                    report(entry, False)
            now = int(time.time())
            intents = [_intent(plan, target, entry) for entry, *_ in ready]
            journal_ids = journal_intents(conn, intents, now)
            settled: list[tuple[int, int | None]] = []
            abandoned: list[int] = []
            for (entry, src_fd, name, dst_fd), journal_id in zip(ready, journal_ids, strict=True):
                try:
                    move_out(src_fd, name, dst_fd, name, _expected(entry))
                except (Skip, OSError) as why:
                    abandoned.append(journal_id)
                    skipped.append(Skipped(entry.candidate.path, _reason(why)))
                    report(entry, False)
                    continue
                settled.append((journal_id, entry.candidate.media_id))
                moved += 1
                moved_bytes += entry.candidate.size
                report(entry, True)
            journal_settled(conn, settled, abandoned, int(time.time()))
    return ApplyResult(plan.plan_id, moved, moved_bytes, tuple(skipped), target)


def _batches(entries: Sequence[PlanEntry], size: int) -> Iterator[Sequence[PlanEntry]]:
    for start in range(0, len(entries), max(1, size)):
        yield entries[start : start + size]


def _expected(entry: PlanEntry) -> Expected:
    return Expected(entry.candidate.size, entry.mtime_ns, entry.inode)


def _reason(why: BaseException) -> str:
    return str(why) if isinstance(why, Skip) else f"cannot move it: {why}"


def _prepare(
    entry: PlanEntry, source: Folders, quarantine: Folders, activity: dict[int, FileActivity]
) -> tuple[PlanEntry, int, bytes, int]:
    """(entry, its folder's descriptor, its name, the quarantine folder's descriptor) of
    a file that may be moved now; Skip with the reason when it may not."""
    _check_still_unwanted(entry, activity.get(entry.candidate.media_id))
    src_fd, name = source.parent_of(entry.candidate.path)
    checked_stat(src_fd, name, _expected(entry))
    if entry.candidate.kept_copy is not None:
        _check_kept_copy(source, entry.candidate.kept_copy, entry.candidate.size)
    dst_fd, _ = quarantine.parent_of(entry.candidate.path)
    return entry, src_fd, name, dst_fd


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
