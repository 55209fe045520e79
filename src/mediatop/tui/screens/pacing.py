"""How often the dashboard redraws while work runs behind it: loads paced while savings
are measured, and the breakpoint class a screen's width calls for.

Over a slow link every redraw costs bytes: a batch of measured savings commits every
second or so, and a load after each would redraw the Optimization box as often.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class PacedLoads:
    """Loads asked for through `ask`, run at most once every `interval_s` (the first one
    at once): one asked while another is due folds into it, which then reads everything
    that landed until it runs."""

    def __init__(self, owner: MessagePump, load: Callable[[], None], interval_s: float) -> None:
        self._owner = owner
        self._load = load
        self._interval_s = interval_s
        self._last = 0.0
        self._due: Timer | None = None

    def ask(self) -> None:
        if self._due is not None:
            return
        # Never 0: Textual's timer divides by its delay when it starts late.
        wait = max(0.1, self._last + self._interval_s - time.monotonic())
        self._due = self._owner.set_timer(wait, self._run)

    def _run(self) -> None:
        self._due = None
        self._last = time.monotonic()
        self._load()


def breakpoint_class(width: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class of the last breakpoint `width` reaches, as Textual picks it."""
    return [name for threshold, name in breakpoints if width >= threshold][-1]
