"""The one wait of the watchers: a pause that a stop cuts short.

The folder's and the store's watches wait between their polls, and the dashboard waits
before starting a failed store watch again: all wait here, so a quit ends each within
a step. A leaf module: it imports nothing of mediatop, so every layer may use it (the
TUI may not import the store, where it was).
"""

from __future__ import annotations

import asyncio
import contextlib


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `stop` is set first; whether it was."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()
