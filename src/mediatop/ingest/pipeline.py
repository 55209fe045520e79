"""Parsing and writing a big log's chunks in forked worker processes, strictly in order.

For a big log the ingesting process only cuts the log into chunks of complete lines
(byte ranges of a plain file, which the workers read themselves; decompressed bytes
for a .gz) and hands them out. Forked workers inherit the URL map, salt and warmed-up
UA parser. Each parses its chunk, waits for its turn, and writes it through its own
store connection: raw rows, rollups, misses, rejects and the log's checkpoint in ONE
transaction, chunk N only after chunk N-1 has committed. So:

- exactly-once holds as in the serial path: a chunk whose transaction did not commit
  was never recorded, and the checkpoint never skips past an uncommitted chunk;
- the view-collapse state (`view_windows`) sees the batches in log order;
- parsing one chunk overlaps writing another, and no parsed rows cross a pipe: only
  small tallies come back.

Workers die with the ingesting process (PR_SET_PDEATHSIG on Linux; elsewhere they
check their parent before each commit), so none writes after it was killed. A worker
that fails stops the run; the chunks after its last commit are read again next time.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Condition
from pathlib import Path
from typing import Any

from mediatop.children import before_fork, die_with_parent, picklable
from mediatop.ingest.lines import LineBatch, ParsedBatch
from mediatop.store.checkpoints import Checkpoint


class IngestWorkerError(RuntimeError):
    """A parse-and-write worker died or failed; its uncommitted chunk is read next run."""


PARALLEL_MIN_BYTES = 8 << 20
MAX_WORKERS = 4
IN_FLIGHT_EXTRA = 1
POLL_S = 0.2

# Slots of the shared state: the next chunk to commit, then the log's checkpoint as
# the last commit left it (id, or -1 before the first; its cumulative line counts).
_NEXT, _CP_ID, _LINES, _ACCEPTED, _MALFORMED = range(5)


# More workers than this only wait for their turn to write.
MOST_CONFIGURED_WORKERS = 64


class WorkerCountError(ValueError):
    """MEDIATOP_INGEST_WORKERS is not a number of workers; the message is for the user."""


def configured_workers() -> int | None:
    """MEDIATOP_INGEST_WORKERS (0: read in the ingesting process), or None when unset."""
    configured = os.environ.get("MEDIATOP_INGEST_WORKERS", "").strip()
    if not configured:
        return None
    digits = configured.lstrip("0") or "0"
    if not digits.isdigit() or len(digits) > 2 or int(digits) > MOST_CONFIGURED_WORKERS:
        raise WorkerCountError(
            f"MEDIATOP_INGEST_WORKERS: {configured!r} is not a whole number "
            f"from 0 to {MOST_CONFIGURED_WORKERS}"
        )
    return int(digits)


def worker_count() -> int:
    """Workers to use: MEDIATOP_INGEST_WORKERS, else one per core (at most MAX_WORKERS;
    the ingesting process only hands out byte ranges, so it needs no core of its own)."""
    configured = configured_workers()
    if configured is not None:
        return configured
    return min(MAX_WORKERS, os.cpu_count() or 1)


class LogShrankError(OSError):
    """The log was truncated while its chunks were being read (copytruncate rotation)."""


@dataclass(frozen=True)
class Chunk:
    """Complete lines of a log: bytes [start, end), given as `data` or read by the worker
    from the log's descriptor. `checkpoint` is where the log stands once it is committed
    (its id and line counts are filled in by the worker, from the previous commit)."""

    index: int
    start: int
    end: int
    data: bytes | None
    checkpoint: Checkpoint


@dataclass(frozen=True)
class ChunkDone:
    """A committed chunk: where the log now stands, and its tallies."""

    index: int
    end: int
    summary: ParsedBatch


@dataclass(frozen=True)
class _Job:
    """What every worker of one log needs (inherited through fork, never pickled)."""

    batch: LineBatch
    db_path: Path
    log_fd: int | None
    parent_pid: int
    state: Any  # multiprocessing Array('q') of the _NEXT.._MALFORMED slots
    turn: Condition
    tasks: multiprocessing.Queue[Chunk | None]
    results: multiprocessing.Queue[ChunkDone | BaseException]


class ChunkWriters:
    """Forked workers that parse and write one log's chunks in order."""

    def __init__(
        self, batch: LineBatch, db_path: Path, start: Checkpoint, log_fd: int | None, workers: int
    ) -> None:
        context = multiprocessing.get_context("fork")
        before_fork()
        state = context.Array("q", 5, lock=False)
        state[_CP_ID] = -1 if start.id is None else start.id
        state[_LINES], state[_ACCEPTED], state[_MALFORMED] = (
            start.lines,
            start.accepted,
            start.malformed,
        )
        self.job = _Job(
            batch, db_path, log_fd, os.getpid(), state, context.Condition(),
            context.Queue(), context.Queue(),
        )  # fmt: skip
        self.processes: list[BaseProcess] = [
            context.Process(target=_work, args=(self.job,), daemon=True) for _ in range(workers)
        ]
        for process in self.processes:
            process.start()
        self.outstanding = 0

    def run(self, chunks: Iterable[Chunk], on_done: Callable[[ChunkDone], None]) -> None:
        """Hand out every chunk (a few at a time, so memory stays flat) and report each
        one's commit; raises what a worker raised, or if one died."""
        limit = len(self.processes) + IN_FLIGHT_EXTRA
        for chunk in chunks:
            while self.outstanding >= limit:
                on_done(self._collect())
            self.job.tasks.put(chunk)
            self.outstanding += 1
        while self.outstanding:
            on_done(self._collect())

    def _collect(self) -> ChunkDone:
        while True:
            try:
                message = self.job.results.get(timeout=POLL_S)
            except queue.Empty:
                dead = [p.exitcode for p in self.processes if p.exitcode is not None]
                if dead:
                    raise IngestWorkerError(
                        f"an ingest worker died (exit code {dead[0]}); what it had not "
                        "committed is read again by the next run"
                    ) from None
                continue
            if isinstance(message, BaseException):
                raise message
            self.outstanding -= 1
            return message

    def finish(self) -> None:
        """Let idle workers exit after closing their connections."""
        for _ in self.processes:
            self.job.tasks.put(None)
        for process in self.processes:
            process.join()

    def close(self) -> None:
        """Kill whatever still runs (an uncommitted transaction is simply rolled back)."""
        for process in self.processes:
            if process.exitcode is None:
                process.kill()
            process.join()
        for channel in (self.job.tasks, self.job.results):
            channel.cancel_join_thread()
            channel.close()


