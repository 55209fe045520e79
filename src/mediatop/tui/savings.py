"""Measuring image savings in the background, in bounded batches, for the dashboard.

The Optimization box reads cached measurements only; this is what fills the cache while
the app runs. No Textual here: the dashboard runs `measure_in_batches` in a thread
worker and turns each step into a message. Each batch opens its own writable connection
(sqlite3 connections belong to one thread) and closes it before the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Wall time one batch may spend starting re-encodings: short enough that a quit (which
# waits for the batch in flight) stays prompt, long enough to amortise the pool's start.
BATCH_BUDGET_S = 1.0


@dataclass(frozen=True)
class MeasureProgress:
    """How far the background measuring has come: `done` of the `total` images it found
    needing a measurement when it started; `finished` once it stops for good."""

    done: int
    total: int
    finished: bool = False


def images_to_measure(db_path: Path) -> list[int]:
    """Present images with a planned re-encoding that is not measured yet, largest first
    (the largest stand to save the most)."""
    from mediatop.encode_plan import target_names
    from mediatop.store import connect
    from mediatop.store.measurements import cached_measurements
    from mediatop.store.queries.image_facts import load_image_facts, max_display_widths

    conn = connect(db_path, readonly=True)
    try:
        facts = load_image_facts(conn)
        widths = max_display_widths(conn)
        cached = cached_measurements(conn)
    finally:
        conn.close()
    missing = [
        f for f in facts
        if any(name not in cached.get(f.id, {}) for name in target_names(f, widths.get(f.id)))
    ]  # fmt: skip
    return [f.id for f in sorted(missing, key=lambda f: (-f.size, f.id))]


def measure_batch(db_path: Path, root: Path, ids: list[int], budget_s: float, workers: int) -> int:
    """Measure what `budget_s` allows of `ids`, in order; returns how many re-encodings
    were measured (failures included: they are cached too, so never retried in a loop)."""
    from mediatop.measure.savings import measure_savings
    from mediatop.store import connect

    conn = connect(db_path)
    try:
        return measure_savings(conn, root, ids, budget_s=budget_s, workers=workers).measured
    finally:
        conn.close()


def measure_in_batches(
    db_path: Path,
    root: Path,
    *,
    cancelled: Callable[[], bool],
    budget_s: float = BATCH_BUDGET_S,
    workers: int = 1,
) -> Iterator[MeasureProgress]:
    """Measure every image that needs it, one budgeted batch at a time, yielding the
    progress before the first batch and after each one. Stops between batches once
    `cancelled()` is true, and when a batch measures nothing (rather than spin)."""
    pending = images_to_measure(db_path)
    total = len(pending)
    if not total:
        return
    wanted = set(pending)
    yield MeasureProgress(0, total)
    while pending and not cancelled():
        measured = measure_batch(db_path, root, pending, budget_s, workers)
        # Images that appeared meanwhile are left to the run their rescan starts.
        left = [i for i in images_to_measure(db_path) if i in wanted]
        yield MeasureProgress(total - len(left), total, finished=not left or not measured)
        if not measured:
            return
        pending = left
