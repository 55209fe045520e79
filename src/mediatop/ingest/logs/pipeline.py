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

The forking, handing out, turns and streaming back are `mediatop.workers.forked`'s: the
checkpoint the last commit left is the state each turn passes on. Workers die with the
ingesting process (PR_SET_PDEATHSIG on Linux; one waiting for its turn also leaves
when the ingesting process's end of its pipe closes), so none writes after it was
killed. A worker that fails stops the run; the chunks after its last commit are read
again next time.
"""

from __future__ import annotations

import functools
import gc
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from mediatop.errors import IngestWorkerError, LogShrankError, WorkerCountError
from mediatop.ingest.logs.batch_writer import open_ingest_connection, write_batch
from mediatop.ingest.logs.lines import LineBatch, ParsedBatch
from mediatop.ingest.logs.reading import decode_lines, read_lines
from mediatop.store.checkpoints import Checkpoint
from mediatop.workers.forked import ForkedWorkerError, Turn, run_forked

PARALLEL_MIN_BYTES = 8 << 20
MAX_WORKERS = 4

# More workers than this only wait for their turn to write.
MOST_CONFIGURED_WORKERS = 64


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


def workers_for(expected_bytes: int) -> int:
    """How many worker processes a log this big gets (0: read it in the ingesting
    process)."""
    return worker_count() if expected_bytes >= PARALLEL_MIN_BYTES else 0


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


class ChunkWriters:
    """Forked workers that parse and write one log's chunks in order."""

    def __init__(
        self,
        batch: LineBatch,
        db_path: Path | str,
        start: Checkpoint,
        log_fd: int | None,
        workers: int,
    ) -> None:
        self.batch = batch
        self.db_path = db_path
        self.start = start
        self.log_fd = log_fd
        self.workers = workers

    def run(self, chunks: Iterable[Chunk], on_done: Callable[[ChunkDone], None]) -> None:
        """Hand out every chunk (one read ahead, so memory stays flat) and report each
        one's commit; raises what a worker raised, or if one died."""
        work = functools.partial(_write_chunks, self.batch, self.db_path, self.log_fd)
        try:
            done_chunks = run_forked(
                chunks, work, processes=self.workers, ordered=True, first_state=self.start
            )
            for done in done_chunks:
                on_done(done)
        except ForkedWorkerError as exc:
            raise IngestWorkerError(
                f"an ingest worker {exc}; what it had not committed is read again by the next run"
            ) from None


def _write_chunks(
    batch: LineBatch, db_path: Path | str, log_fd: int | None, chunks: Iterator[Chunk], turn: Turn
) -> Iterator[ChunkDone]:
    """A worker's life: parse and write the chunks handed to it, through one connection."""
    conn = open_ingest_connection(db_path)
    try:
        for chunk in chunks:
            yield _parse_and_write(batch, conn, log_fd, chunk, turn)
            # A batch makes no reference cycles: collect once per batch, after its rows
            # are dropped, rather than every few hundred allocations (which costs
            # parsing about 7%; the pipeline keeps the collector off otherwise).
            batch.reset()
            gc.collect()
    finally:
        conn.close()


def _parse_and_write(
    batch: LineBatch, conn: sqlite3.Connection, log_fd: int | None, chunk: Chunk, turn: Turn
) -> ChunkDone:
    """Parse a chunk, wait for its turn, then store it with the checkpoint after it."""
    data = chunk.data
    if data is None:
        assert log_fd is not None
        data, used = read_lines(log_fd, chunk.start, chunk.end)
        if used != chunk.end - chunk.start:
            turn.wait()  # every chunk before it is stored first
            raise LogShrankError(f"the log shrank while it was read ({chunk.start})")
    batch.reset()
    batch.add_lines(decode_lines(data))
    parsed = batch.result()
    previous: Checkpoint = turn.wait()
    checkpoint = replace(
        chunk.checkpoint, id=previous.id, lines=previous.lines, accepted=previous.accepted,
        malformed=previous.malformed,
    )  # fmt: skip
    done = write_batch(conn, checkpoint, parsed)
    turn.passed(done)
    return ChunkDone(chunk.index, chunk.end, parsed.summary())