def _work(job: _Job) -> None:
    """A worker's life: parse and write chunks until told to stop."""
    die_with_parent(job.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # What the fork inherited is never garbage: keep the collector off it. A batch makes
    # no reference cycles, so collect once per batch, after its rows are dropped, rather
    # than every few hundred allocations (which costs parsing about 7%).
    gc.freeze()
    gc.disable()
    from mediatop.ingest.logfile import open_ingest_connection

    conn = None
    try:
        conn = open_ingest_connection(job.db_path)
        while (chunk := job.tasks.get()) is not None:
            job.results.put(_parse_and_write(job, conn, chunk))
            job.batch.reset()
            gc.collect()
    except BaseException as exc:
        job.results.put(picklable(exc, lambda e: IngestWorkerError(f"ingest worker failed: {e!r}")))
    finally:
        if conn is not None:
            conn.close()


def _parse_and_write(job: _Job, conn: sqlite3.Connection, chunk: Chunk) -> ChunkDone:
    """Parse a chunk, wait for its turn, then store it with the checkpoint after it."""
    from mediatop.ingest.logfile import decode_lines, write_batch

    data = chunk.data
    if data is None:
        assert job.log_fd is not None
        data = os.pread(job.log_fd, chunk.end - chunk.start, chunk.start)
        if len(data) != chunk.end - chunk.start:
            _wait_for_turn(job, chunk)  # every chunk before it is stored first
            raise LogShrankError(f"the log shrank while it was read ({chunk.start})")
    job.batch.reset()
    job.batch.add_lines(decode_lines(data))
    parsed = job.batch.result()
    done = write_batch(conn, _wait_for_turn(job, chunk), parsed)
    with job.turn:
        state = job.state
        state[_CP_ID] = done.id
        state[_LINES], state[_ACCEPTED], state[_MALFORMED] = (
            done.lines, done.accepted, done.malformed,
        )  # fmt: skip
        state[_NEXT] = chunk.index + 1
        job.turn.notify_all()
    return ChunkDone(chunk.index, chunk.end, parsed.summary())


def _wait_for_turn(job: _Job, chunk: Chunk) -> Checkpoint:
    """Block until every earlier chunk has committed; the checkpoint to commit with."""
    state = job.state
    with job.turn:
        while state[_NEXT] != chunk.index or os.getppid() != job.parent_pid:
            if os.getppid() != job.parent_pid:
                os._exit(1)  # orphaned: never write for a run that is gone
            job.turn.wait(POLL_S)
        cp_id = state[_CP_ID]
        return replace(
            chunk.checkpoint, id=None if cp_id < 0 else cp_id, lines=state[_LINES],
            accepted=state[_ACCEPTED], malformed=state[_MALFORMED],
        )  # fmt: skip
