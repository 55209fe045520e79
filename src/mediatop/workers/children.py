"""Child processes that die with the process that started them and carry their errors back.

Every helper process mediatop starts has no life of its own: the forked walkers and
chunk writers (`workers.forked`) and the pool's decoding workers (`workers.pool`). If
the parent is killed, they must go too (a writer must never commit for a run that is
gone, a hung decoder must not linger). On Linux the kernel sees to it
(PR_SET_PDEATHSIG); a child also checks that its parent did not die before it asked.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl() -> Callable[..., Any] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def before_fork() -> None:
    """Resolve prctl in the parent, so that a child forked from a threaded process never
    needs the dynamic loader (whose lock another thread may have held at the fork)."""
    _prctl()


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this child when its parent dies (Linux); exit at once if the
    parent died before that took effect. The kernel counts the *thread* that started the
    child as its parent: start children from a thread that outlives them."""
    prctl = _prctl()
    if prctl is not None:
        with contextlib.suppress(OSError):
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def picklable(
    exc: BaseException, fallback: Callable[[BaseException], BaseException]
) -> BaseException:
    """`exc` if it survives the pipe to the parent (pickled and unpickled again), else
    `fallback(exc)`: an exception carrying something unpicklable must still be told."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return fallback(exc)
    return exc
