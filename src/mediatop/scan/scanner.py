"""Scanning a media root into the store: walk, diff against what is stored, write, probe.

Incremental: a directory whose signature (names, sizes, mtimes of its files) is
unchanged is not diffed, and a file whose size and mtime are unchanged is never opened
again. Files that disappear keep their row with `deleted_at` set.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mediatop.scan.examined import Examined, examiner, pack_batch
from mediatop.scan.probing import pending_tasks, probe_tasks
from mediatop.scan.rows import all_new, dir_prefix, files_of, seen_file
from mediatop.scan.uploaded import month_from_path, upload_time
from mediatop.scan.walk import DirListing, inside_root, is_listable_dir, list_dir, walk_tree
from mediatop.scan.walk_forked import map_directories
from mediatop.store import database_file, scan_state
from mediatop.store import files as file_store
from mediatop.store.connection import STORE_FILE_SUFFIXES
from mediatop.store.dialect import is_postgres
from mediatop.workers.forked import fork_is_safe

# A walk's progress is told at its first directory, then at most this often (a big
# tree lists thousands of directories a second); its whole count follows as the
# "writing" phase, while what it found is recorded.
PROGRESS_INTERVAL_S = 0.1


@dataclass(frozen=True)
class ScanProgress:
    """Where a scan is; posted often, each replacing the previous one."""

    phase: str  # 'walking' | 'writing' (the walk's whole count) | 'probing' | 'done'
    done: int
    total: int


@dataclass(frozen=True)
class ScanSummary:
    files_present: int
    new: int
    changed: int
    deleted: int
    unchanged: int
    probed: int
    probe_errors: int
    symlinks_skipped: int
    walk_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def has_changes(self) -> bool:
        """Whether any file was added, changed or removed."""
        return bool(self.new or self.changed or self.deleted)


@dataclass
class _Diff:
    new: list[file_store.NewRow] = field(default_factory=list)  # sorted by path
    changed: list[tuple[int, file_store.SeenFile]] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    unchanged: int = 0


def _diff(
    listings: Iterable[DirListing],
    index: dict[bytes, file_store.IndexEntry],
    now: int,
    initial: bool,
) -> _Diff:
    """Compare walked files with the stored index (restricted to the same scope)."""
    diff = _Diff()
    if not index:  # nothing stored in this scope: all new, nothing can be gone
        for listing in listings:
            diff.new.extend(all_new(listing, now, initial))
        diff.new.sort()
        return diff
    walked_paths: set[bytes] = set()
    for listing in listings:
        prefix = dir_prefix(listing.rel_dir)
        month = month_from_path(prefix) if initial else None
        for name, size, mtime_ns, inode in files_of(listing):
            rel = prefix + name
            walked_paths.add(rel)
            entry = index.get(rel)
            if entry is None:
                upload = upload_time(month, mtime_ns, now, initial)
                diff.new.append(seen_file(prefix, name, size, mtime_ns, inode, upload))
            elif entry.deleted or entry.size != size or entry.mtime_ns != mtime_ns:
                seen = seen_file(prefix, name, size, mtime_ns, inode, (now, "first_seen"))
                diff.changed.append((entry.id, seen))
            else:
                diff.unchanged += 1
    diff.new.sort()  # the unique path index then grows at its right edge, not all over
    diff.gone = [e.id for p, e in index.items() if not e.deleted and p not in walked_paths]
    return diff


class _Writer:
    """Applies per-directory diffs, opening the write transaction only at the first change.

    A rescan that finds nothing new never takes the store's write lock, so it never
    makes a concurrent ingest wait.
    """

    def __init__(self, conn: sqlite3.Connection, now: int) -> None:
        self.conn = conn
        self.now = now
        self.open = False
        self.new = self.changed = self.deleted = 0
        self.deferred_indexes: list[str] = []

    def _begin(self) -> None:
        if not self.open:
            self.conn.execute("BEGIN IMMEDIATE")
            self.open = True
            self.deferred_indexes = file_store.begin_bulk_load(self.conn)

    def add_new(self, rows: list[file_store.NewRow] | file_store.PackedRows) -> None:
        """Add new files: NewRows, or PackedRows inside `file_store.packed_rows_attached`."""
        if not isinstance(rows, file_store.PackedRows):
            self.apply(_Diff(new=rows))
        elif rows.count:
            self._begin()
            file_store.insert_packed(self.conn, rows, self.now)
            self.new += rows.count

    def apply(self, diff: _Diff) -> None:
        if not (diff.new or diff.changed or diff.gone):
            return
        self._begin()
        file_store.insert_new(self.conn, diff.new, self.now)
        file_store.update_changed(self.conn, diff.changed, self.now)
        file_store.mark_deleted(self.conn, diff.gone, self.now)
        self.new += len(diff.new)
        self.changed += len(diff.changed)
        self.deleted += len(diff.gone)

    def save_state(
        self, signatures: list[tuple[bytes, str, int]], vanished: Iterable[bytes], initial: bool
    ) -> None:
        vanished = list(vanished)
        if not (signatures or vanished or initial):
            return
        self._begin()
        scan_state.save_signatures(self.conn, signatures, self.now, replace_all=False)
        scan_state.forget_dirs(self.conn, vanished)
        if initial:
            scan_state.mark_initial_scan_done(self.conn, self.now)

    def commit(self) -> None:
        if self.open:
            file_store.end_bulk_load(self.conn, self.deferred_indexes)
            self.conn.execute("COMMIT")
            self.open = False

    def rollback(self) -> None:
        if self.open:
            self.conn.execute("ROLLBACK")
            self.open = False


@dataclass
class _Walked:
    """What the walk saw, for the summary and for finding vanished directories."""

    dirs: set[bytes] = field(default_factory=set)
    files: int = 0
    symlinks_skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _apply_listings(
    writer: _Writer,
    examined: Iterable[Examined],
    initial: bool,
    progress: Callable[[ScanProgress], None] | None,
) -> _Walked:
    """Write what changed in each examined directory, as the walk yields them."""
    walked = _Walked()
    changed_signatures: list[tuple[bytes, str, int]] = []
    next_progress = 0.0
    for found in examined:
        walked.dirs.add(found.rel_dir)
        walked.files += found.file_count
        walked.symlinks_skipped += found.symlinks_skipped
        walked.errors.extend(found.errors)
        if found.signature is not None:
            if found.new_rows is not None:
                writer.add_new(found.new_rows)
            else:
                assert found.listing is not None
                index = (
                    {} if initial else file_store.load_index_in_dirs(writer.conn, [found.rel_dir])
                )
                writer.apply(_diff([found.listing], index, writer.now, initial))
            changed_signatures.append((found.rel_dir, found.signature, found.file_count))
        if progress and time.monotonic() >= next_progress:
            progress(ScanProgress("walking", walked.files, 0))
            next_progress = time.monotonic() + PROGRESS_INTERVAL_S
    writer.save_state(changed_signatures, (), initial=False)
    if progress:  # the whole count, however short the walk
        progress(ScanProgress("writing", walked.files, 0))
    return walked


def store_files(conn: sqlite3.Connection, root: Path) -> frozenset[bytes]:
    """The store's own files (database, WAL, shared memory, journal) relative to `root`
    when the store lies inside it: a scan leaves them out, they are never media."""
    if is_postgres(conn):  # a server's files are never under the root
        return frozenset()
    database = database_file(conn)
    inside = inside_root(database, root) if database else None
    if inside is None:
        return frozenset()
    return frozenset(inside + suffix for suffix in STORE_FILE_SUFFIXES)


def probe_pending(
    conn: sqlite3.Connection,
    root: Path,
    workers: int,
    progress: Callable[[ScanProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[int, int]:
    """Probe every present file whose current version has no probe yet: (probed, errors).
    Progress is told as a "probing" phase, first with none done; `cancelled()` turning
    true stops it within half a second (see `probing.probe_tasks`)."""

    def report(done: int, total: int) -> None:
        if progress:
            progress(ScanProgress("probing", done, total))

    return probe_tasks(conn, pending_tasks(conn, root), workers, report, cancelled)


def _summary(
    writer: _Writer, walked: _Walked, probed: tuple[int, int], started: float
) -> ScanSummary:
    return ScanSummary(
        files_present=walked.files,
        new=writer.new,
        changed=writer.changed,
        deleted=writer.deleted,
        unchanged=walked.files - writer.new - writer.changed,
        probed=probed[0],
        probe_errors=probed[1],
        symlinks_skipped=walked.symlinks_skipped,
        walk_errors=walked.errors,
        seconds=time.perf_counter() - started,
    )


def scan_root(
    conn: sqlite3.Connection,
    root: Path,
    *,
    probe: bool = True,
    workers: int = 2,
    progress: Callable[[ScanProgress], None] | None = None,
    now: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ScanSummary:
    """Bring the store up to date with the files under `root`.

    Directories are diffed as the walk yields them, so on a first scan SQLite inserts
    while forked walkers still read the tree. All writes of one scan are one
    transaction: an interrupted scan leaves the store as it was. Probing, which can
    take minutes on a new library, stops early once `cancelled()` is true.
    """
    started = time.perf_counter()
    writer = _Writer(conn, int(time.time()) if now is None else now)
    initial = not scan_state.initial_scan_done(conn)
    stored_signatures = scan_state.load_signatures(conn)
    store_empty = file_store.is_empty(conn)
    examine = examiner(stored_signatures, writer.now, initial, store_empty)
    walk = functools.partial(_write_walk, writer, root, stored_signatures, initial, examine)
    # A first scan on SQLite packs its rows where they are made (file_store.PackedRows).
    # The walkers then open SQLite databases of their own, which is safe after a fork
    # only if no other thread could have held one of SQLite's locks at that moment.
    if store_empty and not is_postgres(conn) and fork_is_safe():
        with file_store.packed_rows_attached(conn):
            walked = walk(progress, seal=pack_batch)
    else:
        walked = walk(progress)
    probed = probe_pending(conn, root, workers, progress, cancelled) if probe else (0, 0)
    if progress:
        progress(ScanProgress("done", walked.files, walked.files))
    return _summary(writer, walked, probed, started)


def _write_walk(
    writer: _Writer,
    root: Path,
    stored_signatures: dict[bytes, str],
    initial: bool,
    examine: Callable[[DirListing], Examined],
    progress: Callable[[ScanProgress], None] | None,
    seal: Callable[[list[Examined]], list[Examined]] | None = None,
) -> _Walked:
    """Walk the whole tree and write what changed, in one transaction."""
    conn = writer.conn
    try:
        skip = store_files(conn, root)
        walk = map_directories(os.fsencode(root), examine, skip=skip, seal=seal)
        # Closed even when writing fails, so the forked walkers never outlive the scan.
        with contextlib.closing(walk) as examined:
            walked = _apply_listings(writer, examined, initial, progress)
        vanished = set(stored_signatures) - walked.dirs
        gone = file_store.load_index_under(conn, vanished) if vanished else {}
        writer.apply(_Diff(gone=[e.id for e in gone.values() if not e.deleted]))
        writer.save_state([], vanished, initial)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    return walked


def _vanished_subdirs(
    root: bytes, listed: dict[bytes, DirListing], known_dirs: dict[bytes, str]
) -> list[bytes]:
    """The known sub-directories of the listed directories that are gone from them. A
    folder moved out of the root (or the root made again, empty) is one change to its
    parent: the watch reports nothing below it."""
    held = {sub for listing in listed.values() for sub in listing.subdirs}
    return [
        d
        for d in known_dirs
        if d and d not in held and os.path.dirname(d) in listed and not is_listable_dir(root, d)
    ]


def rescan_dirs(
    conn: sqlite3.Connection,
    root: Path,
    rel_dirs: Iterable[bytes],
    *,
    probe: bool = True,
    workers: int = 1,
    now: int | None = None,
) -> ScanSummary:
    """Re-read only these directories (what the watcher reports), not the whole tree.

    A directory that appeared is walked with everything below it; one that vanished has
    its files (and those of its sub-directories) marked deleted.
    """
    started = time.perf_counter()
    writer = _Writer(conn, int(time.time()) if now is None else now)
    root_bytes = os.fsencode(root)
    skip = store_files(conn, root)
    known_dirs = scan_state.load_signatures(conn)
    listed: dict[bytes, DirListing] = {}
    vanished: list[bytes] = []
    for rel_dir in sorted(set(rel_dirs)):
        if rel_dir in listed:  # already walked as part of a new parent directory
            continue
        if not is_listable_dir(root_bytes, rel_dir):
            vanished.append(rel_dir)
            continue
        listing = list_dir(root_bytes, rel_dir, skip)
        listed[rel_dir] = listing
        for sub in listing.subdirs:
            if sub not in known_dirs and sub not in listed:  # new: take everything below it
                below = walk_tree(root_bytes, start=sub, skip=skip)
                listed.update((d.rel_dir, d) for d in below)
    vanished += _vanished_subdirs(root_bytes, listed, known_dirs)
    # The reported directories are re-diffed even if their signature looks unchanged:
    # the watcher said something happened there.
    forced = {d: s for d, s in known_dirs.items() if d not in listed}
    try:
        examine = examiner(forced, writer.now, False, store_empty=False)
        walked = _apply_listings(writer, map(examine, listed.values()), False, None)
        gone = file_store.load_index_under(conn, vanished) if vanished else {}
        writer.apply(_Diff(gone=[e.id for e in gone.values() if not e.deleted]))
        writer.save_state([], vanished, False)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    needs_probe = probe and (writer.new or writer.changed)
    probed = probe_pending(conn, root, workers) if needs_probe else (0, 0)
    return _summary(writer, walked, probed, started)
