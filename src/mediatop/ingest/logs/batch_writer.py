"""Writing one parsed batch of a log, with the checkpoint after it, in one transaction.

Shared by the serial path (`mediatop.ingest.logs.logfile`) and the forked workers
(`mediatop.ingest.logs.pipeline`): both store a batch the same way, so exactly-once
holds whichever runs it.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path

from mediatop.ingest.logs.lines import ParsedBatch
from mediatop.ingest.logs.reading import FINGERPRINT_BYTES, fingerprint
from mediatop.store.checkpoints import Checkpoint, add_misses, add_rejects, save_checkpoint
from mediatop.store.connection import connect, transaction
from mediatop.store.events import record_usage_rows
from mediatop.store.ingest_tuning import tune_for_ingest


def advance(cp: Checkpoint, offset: int, head: bytes) -> Checkpoint:
    """The checkpoint moved to `offset`, with the fingerprint of the first bytes it covers."""
    length = min(len(head), offset, FINGERPRINT_BYTES)
    return replace(
        cp, fingerprint=fingerprint(head[:length]), fingerprint_len=length, offset=offset
    )


def write_batch(conn: sqlite3.Connection, cp: Checkpoint, batch: ParsedBatch) -> Checkpoint:
    """Store one parsed batch and the checkpoint after it in ONE transaction (what makes
    ingest exactly-once); returns that checkpoint, with its id and the batch counted."""
    counts = batch.counts
    cp = replace(
        cp,
        lines=cp.lines + counts["lines"],
        accepted=cp.accepted + counts["accepted"],
        malformed=cp.malformed + sum(batch.rejects.values()),
    )
    with transaction(conn):
        record_usage_rows(
            conn, batch.rows, batch.rollup, batch.kinds, optional_fields=batch.optional_fields
        )
        add_misses(conn, batch.misses, batch.miss_status)
        add_rejects(conn, batch.rejects, batch.samples)
        new_id = save_checkpoint(conn, cp, int(time.time()))
    if batch.rollup.stale_windows[1]:
        # PostgreSQL only, apart from the batch: see UsageRollup.prune_windows
        with transaction(conn):
            batch.rollup.prune_windows(conn)
    return replace(cp, id=new_id)


def open_ingest_connection(path: Path | str) -> sqlite3.Connection:
    """A store connection for a worker process, set up as `ingest_logs` sets its own."""
    conn = connect(path)
    tune_for_ingest(conn)
    return conn
