"""Reading what the dashboard draws on a real pty, for the tests that run it as a user's
terminal would (hang-ups, SIGTERM, the demo)."""

from __future__ import annotations

import os
import select
import time


def read_drawn(leader: int, seconds: float, mark: bytes | None = None) -> bytes:
    """What the app draws for `seconds` (read so that it never blocks on a full pty), or
    until `mark` is drawn."""
    drawn = bytearray()
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if mark is not None and mark in drawn:
            break
        ready, _, _ = select.select([leader], [], [], min(left, 0.1))
        if ready:
            try:
                drawn += os.read(leader, 65536)
            except OSError:  # the app closed its end
                break
    return bytes(drawn)
