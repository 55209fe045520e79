"""Scanning a media root into the store: walk, diff against what is stored, write, probe.

Incremental: a directory whose signature (names, sizes, mtimes of its files) is
unchanged is not diffed, and a file whose size and mtime are unchanged is never opened
again. Files that disappear keep their row with `deleted_at` set.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mediatop.kinds import classify
from mediatop.scan.probe import ProbeTask, run_probes
from mediatop.scan.uploaded import upload_time
from mediatop.scan.variants import split_variant
from mediatop.scan.walk import DirListing, list_dir, walk_tree
from mediatop.store import files as file_store
from mediatop.store import scan_state, transaction

PROBE_WRITE_BATCH = 256


@dataclass(frozen=True)
class ScanProgress:
    """Where a scan is; posted often, each replacing the previous one."""

    phase: str  # 'walking' | 'writing' | 'probing' | 'done'
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


def _seen_file(
    rel_path: bytes, size: int, mtime_ns: int, inode: int, now: int, initial: bool
) -> file_store.SeenFile:
    kind, mime = classify(rel_path)
    group_path, variant = split_variant(rel_path)
    uploaded_at, source = upload_time(rel_path, mtime_ns, now, initial)
    return file_store.SeenFile(
        path=rel_path,
        group_path=group_path,
        variant=variant,
        kind=kind,
        mime=mime,
        ext=os.path.splitext(rel_path)[1].lower().decode("utf-8", "replace"),
        size=size,
        mtime_ns=mtime_ns,
        inode=inode,
        uploaded_at=uploaded_at,
        uploaded_source=source,
    )


@dataclass
class _Diff:
    new: list[file_store.SeenFile] = field(default_factory=list)
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
    walked_paths: set[bytes] = set()
    for listing in listings:
        for walked in listing.files:
            rel = os.path.join(listing.rel_dir, walked.name) if listing.rel_dir else walked.name
            walked_paths.add(rel)
            entry = index.get(rel)
            if entry is None:
                diff.new.append(
                    _seen_file(rel, walked.size, walked.mtime_ns, walked.inode, now, initial)
                )
            elif entry.deleted or entry.size != walked.size or entry.mtime_ns != walked.mtime_ns:
                seen_file = _seen_file(rel, walked.size, walked.mtime_ns, walked.inode, now, False)
                diff.changed.append((entry.id, seen_file))
            else:
                diff.unchanged += 1
    diff.gone = [e.id for p, e in index.items() if not e.deleted and p not in walked_paths]
    return diff


def _write(conn: sqlite3.Connection, diff: _Diff, now: int) -> None:
    file_store.insert_new(conn, diff.new, now)
    file_store.update_changed(conn, diff.changed)
    file_store.mark_deleted(conn, diff.gone, now)


def probe_pending(
    conn: sqlite3.Connection,
    root: Path,
    workers: int,
    progress: Callable[[ScanProgress], None] | None = None,
) -> tuple[int, int]:
    """Probe every present file whose current version has no probe yet: (probed, errors)."""
    root_bytes = os.fsencode(root)
    tasks = []
    for file_id, rel_path, kind in file_store.unprobed(conn):
        abs_path = os.path.join(root_bytes, rel_path)
        try:
            size = os.stat(abs_path, follow_symlinks=False).st_size
        except OSError:
            continue  # gone since the walk; the next scan marks it deleted
        tasks.append(ProbeTask(file_id, abs_path, kind, size))
    probed = errors = 0
    pending: list = []

    def flush() -> None:
        with transaction(conn):
            file_store.save_probes(conn, pending, int(time.time()))
        pending.clear()

    def report(done: int) -> None:
        if progress:
            progress(ScanProgress("probing", done, len(tasks)))

    for results in run_probes(tasks, workers, report):
        pending.extend(results)
        probed += len(results)
        errors += sum(1 for _, result in results if result.error)
        if len(pending) >= PROBE_WRITE_BATCH:
            flush()
    if pending:
        flush()
    return probed, errors


def scan_root(
    conn: sqlite3.Connection,
    root: Path,
    *,
    probe: bool = True,
    workers: int = 2,
    progress: Callable[[ScanProgress], None] | None = None,
    now: int | None = None,
) -> ScanSummary:
    """Bring the store up to date with the files under `root`."""
    started = time.perf_counter()
    now = int(time.time()) if now is None else now
    root_bytes = os.fsencode(root)
    initial = file_store.count_files(conn) == 0
    stored_signatures = scan_state.load_signatures(conn)

    listings: list[DirListing] = []
    signatures: list[tuple[bytes, str, int]] = []
    changed_dirs = False
    walked_files = 0
    for listing in walk_tree(root_bytes):
        listings.append(listing)
        signature = listing.signature
        signatures.append((listing.rel_dir, signature, len(listing.names)))
        changed_dirs = changed_dirs or stored_signatures.get(listing.rel_dir) != signature
        walked_files += len(listing.names)
        if progress and len(listings) % 200 == 0:
            progress(ScanProgress("walking", walked_files, 0))
    vanished = set(stored_signatures) - {s[0] for s in signatures}

    diff = _Diff(unchanged=walked_files)
    if changed_dirs or vanished or initial:
        if progress:
            progress(ScanProgress("writing", walked_files, walked_files))
        diff = _diff(listings, file_store.load_index(conn), now, initial)
        with transaction(conn):
            _write(conn, diff, now)
            scan_state.save_signatures(conn, signatures, now, replace_all=True)

    probed = probe_errors = 0
    if probe:
        probed, probe_errors = probe_pending(conn, root, workers, progress)
    if progress:
        progress(ScanProgress("done", walked_files, walked_files))
    return ScanSummary(
        files_present=walked_files,
        new=len(diff.new),
        changed=len(diff.changed),
        deleted=len(diff.gone),
        unchanged=diff.unchanged,
        probed=probed,
        probe_errors=probe_errors,
        symlinks_skipped=sum(listing.symlinks_skipped for listing in listings),
        walk_errors=[error for listing in listings for error in listing.errors],
        seconds=time.perf_counter() - started,
    )


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
    now = int(time.time()) if now is None else now
    root_bytes = os.fsencode(root)
    listed: dict[bytes, DirListing] = {}
    vanished: list[bytes] = []
    known_dirs = scan_state.load_signatures(conn)
    for rel_dir in sorted(set(rel_dirs)):
        if rel_dir in listed:  # already walked as part of a new parent directory
            continue
        if not os.path.isdir(os.path.join(root_bytes, rel_dir) if rel_dir else root_bytes):
            vanished.append(rel_dir)
            continue
        listing = list_dir(root_bytes, rel_dir)
        listed[rel_dir] = listing
        for sub in listing.subdirs:
            if sub not in known_dirs and sub not in listed:  # new: take everything below it
                listed.update((d.rel_dir, d) for d in walk_tree(root_bytes, start=sub))
    listings = list(listed.values())
    index = file_store.load_index_in_dirs(conn, {listing.rel_dir for listing in listings})
    gone_index = file_store.load_index_under(conn, vanished)
    diff = _diff(listings, index, now, initial=False)
    diff.gone.extend(e.id for e in gone_index.values() if not e.deleted)
    with transaction(conn):
        _write(conn, diff, now)
        scan_state.save_signatures(
            conn,
            [(lst.rel_dir, lst.signature, len(lst.names)) for lst in listings],
            now,
            replace_all=False,
        )
        scan_state.forget_dirs(conn, vanished)
    probed = probe_errors = 0
    if probe and (diff.new or diff.changed):
        probed, probe_errors = probe_pending(conn, root, workers)
    return ScanSummary(
        files_present=sum(len(lst.names) for lst in listings),
        new=len(diff.new),
        changed=len(diff.changed),
        deleted=len(diff.gone),
        unchanged=diff.unchanged,
        probed=probed,
        probe_errors=probe_errors,
        symlinks_skipped=sum(lst.symlinks_skipped for lst in listings),
        walk_errors=[e for lst in listings for e in lst.errors],
        seconds=time.perf_counter() - started,
    )
