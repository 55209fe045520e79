"""Typed messages of the cleanup flow: what its workers post to the preview and the
quarantine screens (a preview read, an apply's progress and result, an undo's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from mediatop.library_types import ApplyResult, Plan, QuarantinedPlan, Skipped, UndoResult


@dataclass(frozen=True)
class NotPlanned:
    """A marked file the plan left out (a kept copy, a file used since), and why."""

    name: str
    reason: str


@dataclass
class PreviewReady(Message):
    """The plan of the marked files, what applying it now would skip, and the marked
    files it does not hold."""

    plan: Plan
    skipped: tuple[Skipped, ...]
    not_planned: tuple[NotPlanned, ...]


@dataclass
class ApplyProgressed(Message):
    """`done` of `total` files handled; each replaces the one before."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ApplyProgressed)


@dataclass
class PlanApplied(Message):
    """The apply is over: files moved, and each skip with its reason."""

    result: ApplyResult


@dataclass
class QuarantineListed(Message):
    """The plans that can be undone, newest first."""

    plans: list[QuarantinedPlan]


@dataclass
class PlanUndone(Message):
    """An undo is over: files put back, and those refused with the reason."""

    result: UndoResult
