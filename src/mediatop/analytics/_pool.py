"""Running untrusted-input CPU work (image decoding) in a process pool that cannot stall.

`run_isolated` gives every task a wall-clock timeout. A worker that hangs is killed and
a pool whose worker crashed is replaced; the tasks merely in flight beside the culprit
are retried (one at a time after a crash, so a second crash names its culprit). Used by
the savings measurement and the perceptual hashing.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """A task's result, or the error that replaced it (exception text, timeout, crash)."""

    task: T
    result: R | None
    error: str | None


def _warm_up() -> None:
    """Silence and limit the worker (see mediatop.isolation), then import Pillow once so
    its start-up is not billed to the first task."""
    from mediatop.isolation import isolate_worker

    isolate_worker()
    import PIL.Image  # noqa: F401


def _ready() -> None:
    """A no-op task: once every worker has run one, all are started and warmed up."""


def new_pool(workers: int, start_timeout_s: float = 60.0) -> ProcessPoolExecutor:
    """A started pool of `workers` spawned processes (spawn, not fork: the TUI calls this
    from a process with threads running). Waiting for the workers to start here keeps
    process start-up out of the first tasks' time limits."""
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
    )
    wait([pool.submit(_ready) for _ in range(workers)], timeout=start_timeout_s)
    return pool


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, killing workers that may be hung (the executor has no public kill)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def run_isolated(
    worker: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int,
    timeout_s: float,
    deadline: float = float("inf"),
) -> tuple[list[Outcome[T, R]], int]:
    """Run `worker(task)` for each task; returns (outcomes, tasks not started by `deadline`).

    `worker` must be a module-level function (it is pickled into spawned processes);
    `deadline` is a time.monotonic() value after which no new task starts.
    """
    pending: deque[T] = deque(tasks)
    outcomes: list[Outcome[T, R]] = []
    tries: dict[T, int] = {}
    running: dict[Future[R], tuple[T, float]] = {}
    pool = new_pool(workers)
    try:
        while pending or running:
            limit = 1 if any(tries.get(t, 0) for t in pending) else workers
            while pending and len(running) < limit and time.monotonic() < deadline:
                task = pending.popleft()
                running[pool.submit(worker, task)] = (task, time.monotonic())
            if not running:
                break
            soonest = min(started for _, started in running.values()) + timeout_s
            done, _ = wait(
                running, timeout=max(0.0, soonest - time.monotonic()), return_when=FIRST_COMPLETED
            )
            broken = False
            for future in done:
                task, _ = running.pop(future)
                try:
                    outcomes.append(Outcome(task, future.result(), None))
                except BrokenProcessPool:
                    broken = True
                    tries[task] = tries.get(task, 0) + 1
                    if tries[task] >= 2:
                        outcomes.append(Outcome(task, None, "worker crashed"))
                    else:
                        pending.appendleft(task)
                except Exception as exc:
                    outcomes.append(Outcome(task, None, f"{type(exc).__name__}: {exc}"[:300]))
            now = time.monotonic()
            expired = [f for f, (_, started) in running.items() if now - started >= timeout_s]
            for future in expired:
                outcomes.append(
                    Outcome(running.pop(future)[0], None, f"timeout after {timeout_s:g} s")
                )
            if expired or broken:
                # The hung or dead worker cannot be told apart from its siblings: replace
                # the pool and give the innocent in-flight tasks a fresh start.
                for task, _ in running.values():
                    pending.appendleft(task)
                running.clear()
                kill_pool(pool)
                pool = new_pool(workers)
    finally:
        if running:
            kill_pool(pool)
        else:
            pool.shutdown(wait=True, cancel_futures=True)
    return outcomes, len(pending)
