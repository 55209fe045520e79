"""The dashboard's blocking work, as its thread workers run it: the scan, the rescans of
changed folders and the measuring of image savings.

Each asks the library surface and posts what happens as typed messages (`post` is the
screen's `post_message`, safe from any thread); a failure is posted as a `WorkFailed`
with the one-line message the surface's error carries, never raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.message import Message

from mediatop.tui.data import user_message
from mediatop.tui.messages import (
    ChangesFollowed,
    LibraryChanged,
    SavingsMeasured,
    ScanFinished,
    ScanProgress,
    WorkFailed,
)

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import ScanProgress as ScanProgressValue
    from mediatop.library_types import ScanSummary

# Progress messages replace one another; more than 4 a second would only cost bytes
# over a slow link.
PROGRESS_INTERVAL_S = 0.25

Post = Callable[[Message], object]


def scan(library: MediaLibrary, post: Post, *, cancelled: Callable[[], bool]) -> None:
    """Scan the library, posting its progress (at most every PROGRESS_INTERVAL_S, and at
    each new phase) and then a `ScanFinished`."""
    last_post = 0.0
    last_phase = ""

    def progress(value: ScanProgressValue) -> None:
        nonlocal last_post, last_phase
        now = time.monotonic()
        if value.phase != last_phase or now - last_post >= PROGRESS_INTERVAL_S:
            last_post, last_phase = now, value.phase
            post(ScanProgress(value))

    try:
        summary = library.scan(progress=progress, cancelled=cancelled)
    except Exception as exc:
        post(WorkFailed("Scanning the folder", user_message(exc)))
        return
    post(ScanFinished(summary))


def rescan(
    library: MediaLibrary,
    dirs: frozenset[bytes] | None,
    post: Post,
    *,
    cancelled: Callable[[], bool],
    now: datetime | None,
) -> ScanSummary | None:
    """Record what changed in `dirs` (None: the whole tree) and probe it: a
    `LibraryChanged("folder")` once recorded, then, if anything changed, a
    `ChangesFollowed` and a `LibraryChanged("probed")`. What the rescan found, or None
    when it failed."""
    try:
        summary = library.rescan(
            dirs, on_recorded=lambda: post(LibraryChanged("folder")), cancelled=cancelled
        )
    except Exception as exc:
        post(WorkFailed("Rescanning changed folders", user_message(exc)))
        return None
    if summary.has_changes:
        post(ChangesFollowed(summary, now or datetime.now(UTC)))
        post(LibraryChanged("probed"))
    return summary


def measure_savings(library: MediaLibrary, post: Post, *, cancelled: Callable[[], bool]) -> None:
    """Measure the savings of every image that needs it, batch by batch, posting a
    `SavingsMeasured` at the start and after each batch, until none is left or
    `cancelled()` is true."""
    try:
        for progress in library.measure_in_batches(cancelled=cancelled):
            post(SavingsMeasured(progress.done, progress.total, progress.finished))
    except Exception as exc:
        post(WorkFailed("Measuring savings", user_message(exc)))
