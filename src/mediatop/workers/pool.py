"""The one process pool for untrusted decoding: probes, savings re-encodes, perceptual hashes.

A hostile file may make a decoder raise, run for ever, eat memory or crash its process.
`isolated(worker, tasks, ...)` runs `worker(task)` for each task in a pebble
ProcessPool, so that such a file costs only itself an error:

- every task has its own time limit (`schedule(timeout=...)`): a worker that runs past
  it is killed and replaced, and the task's outcome says "timeout";
- a worker that crashes (a segfault in a C decoder) is replaced, and only the task it
  ran fails; the tasks beside it are untouched (when it died before pebble knew which
  task it ran, pebble fails every running task: those run again, each alone, so that
  only the culprit is blamed);
- each worker, before its first task: dies with the process that started it, sends its
  stdout and stderr to /dev/null (nothing a C library prints may reach the terminal or
  the TUI drawn on it), leaves Ctrl-C to the parent, runs under an address-space limit
  (a decoder that runs away with memory raises MemoryError instead of meeting the OOM
  killer) and imports its decoders once, outside any task's time;
- `cancelled()` is asked every POLL_S: once true, the running tasks are abandoned and
  the workers killed at once (a quit never waits for a probe).

Cheap tasks (header probes) go `batch` at a time, to save the round trip per task; an
alarm inside the worker still limits each one, and a batch stuck where the alarm cannot
reach (inside C code) is killed after twice one task's limit and its tasks run again
one by one, each under its own limit. Workers are spawned, not forked: the TUI starts
pools from a process with threads. The pool lives for one call, in the calling thread,
which outlives its workers as `children.die_with_parent` requires.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Hashable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mediatop.workers.children import die_with_parent

if TYPE_CHECKING:
    from pebble import ProcessPool

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")

WORKER_MEMORY_BYTES = 2 * 1024**3
POLL_S = 0.1
ERROR_CHARS = 300


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """A task's result, or the error that replaced it (exception text, timeout, crash)."""

    task: T
    result: R | None
    error: str | None = None
    timed_out: bool = False


class _TaskTimeout(BaseException):
    """The alarm inside a worker: a batched task ran past its limit. A BaseException, so
    that a decoder's own `except Exception` cannot swallow it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _TaskTimeout


WORKER_NICENESS = 10


def _start_worker(parent_pid: int, memory_bytes: int, warm_up: tuple[str, ...]) -> None:
    """What each worker does before its first task. Nothing here may raise: a worker
    whose set-up failed would break the pool for every task."""
    die_with_parent(parent_pid)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    # A stop or a timeout kills at once, even inside C code (pebble's own handler would
    # only run once the decoder is back in Python).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGALRM, _on_alarm)
    # Decoding is background work: under contention the dashboard, and its quit within
    # seconds of a hang-up, keep the CPU before the workers do.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    for module in warm_up:
        with contextlib.suppress(Exception):
            importlib.import_module(module)


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]


def _timeout_text(timeout_s: float) -> str:
    return f"timeout after {timeout_s:g} s"


def _run_batch(
    worker: Callable[[Any], Any], tasks: Sequence[Any], timeout_s: float
) -> list[tuple[Any, str | None, bool]]:
    """In a worker: each task under its own alarm; (result, error, timed out) of each."""
    done: list[tuple[Any, str | None, bool]] = []
    for task in tasks:
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            done.append((worker(task), None, False))
        except _TaskTimeout:
            done.append((None, _timeout_text(timeout_s), True))
        except Exception as exc:  # a hostile file may make a decoder raise anything
            done.append((None, _described(exc), False))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return done


def _new_pool(workers: int, warm_up: tuple[str, ...]) -> ProcessPool:
    # pebble is imported when a pool is made: importing the scan (the CLI, the reports)
    # needs none of it.
    from pebble import ProcessPool

    _start_resource_tracker()
    return ProcessPool(
        max_workers=workers,
        initializer=_start_worker,
        initargs=(os.getpid(), WORKER_MEMORY_BYTES, warm_up),
        context=multiprocessing.get_context("spawn"),
    )


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (the spawned pools' semaphores are its)
    deaf to hang-ups. It ignores SIGINT and SIGTERM but not SIGHUP, which a terminal
    that hangs up sends to the whole process group: it died while this process, which
    leaves on its own terms (`mediatop.leaving`), still used it, and printed a warning
    and a traceback on its way. Started with SIGHUP blocked, it keeps the mask; it ends
    as ever, when the last process that holds its pipe does."""
    from multiprocessing import resource_tracker

    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    try:
        resource_tracker.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _schedule(
    pool: ProcessPool, worker: Callable[[T], R], group: list[T], timeout_s: float
) -> Future[Any]:
    if len(group) == 1:
        return pool.schedule(worker, (group[0],), timeout=timeout_s)
    return pool.schedule(_run_batch, (worker, group, timeout_s), timeout=2 * timeout_s)


