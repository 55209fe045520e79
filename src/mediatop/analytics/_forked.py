"""Running one half of a report in a forked child while this process runs the other.

The composite reports are many independent read-only query sets. Threads overlap only
the time SQLite spends stepping; the Python around it (rows into dataclasses, scoring,
sorting) holds the GIL, so on two cores two threads gave 1.4× at best. A forked child
has a GIL of its own.

`fork_share` hands tasks out one at a time to whichever process is free, so the split
suits whatever the tasks cost this time (a report's parts weigh differently per range).

Forking is only safe where no other thread can hold a lock at the moment of the fork
(an SQLite mutex, the allocator, logging): `fork_available()` says so only for a
single-threaded process on a platform with fork. Everywhere else callers use threads.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from mediatop.children import before_fork, die_with_parent, picklable

T = TypeVar("T")
U = TypeVar("U")


class ForkedWorkerError(RuntimeError):
    """The child died before it could answer."""


def fork_available() -> bool:
    """Whether `fork_call` may be used here and now."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def _child(compute: Callable[[], Any], write_fd: int, parent_pid: int) -> None:
    """Compute, send (ok, value) or (error, exception) down the pipe, exit. Never returns."""
    status = 1
    try:
        die_with_parent(parent_pid)
        gc.disable()  # short-lived: collecting would copy every inherited page
        try:
            payload: tuple[bool, Any] = (True, compute())
        except BaseException as exc:
            payload = (False, picklable(exc, lambda e: RuntimeError(f"{type(e).__name__}: {e}")))
        with os.fdopen(write_fd, "wb") as out:
            pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)  # never run the parent's atexit hooks or finalizers


def fork_call(in_child: Callable[[], T], here: Callable[[], U]) -> tuple[T, U]:
    """`in_child()` in a forked process while `here()` runs in this one; both results.

    An exception in either is raised here (the child's is carried over the pipe). The
    child is reaped on every path; if `here()` fails, the child is killed first.
    """
    before_fork()
    read_fd, write_fd = os.pipe()
    parent_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(in_child, write_fd, parent_pid)
    os.close(write_fd)
    source = os.fdopen(read_fd, "rb")
    answered = False
    try:
        mine = here()
        data = source.read()
        answered = True
    finally:
        source.close()
        if not answered:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        ok, value = pickle.loads(data)
    except (EOFError, pickle.UnpicklingError) as exc:
        raise ForkedWorkerError("a report worker process died before answering") from exc
    if not ok:
        raise value
    return value, mine


def fork_share(
    count: int, in_child: Callable[[Iterator[int]], T], here: Callable[[Iterator[int]], U]
) -> tuple[T, U]:
    """Tasks 0 .. count-1 shared between a forked child and this process, as `fork_call`.

    Each side is given an iterator that claims the next task no one has claimed yet, in
    order, so each task runs exactly once, on whichever side is free first. Put the
    longest tasks first: the last ones then even out the two sides.
    """
    claimed = multiprocessing.get_context("fork").Value("i", 0)  # shared across the fork

    def claims() -> Iterator[int]:
        while True:
            with claimed.get_lock():
                index = claimed.value
                claimed.value = index + 1
            if index >= count:
                return
            yield index

    return fork_call(lambda: in_child(claims()), lambda: here(claims()))
