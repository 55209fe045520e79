"""Running probes safely: in worker processes, with a size cap, a time and memory limit.

Each worker sends its stdout and stderr to /dev/null, so nothing a C library prints can
reach the terminal (or the TUI drawn on it). A probe that raises is recorded as that
file's error; one that runs too long is interrupted by an alarm inside the worker; a
worker that crashes or hangs anyway is replaced and its files retried one by one, so a
single hostile file costs itself an error and never stalls the scan.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import FrameType

from mediatop.isolation import isolate_worker
from mediatop.kinds import Kind
from mediatop.model import ProbeResult

PROBE_SECONDS = 15
BATCH_SIZE = 16
_WATCHDOG_GRACE_SECONDS = 20


@dataclass(frozen=True)
class ProbeTask:
    file_id: int
    abs_path: bytes
    kind: str
    size: int


class _ProbeTimeout(Exception):
    pass


def probe_one(abs_path: bytes, kind: str, size: int) -> ProbeResult:
    """Probe one file in this process; every failure becomes `ProbeResult(error=...)`."""
    try:
        if kind == Kind.IMAGE:
            from mediatop.scan.probe_image import probe_image

            return probe_image(abs_path, size)
        if kind in (Kind.AUDIO, Kind.VIDEO):
            from mediatop.scan.probe_av import probe_audio_video

            return probe_audio_video(abs_path, size)
        if kind == Kind.DOCUMENT and abs_path.lower().endswith(b".pdf"):
            from mediatop.scan.probe_document import probe_pdf

            return probe_pdf(abs_path, size)
        return ProbeResult()
    except _ProbeTimeout:
        raise
    except MemoryError:
        return ProbeResult(error="probe ran out of memory")
    except Exception as exc:  # a hostile file may make any parser raise anything
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        return ProbeResult(error=f"{type(exc).__name__}: {message}".rstrip(": "))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _ProbeTimeout


def _init_worker() -> None:
    isolate_worker()
    signal.signal(signal.SIGALRM, _on_alarm)


def _probe_batch(tasks: Sequence[ProbeTask]) -> list[tuple[int, ProbeResult]]:
    results = []
    for task in tasks:
        signal.setitimer(signal.ITIMER_REAL, PROBE_SECONDS)
        try:
            result = probe_one(task.abs_path, task.kind, task.size)
        except _ProbeTimeout:
            result = ProbeResult(error=f"probe timed out after {PROBE_SECONDS} s")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        results.append((task.file_id, result))
    return results


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the TUI has threads, and forking a threaded process can deadlock.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker)


def _kill(pool: ProcessPoolExecutor) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _probe_alone(tasks: Sequence[ProbeTask]) -> Iterator[list[tuple[int, ProbeResult]]]:
    """One task at a time in a single worker: a crash or hang is pinned on its own file."""
    pool = _new_pool(1)
    try:
        for task in tasks:
            future = pool.submit(_probe_batch, [task])
            try:
                yield future.result(timeout=PROBE_SECONDS + _WATCHDOG_GRACE_SECONDS)
            except (BrokenProcessPool, OSError, TimeoutError):
                _kill(pool)
                pool = _new_pool(1)
                yield [(task.file_id, ProbeResult(error="probe crashed or hung"))]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_probes(
    tasks: Sequence[ProbeTask],
    workers: int,
    on_progress: Callable[[int], None] | None = None,
) -> Generator[list[tuple[int, ProbeResult]], None, None]:
    """Probe `tasks` in `workers` processes, yielding results batch by batch. Closing it
    early cancels the batches not started and waits only for those running."""
    if not tasks:
        return
    batches = [list(tasks[i : i + BATCH_SIZE]) for i in range(0, len(tasks), BATCH_SIZE)]
    pool = _new_pool(max(1, min(workers, len(batches))))
    futures = {pool.submit(_probe_batch, batch): batch for batch in batches}
    failed: list[ProbeTask] = []
    done = 0
    limit = PROBE_SECONDS * BATCH_SIZE + _WATCHDOG_GRACE_SECONDS
    try:
        while futures:
            finished, _ = wait(futures, timeout=limit, return_when=FIRST_COMPLETED)
            if not finished:  # nothing finished within a whole batch's time limit: stuck
                failed.extend(t for batch in futures.values() for t in batch)
                _kill(pool)
                break
            for future in finished:
                batch = futures.pop(future)
                try:
                    results = future.result()
                except (BrokenProcessPool, OSError):
                    failed.extend(batch)  # a crash breaks the pool: every pending batch lands here
                    continue
                done += len(results)
                if on_progress:
                    on_progress(done)
                yield results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for results in _probe_alone(failed):
        done += len(results)
        if on_progress:
            on_progress(done)
        yield results
