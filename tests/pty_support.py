"""Reading what the dashboard draws on a real pty, for the tests that run it as a user's
terminal would (hang-ups, SIGTERM, the demo, the bytes it sends, other terminals)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable


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


class Terminal:
    """A command running in a pty of `columns`×`lines`, its output read by pyte (a
    terminal emulator), as a user's terminal would show it: the screen's text, and how
    many bytes the app has written to it."""

    def __init__(
        self, command: list[str], env: dict[str, str], columns: int = 120, lines: int = 40
    ) -> None:
        import pyte

        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.started = self.last_write = time.monotonic()
        self.process = subprocess.Popen(
            command, stdin=follower, stdout=follower, stderr=follower, env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(follower)

    @property
    def written(self) -> int:
        return len(self.raw)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def read(self, seconds: float) -> None:
        """Take in what the app writes for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.leader], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(self.leader, 65536)
                except OSError:  # the app closed its end
                    return
                self.raw += data
                self.last_write = time.monotonic()
                self.stream.feed(data)

    def wait_for(self, shown: Callable[[str], bool], timeout: float = 30.0) -> str:
        """Read until `shown(screen text)` holds; the screen's text then (AssertionError
        with the screen at the timeout)."""
        deadline = time.monotonic() + timeout
        while not shown(self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen shows:\n{self.text()}")
            self.read(0.05)
        return self.text()

    def press(self, keys: bytes) -> None:
        os.write(self.leader, keys)

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """Read what the app writes as it leaves (a full pty would hold its exit back)
        until it has exited; its exit code, None at the timeout."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.1)
        return self.process.poll()

    def close(self) -> int | None:
        """Kill the app if it still runs; its exit code."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.leader)
        return self.process.returncode


def box_titles_shown(text: str) -> bool:
    """Whether the dashboard's four box titles are on the screen (the second box is
    titled Largest Files until any use is recorded)."""
    return all(
        title in text for title in ("Storage Overview", "Performance Metrics",
                                    "Optimization Opportunities")
    ) and ("Most Used Media" in text or "Largest Files" in text)  # fmt: skip
