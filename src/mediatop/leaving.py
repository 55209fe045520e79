"""Leaving promptly when the terminal goes (SIGHUP) or the process is told to (SIGTERM).

A dashboard left running by a dropped SSH session stays forever on a terminal that no
longer exists, so the commands that open it leave on these signals at any moment:

- before the dashboard runs (opening the store, preparing the demo: `interruptible`)
  the signal raises `Leave` in the main thread, so `finally` blocks clean up as they do
  on Ctrl-C;
- while it runs, the dashboard is asked to quit as `q` does (`while_running`);
- elsewhere (cleaning up after it) the request is only noted: nothing is cut short;
- in every case a last resort is armed: if the process is still here LAST_RESORT_SECONDS
  later (a step of the shutdown blocked on the gone terminal, a worker that does not
  stop), the clean-ups registered with `on_last_resort` run, the child processes are
  killed and the process exits: with 0 if the dashboard was running when the first
  signal came (it was leaving as `q` does), else with 1 (start-up was cut short).

No Textual here: the CLI installs the handlers, the app only supplies its quit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from mediatop.workers.quiet_threads import start_quiet

LEAVE_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# The dashboard promises to be gone within 5 s of the signal; a clean quit takes well
# under a second, and the last resort's own work (clean-ups, kills) a few hundred ms.
LAST_RESORT_SECONDS = 2.0

_cleanups: list[Callable[[], object]] = []
_on_leave: list[Callable[[int], object]] = []
_requested: list[int] = []  # the leave signals received, first first
_exit_code = [1]  # the last resort's: see the module docstring
_last_resort_armed = threading.Event()


class Leave(BaseException):
    """A leave signal arrived outside the dashboard. A BaseException, as KeyboardInterrupt
    is, so that `except Exception` on the way does not swallow it."""

    def __init__(self, signum: int) -> None:
        self.signal_name = signal.Signals(signum).name
        super().__init__(self.signal_name)


@contextlib.contextmanager
def leave_on_signals() -> Iterator[None]:
    """Handle SIGHUP and SIGTERM inside the block as the module docstring says.

    Python-level handlers (signal.signal), not the event loop's: they run in the main
    thread even while it waits on a lock, which is where a blocked shutdown waits, so the
    last resort is armed whatever the dashboard is doing.
    """
    with handling_signals(_on_signal):
        stop_watch = _watch_signals()
        try:
            yield
        finally:
            stop_watch()
            _requested.clear()


def heeded_signals() -> list[int]:
    """The leave signals this process heeds: not one its starter set to be ignored
    (`nohup mediatop scan ... &` keeps scanning after the session that started it is
    gone, as nohup promises)."""
    return [signum for signum in LEAVE_SIGNALS if signal.getsignal(signum) != signal.SIG_IGN]


@contextlib.contextmanager
def handling_signals(handler: Callable[[int, FrameType | None], object]) -> Iterator[None]:
    """`handler` for every heeded leave signal inside the block; the handlers before it
    back after."""
    previous = {signum: signal.signal(signum, handler) for signum in heeded_signals()}
    try:
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)


def raising_on_signals() -> contextlib.AbstractContextManager[None]:
    """Inside the block, unless a command installs its own handling, a leave signal
    raises `Leave` in the main thread: around all of `mediatop`'s main, so that start-up
    too ends with a message rather than the signal's silent default."""
    return handling_signals(lambda signum, _frame: _raise_leave(signum))


def _watch_signals() -> Callable[[], None]:
    """Arm the last resort from a thread of its own as soon as a leave signal arrives.

    A Python handler runs only when the main thread next runs Python: one blocked in C
    for seconds (SQLite waiting for a lock a killed writer held, say) would delay the
    last resort with it. Python's C-level handler writes each signal's number to the
    wakeup fd at once, so a thread reading it arms the last resort at the signal itself.
    Returns what undoes it."""
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    try:
        earlier = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    except ValueError:  # not the main thread: the Python handler alone will do
        os.close(reader)
        os.close(writer)
        return lambda: None

    def watch() -> None:
        while received := os.read(reader, 64):
            if any(signum in LEAVE_SIGNALS for signum in received):
                _arm_last_resort()
        os.close(reader)

    # It only reads a pipe: forking beside it is safe (the scan's walkers pack rows then).
    start_quiet(threading.Thread(target=watch, name="mediatop-signal-watch", daemon=True))

    def stop() -> None:
        signal.set_wakeup_fd(earlier)
        os.close(writer)  # the watch reads the end of the pipe and stops

    return stop


def _raise_leave(signum: int) -> None:
    raise Leave(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Inside the block a leave signal raises `Leave`; one that came before it raises
    at once."""
    with while_running(_raise_leave):
        yield


@contextlib.contextmanager
def while_running(leave: Callable[[int], object]) -> Iterator[None]:
    """Inside the block a leave signal calls `leave(signum)` instead of raising `Leave`.

    `leave` runs inside a signal handler: it must only hand the request on (for example
    with `loop.call_soon_threadsafe`), never wait. A signal that came before the block
    is passed on at once.
    """
    if _requested:
        leave(_requested[0])
    _on_leave.append(leave)
    try:
        yield
    finally:
        _on_leave.remove(leave)


@contextlib.contextmanager
def on_last_resort(cleanup: Callable[[], object]) -> Iterator[None]:
    """Run `cleanup` before a last-resort exit that happens inside the block."""
    _cleanups.append(cleanup)
    try:
        yield
    finally:
        _cleanups.remove(cleanup)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if not _requested:
        running = bool(_on_leave) and _on_leave[-1] is not _raise_leave
        _exit_code[0] = 0 if running else 1
    _arm_last_resort()
    _requested.append(signum)
    # Only the first request acts: a second signal must not cut short the clean-up that
    # the first one started (a demo folder half removed).
    if len(_requested) == 1 and _on_leave:
        _on_leave[-1](signum)


def _arm_last_resort() -> None:
    if _last_resort_armed.is_set():
        return
    _last_resort_armed.set()
    threading.Thread(target=_last_resort, name="mediatop-last-resort", daemon=True).start()


def _last_resort() -> None:
    # A daemon thread: if the process ends in time, it ends with it, unseen.
    threading.Event().wait(LAST_RESORT_SECONDS)
    for cleanup in list(_cleanups):
        with contextlib.suppress(Exception):
            cleanup()
    kill_children()
    os._exit(_exit_code[0])


def kill_children() -> None:
    """Kill the worker processes this process started (probe and savings pools). Forked
    helpers need not be named: they die with their parent (mediatop.workers.children)."""
    import multiprocessing  # here: a command that starts no pool need not import it

    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()