_BROKEN_POOL = "broken pool"
CRASHED_ALONE = "worker crashed"


def _outcomes(
    future: Future[Any], group: list[T], timeout_s: float
) -> list[Outcome[T, R]] | str | None:
    """The outcomes of a finished group; None when a batch failed as a whole (its tasks
    are then run again one by one, so that the culprit alone is blamed); _BROKEN_POOL
    when the pool broke under it (its tasks then run again, each alone)."""
    from pebble import ProcessExpired

    try:
        value = future.result()
    except BrokenProcessPool:
        return _BROKEN_POOL
    except TimeoutError:
        if len(group) > 1:
            return None
        return [Outcome(group[0], None, _timeout_text(timeout_s), timed_out=True)]
    except ProcessExpired as exc:
        if len(group) > 1:
            return None
        code = exc.exitcode
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return [Outcome(group[0], None, f"worker crashed ({how})")]
    except BaseException as exc:  # what the task raised, carried over by pebble
        if len(group) > 1:
            return None
        return [Outcome(group[0], None, _described(exc))]
    if len(group) == 1:
        return [Outcome(group[0], value)]
    return [Outcome(task, *done) for task, done in zip(group, value, strict=True)]


def _fill(
    pool: ProcessPool,
    worker: Callable[[T], R],
    pending: deque[list[T]],
    running: dict[Future[Any], list[T]],
    alone: set[T],
    limit: int,
    deadline: float,
    timeout_s: float,
) -> None:
    """Schedule pending groups up to `limit` running, none after `deadline`; a task in
    `alone` runs with nothing beside it."""
    while pending and len(running) < limit and time.monotonic() < deadline:
        suspect = pending[0][0] in alone
        if suspect and running:
            return
        group = pending.popleft()
        running[_schedule(pool, worker, group, timeout_s)] = group
        if suspect:
            return


def isolated(
    worker: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int,
    timeout_s: float,
    batch: int = 1,
    warm_up: Iterable[str] = (),
    deadline: float = float("inf"),
    cancelled: Callable[[], bool] | None = None,
) -> Generator[list[Outcome[T, R]], None, None]:
    """Outcomes of `worker(task)` for each task, a group at a time as groups finish.

    `worker` must be a module-level function (it is pickled into spawned processes), and
    tasks and results must pickle. `warm_up` names modules each worker imports before
    its first task. No task starts after `deadline` (a time.monotonic() value); the
    tasks left are simply not yielded. Closing the generator, or `cancelled()` turning
    true, stops at once: running tasks are abandoned and their workers killed.
    """
    items = list(tasks)
    pending = deque(items[i : i + batch] for i in range(0, len(items), batch))
    if not pending:
        return
    workers = max(1, min(workers, len(pending)))
    # One group queued beside each running one keeps the workers busy, unless a
    # deadline must be able to stop what has not started.
    limit = workers if deadline != float("inf") else 2 * workers
    pool = _new_pool(workers, tuple(warm_up))
    running: dict[Future[Any], list[T]] = {}
    alone: set[T] = set()  # tasks that ran while the pool broke: run again one at a time
    try:
        while pending or running:
            if cancelled is not None and cancelled():
                return
            if not pool.active:  # a worker died outside any task (the OOM killer, say)
                pool.stop()
                pool.join()
                pool = _new_pool(workers, tuple(warm_up))
            _fill(pool, worker, pending, running, alone, limit, deadline, timeout_s)
            if not running:
                return  # the deadline passed
            finished, _ = wait(running, timeout=POLL_S, return_when=FIRST_COMPLETED)
            for future in finished:
                group = running.pop(future)
                outcomes: list[Outcome[T, R]] | str | None = _outcomes(future, group, timeout_s)
                if isinstance(outcomes, list):
                    yield outcomes
                elif outcomes is None or not (len(group) == 1 and group[0] in alone):
                    if outcomes == _BROKEN_POOL:
                        alone.update(group)
                    pending.extendleft([task] for task in reversed(group))
                else:  # it broke the pool while it ran alone: the culprit
                    yield [Outcome(group[0], None, CRASHED_ALONE)]
    finally:
        pool.stop()  # kills what still runs; idle workers only lose their wait
        pool.join()


def run_isolated(
    worker: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int,
    timeout_s: float,
    deadline: float = float("inf"),
    warm_up: Iterable[str] = ("PIL.Image",),
) -> tuple[list[Outcome[T, R]], int]:
    """Every outcome of `isolated`, and how many tasks were not started by `deadline`."""
    outcomes = [
        outcome
        for group in isolated(
            worker, tasks, workers=workers, timeout_s=timeout_s, warm_up=warm_up,
            deadline=deadline,
        )
        for outcome in group
    ]  # fmt: skip
    return outcomes, len(tasks) - len(outcomes)
