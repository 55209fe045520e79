"""The terminal driver: Textual's LinuxDriver, made safe for a terminal that goes away.

When the dashboard's terminal hangs up (a dropped SSH session, a closed tmux window),
Textual's LinuxDriver (8.x) hangs the process forever in two ways:

- Its writer thread dies on the first write to the gone terminal (EIO), and from then
  on every `write` waits on a queue of 30 that nothing reads any more. Quitting writes
  too (mouse reporting off, the alternate screen left), so the app hangs in its shutdown,
  and the event loop, blocked, never sees a later SIGTERM.
- On SIGCONT, which the kernel sends with SIGHUP to a session leader whose terminal
  hangs up, it starts application mode again although it never stopped: a second writer
  thread (which dies too, with its queue filling in the same way) and a second input
  thread.

This driver writes nothing once the terminal is gone, leaves the writer thread alone
then (a daemon thread: it goes with the process), ends input quietly, and resumes only
after a suspend, on a terminal still there. Everything here overrides public methods of
the driver; the app uses it through `App.get_driver_class`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App


def terminal_present() -> bool:
    """Whether the terminal the dashboard reads its keys from is still there (a hung-up
    terminal answers every request with EIO, so isatty says no, and never comes back)."""
    stdin = sys.__stdin__
    return stdin is not None and os.isatty(stdin.fileno())


def terminal_reports_size() -> bool:
    """Whether the terminal says how big it is. A bare pty says 0×0: Textual then falls
    back to COLUMNS and 24 lines and resizes the screen between 24 and 25 lines without
    end, so a frame held back until the layout settles would wait forever."""
    stdout = sys.__stdout__
    try:
        return stdout is not None and os.get_terminal_size(stdout.fileno()).lines > 0
    except OSError:  # not a terminal (the tests' pilot)
        return False


class TerminalDriver(LinuxDriver):
    """LinuxDriver that stops writing to, and reading from, a terminal that is gone."""

    def __init__(self, app: App[Any], **options: Any) -> None:
        super().__init__(app, **options)
        self._gone = False
        self._suspended = False

    def terminal_gone(self) -> bool:
        """Whether the terminal has hung up (see `terminal_present`)."""
        if not self._gone and not os.isatty(self.fileno):
            self._gone = True
        return self._gone

    def write(self, data: str) -> None:
        if not self.terminal_gone():
            super().write(data)

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:
            # Reading the gone terminal fails: the app leaves on its own (it checks the
            # terminal), so no panic with a traceback for a terminal nobody sees.
            if not self.terminal_gone():
                raise

    def suspend_application_mode(self) -> None:
        super().suspend_application_mode()
        self._suspended = True

    def resume_application_mode(self) -> None:
        # A SIGCONT without a suspend before it (the kernel's, at a hang-up) is no resume.
        if self._suspended and not self.terminal_gone():
            self._suspended = False
            super().resume_application_mode()

    def close(self) -> None:
        # Stopping the writer thread queues one more item and waits for the thread: with
        # the thread dead on the gone terminal, that would wait forever.
        if not self.terminal_gone():
            super().close()
