"""Measuring image savings in the background, in bounded batches, for the dashboard.

The Optimization box reads cached measurements only; this is what fills the cache while
the app runs, through the library surface (`images_to_measure`, `measure_savings`).
No Textual here: the dashboard runs `measure_in_batches` in a thread worker and turns
each step into a message. The batching is the dashboard's: a quit waits for the batch
in flight, so a batch is kept short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary

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


def measure_in_batches(
    library: MediaLibrary,
    *,
    cancelled: Callable[[], bool],
    budget_s: float = BATCH_BUDGET_S,
) -> Iterator[MeasureProgress]:
    """Measure every image that needs it, one budgeted batch at a time, yielding the
    progress before the first batch and after each one. Stops between batches once
    `cancelled()` is true, and when a batch measures nothing (rather than spin)."""
    pending = library.images_to_measure()
    total = len(pending)
    if not total:
        return
    wanted = set(pending)
    yield MeasureProgress(0, total)
    while pending and not cancelled():
        measured = library.measure_savings(pending, budget_s=budget_s)
        # Images that appeared meanwhile are left to the run their rescan starts.
        left = [i for i in library.images_to_measure() if i in wanted]
        yield MeasureProgress(total - len(left), total, finished=not left or not measured)
        if not measured:
            return
        pending = left
