"""Parsing log batches in worker processes while the ingesting process writes.

Parsing, URL mapping, UA classification and rollup aggregation are pure Python and
CPU-bound; writing to SQLite is one connection's job. For large logs, forked workers
(which inherit the URL map, salt and warmed-up UA parser) turn raw byte chunks into
`ParsedBatch`es, and the ingesting process writes them IN ORDER, each with its
checkpoint in one transaction, so exactly-once holds as in the serial path: batches
in flight when the process dies were never committed and are read again next time.
A bounded number of batches is in flight, so memory stays flat however big the log.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool

from mediatop.ingest.lines import LineBatch, ParsedBatch

PARALLEL_MIN_BYTES = 8 << 20
IN_FLIGHT_EXTRA = 1

_WORKER_BATCH: LineBatch | None = None


def worker_count() -> int:
    """Parse workers to use: MEDIATOP_INGEST_WORKERS, else one core per worker after
    the one the writing process needs, at most 2 (each worker holds its own batch and
    caches, about 70 MB; one worker on 2 cores keeps an ingest under 200 MB in all)."""
    configured = os.environ.get("MEDIATOP_INGEST_WORKERS")
    if configured is not None and configured.strip().isdigit():
        return int(configured)
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def _init(batch: LineBatch) -> None:
    global _WORKER_BATCH
    _WORKER_BATCH = batch


def _parse(data: bytes) -> ParsedBatch:
    from mediatop.ingest.logfile import decode_lines

    batch = _WORKER_BATCH
    assert batch is not None, "worker not initialised"
    batch.reset()
    batch.add_lines(decode_lines(data))
    batch.rollup.compact()
    return batch.result()


class ParsePool:
    """A pool of forked parse workers sharing one LineBatch's settings."""

    def __init__(self, batch: LineBatch, workers: int) -> None:
        context = multiprocessing.get_context("fork")
        self.workers = workers
        self.pool: Pool = context.Pool(workers, _init, (batch,))

    def parse_in_order(
        self, chunks: Iterable[tuple[bytes, int]]
    ) -> Iterator[tuple[ParsedBatch, int]]:
        """(parsed batch, bytes it covers) for each chunk, in the chunks' order."""
        pending: deque[tuple[AsyncResult[ParsedBatch], int]] = deque()
        limit = self.workers + IN_FLIGHT_EXTRA
        for data, used in chunks:
            pending.append((self.pool.apply_async(_parse, (data,)), used))
            if len(pending) >= limit:
                result, size = pending.popleft()
                yield result.get(), size
        while pending:
            result, size = pending.popleft()
            yield result.get(), size

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()
