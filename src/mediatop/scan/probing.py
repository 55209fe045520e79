"""Probing what a scan recorded: every present file whose current version has no probe
yet is read in the worker pool, and the results are stored batch by batch."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.kinds import extension_of, has_prober
from mediatop.store import files as file_store
from mediatop.store import transaction

if TYPE_CHECKING:
    from mediatop.model import ProbeResult
    from mediatop.scan.probe import ProbeTask

PROBE_WRITE_BATCH = 256


def pending_tasks(conn: sqlite3.Connection, root: Path) -> list[ProbeTask]:
    """A probe task for each present, unprobed file that has a prober; files without
    one (only in a store written before they were stamped at insert) are stamped now."""
    unprobed = file_store.unprobed(conn)
    if not unprobed:
        return []
    # Imported here: a rescan that finds nothing new needs no pool (nor multiprocessing).
    from mediatop.scan.probe import ProbeTask

    root_bytes = os.fsencode(root)
    tasks = []
    nothing_to_probe = []
    for file_id, rel_path, kind in unprobed:
        if not has_prober(kind, extension_of(rel_path)):
            nothing_to_probe.append(file_id)
            continue
        try:
            size = os.stat(os.path.join(root_bytes, rel_path), follow_symlinks=False).st_size
        except OSError:
            continue  # gone since the walk; the next scan marks it deleted
        tasks.append(ProbeTask(file_id, root_bytes, rel_path, kind, size))
    if nothing_to_probe:
        with transaction(conn):
            file_store.mark_nothing_to_probe(conn, nothing_to_probe, int(time.time()))
    return tasks


def probe_tasks(
    conn: sqlite3.Connection,
    tasks: list[ProbeTask],
    workers: int,
    on_progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[int, int]:
    """Probe `tasks` and store their results: (probed, errors). `on_progress(done,
    total)` is called once before the first probe and after each batch.

    Stops within half a second once `cancelled()` is true (the app is quitting),
    abandoning the probes running: what was probed is kept, the rest is probed by the
    next scan."""
    probed = errors = 0
    pending: list[tuple[int, ProbeResult]] = []

    def flush() -> None:
        with transaction(conn):
            file_store.save_probes(conn, pending, int(time.time()))
        pending.clear()

    def report(done: int) -> None:
        if on_progress:
            on_progress(done, len(tasks))

    if not tasks:
        return 0, 0
    from mediatop.scan.probe import run_probes

    report(0)  # the walk is recorded by now: a face may show its files while probes run
    with contextlib.closing(run_probes(tasks, workers, report, cancelled)) as batches:
        for results in batches:
            pending.extend(results)
            probed += len(results)
            errors += sum(1 for _, result in results if result.error)
            if len(pending) >= PROBE_WRITE_BATCH:
                flush()
            if cancelled is not None and cancelled():
                break
    if pending:
        flush()
    return probed, errors
