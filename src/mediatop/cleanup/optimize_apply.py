"""Applying an optimise plan: smaller images written, each original kept in quarantine.

For each image: the store must know it as the plan names it (`apply.check_as_stored`);
its bytes are read through its folder's descriptor (no link followed) and checked
against the plan (size, mtime, inode, ctime); the pool re-encodes them; a result
that is not smaller is skipped. Then, journalled before and after:

- in place: the new bytes go to a temporary file beside the original (named from the
  journal row, so undo can remove one a crash left), the original moves into the
  quarantine, and the temporary file takes its name without overwriting anything;
- as a sibling (`photo.webp`): the new file is written under its own name, never over
  an existing one, and the original stays.

The journal keeps the size and hash of what was written, so undo removes that file and
nothing else before it puts the original back.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable

import xxhash

from mediatop.cleanup.apply import (
    ApplyProgress,
    ApplyResult,
    Skipped,
    check_as_stored,
    quarantine_folder,
)
from mediatop.cleanup.fsops import (
    Expected,
    Folders,
    Skip,
    checked_stat,
    exists,
    folders,
    move_out,
    temp_name,
)
from mediatop.cleanup.optimize import EncodeTask, encode_image
from mediatop.cleanup.plan import Plan, PlanEntry
from mediatop.store.cleanup_journal import (
    JournalIntent,
    journal_intents,
    journal_settled,
    sync_every_commit,
)
from mediatop.store.queries.cleanup import file_activity
from mediatop.workers.pool import run_isolated

ENCODE_TIMEOUT_S = 60.0


def apply_optimize(
    conn: sqlite3.Connection,
    plan: Plan,
    quarantine_base: bytes,
    *,
    progress: Callable[[ApplyProgress], None] | None = None,
    workers: int = 2,
) -> ApplyResult:
    """Write the plan's smaller images (see the module docstring)."""
    sync_every_commit(conn)
    target = quarantine_folder(quarantine_base, plan.plan_id)
    os.makedirs(target, mode=0o700, exist_ok=True)
    skipped: list[Skipped] = []
    done: list[PlanEntry] = []
    saved = 0
    activity = file_activity(conn, [e.candidate.media_id for e in plan.entries])
    with folders(plan.root) as source, folders(target, create=True) as quarantine:
        tasks: dict[EncodeTask, PlanEntry] = {}
        for entry in plan.entries:
            source.close_if_many()
            try:
                check_as_stored(entry, activity.get(entry.candidate.media_id))
                tasks[_read(source, entry)] = entry
            except Skip as why:
                skipped.append(Skipped(entry.candidate.path, str(why)))
        outcomes, _ = run_isolated(
            encode_image, list(tasks), workers=workers, timeout_s=ENCODE_TIMEOUT_S
        )
        for outcome in outcomes:
            entry = tasks[outcome.task]
            source.close_if_many()  # none is held between images
            quarantine.close_if_many()
            try:
                if outcome.result is None:
                    raise Skip(f"it could not be re-encoded: {outcome.error}")
                if len(outcome.result) >= entry.candidate.size:
                    raise Skip("the optimised file would not be smaller; kept as it is")
                _write(conn, plan, entry, outcome.result, source, quarantine, target)
            except (Skip, OSError) as why:
                reason = str(why) if isinstance(why, Skip) else f"cannot write it: {why}"
                skipped.append(Skipped(entry.candidate.path, reason))
            else:
                done.append(entry)
                saved += entry.candidate.size - len(outcome.result)
            if progress is not None:
                moved = bool(done) and done[-1] is entry
                total = len(plan.entries)
                progress(
                    ApplyProgress(len(done) + len(skipped), total, entry.candidate.path, moved)
                )
    return ApplyResult(plan.plan_id, len(done), saved, tuple(skipped), target)


def _read(source: Folders, entry: PlanEntry) -> EncodeTask:
    """The image's bytes as planned, read without following a link."""
    if entry.encoding is None:
        raise Skip("the plan gives no encoding for it")
    fd_dir, name = source.parent_of(entry.candidate.path)
    checked_stat(fd_dir, name, _expected(entry))
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd_dir)
    try:
        data = b""
        while chunk := os.read(fd, 1 << 20):
            data += chunk
    finally:
        os.close(fd)
    if len(data) != entry.candidate.size:
        raise Skip("it changed since the plan (size)")
    e = entry.encoding
    return EncodeTask(entry.candidate.media_id, data, e.format, e.quality, e.lossless, e.width)


def _write(
    conn: sqlite3.Connection,
    plan: Plan,
    entry: PlanEntry,
    data: bytes,
    source: Folders,
    quarantine: Folders,
    target: bytes,
) -> None:
    assert entry.encoding is not None
    c = entry.candidate
    output = entry.encoding.output
    in_place = output == c.path
    fd_dir, name = source.parent_of(c.path)
    out_dir, out_name = source.parent_of(output)
    mode = stat.S_IMODE(checked_stat(fd_dir, name, _expected(entry)).st_mode)
    if not in_place and exists(out_dir, out_name):
        raise Skip(f"{os.fsdecode(output)} exists already; not overwritten")
    intent = JournalIntent(
        batch_id=plan.plan_id, action="optimize" if in_place else "sibling", root=plan.root,
        media_id=c.media_id, original_path=c.path,
        quarantine_path=os.path.join(target, c.path) if in_place else b"",
        size=c.size, mtime_ns=entry.mtime_ns, inode=entry.inode, reason=entry.encoding.target,
        written_path=output, written_size=len(data), written_hash=xxhash.xxh3_128_hexdigest(data),
    )  # fmt: skip
    (journal_id,) = journal_intents(conn, [intent], int(time.time()))
    temp = temp_name(out_name, journal_id)
    try:
        _write_new(out_dir, temp, data, mode)
        if in_place:
            checked_stat(fd_dir, name, _expected(entry))
            dst_fd, _ = quarantine.parent_of(c.path)
            move_out(fd_dir, name, dst_fd, name, _expected(entry))
        try:
            os.link(temp, out_name, src_dir_fd=out_dir, dst_dir_fd=out_dir, follow_symlinks=False)
        except FileExistsError:
            raise Skip(f"{os.fsdecode(output)} appeared meanwhile; not overwritten") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=out_dir)
        if not in_place or not os.path.lexists(intent.quarantine_path):
            journal_settled(conn, [], [journal_id], int(time.time()))
        raise
    os.unlink(temp, dir_fd=out_dir)
    journal_settled(conn, [(journal_id, None)], [], int(time.time()))


def _expected(entry: PlanEntry) -> Expected:
    return Expected(entry.candidate.size, entry.mtime_ns, entry.inode, entry.ctime_ns)


def _write_new(dir_fd: int, name: bytes, data: bytes, mode: int) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=dir_fd)  # fmt: skip
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
