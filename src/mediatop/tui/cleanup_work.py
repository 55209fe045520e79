"""The cleanup flow's blocking work, as its thread workers run it: the plan of the
marked files with what would be skipped, the apply, the list of quarantined plans and
an undo.

Each asks the library surface and posts typed messages (`mediatop.tui.cleanup_messages`);
a failure is posted as a `WorkFailed` with the surface's one-line message, never raised.
Which plan a screen's marks make is the screen's `CleanupKind`: the Unused screen plans
unused files at any risk (the person chose them), the Duplicates screen exact copies,
the Optimize screen the measured in-place re-encodings.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

from mediatop.json_text import readable
from mediatop.library_types import Skipped
from mediatop.tui.cleanup_messages import (
    ApplyProgressed,
    NotPlanned,
    PlanApplied,
    PlanUndone,
    PreviewReady,
    QuarantineListed,
)
from mediatop.tui.data import user_message
from mediatop.tui.messages import WorkFailed

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import ApplyProgress, Plan

Post = Callable[[Message], object]
PROGRESS_INTERVAL_S = 0.1
GONE = "gone or changed since the last scan"

# Why a marked file is not in its screen's plan, by the plan's kind.
NOT_PLANNED = {
    "unused": "no longer unused (used or requested since), or gone",
    "duplicates": "not an exact copy to remove (the copy kept, or a look-alike)",
    "optimize": "no measured re-encoding in place makes it smaller",
}


def plan_of(library: MediaLibrary, kind: str, now: datetime | None) -> Plan:
    """The whole plan a screen's marks are taken from."""
    if kind == "optimize":
        return library.plan_optimize(measure="cached", now=now)
    unused = kind == "unused"
    return library.plan_cleanup(unused=unused, duplicates=not unused, max_risk="high", now=now)


def preview(
    library: MediaLibrary, kind: str, marked: Mapping[int, str], now: datetime | None, post: Post
) -> None:
    """Post the plan of the `marked` files (id -> name as listed) as a `PreviewReady`."""
    try:
        whole = plan_of(library, kind, now)
        entries = tuple(e for e in whole.entries if e.candidate.media_id in marked)
        plan = dataclasses.replace(whole, entries=entries, not_found=(), left_out_by_risk=0)
        skipped = tuple(library.would_skip(plan))
    except Exception as exc:
        post(WorkFailed("Planning the marked files", user_message(exc)))
        return
    # A marked file gone or changed since the last scan is not planned: a skip too.
    gone = {names: path for path in whole.not_found
            if (names := _names_of(path)) & set(marked.values())}  # fmt: skip
    skipped += tuple(Skipped(path, GONE) for path in gone.values())
    planned = {e.candidate.media_id for e in entries}
    left = tuple(
        NotPlanned(name, NOT_PLANNED[kind]) for file_id, name in marked.items()
        if file_id not in planned and not any(name in names for names in gone)
    )  # fmt: skip
    post(PreviewReady(plan, skipped, left))


def _names_of(path: bytes) -> frozenset[str]:
    """The names a list may show for `path`: as decoded, and as valid Unicode."""
    decoded = os.fsdecode(path)
    return frozenset({decoded, readable(decoded)})


def apply(library: MediaLibrary, plan: Plan, post: Post) -> None:
    """Apply `plan`, posting its progress (at most every PROGRESS_INTERVAL_S, and the
    last) and then a `PlanApplied`."""
    last_post = 0.0

    def progress(value: ApplyProgress) -> None:
        nonlocal last_post
        now = time.monotonic()
        if value.done == value.total or now - last_post >= PROGRESS_INTERVAL_S:
            last_post = now
            post(ApplyProgressed(value.done, value.total))

    try:
        result = library.apply_plan(plan, progress=progress)
    except Exception as exc:
        post(WorkFailed("Applying the plan", user_message(exc)))
        return
    post(PlanApplied(result))


def list_quarantine(library: MediaLibrary, now: datetime | None, post: Post) -> None:
    try:
        plans = library.quarantined_plans(now=now)
    except Exception as exc:
        post(WorkFailed("Listing the quarantine", user_message(exc)))
        return
    post(QuarantineListed(plans))


def undo(library: MediaLibrary, plan_id: str, post: Post) -> None:
    """Put plan `plan_id`'s files back, then post a `PlanUndone`."""
    try:
        result = library.undo_cleanup(plan_id)
    except Exception as exc:
        post(WorkFailed("Undoing the plan", user_message(exc)))
        return
    post(PlanUndone(result))
