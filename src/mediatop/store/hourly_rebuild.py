"""Rebuilding the hourly rollups of a store written before they existed (migration 0032).

The raw events are replayed in the order they were recorded (rowid order: no sort of
the whole table) through the same `UsageRollup` that ingest used, so the hourly rows
follow exactly the rules the daily ones were written by (crawlers apart, errors, the
30-minute play collapse, which sorts each batch by time as ingest did; tracked views
counted whole, as such a store counted them). Only the
hourly tables are written; the daily rollups and the store's collapse state
(`view_windows`) are left as they are.
"""

from __future__ import annotations

import sqlite3

from mediatop.store.log_coverage import count_as_before
from mediatop.store.rollup_hourly import upsert_hourly
from mediatop.store.rollups import UsageRollup
from mediatop.store.usage_row import USAGE_COLUMNS

# Events replayed per rollup flush: bounded memory for a store of any size.
REPLAY_BATCH = 250_000

_EVENTS = f"SELECT {', '.join(USAGE_COLUMNS)} FROM media_usage_events ORDER BY id"


def rebuild_hourly_rollups(conn: sqlite3.Connection) -> None:
    """Fill the hourly rollups from the raw events, in the caller's transaction."""
    for table in ("media_hourly", "kind_hourly", "latency_hourly", "kind_breakdown_hourly"):
        conn.execute(f"DELETE FROM {table}")  # a rebuild starts over
    kinds = dict(conn.execute("SELECT id, kind FROM media_files"))
    # The replay decides its play collapse from its own windows: a temp table of the same
    # name shadows the store's view_windows for the unqualified name the rollup uses.
    conn.execute(
        "CREATE TEMP TABLE view_windows (session_id TEXT NOT NULL, media_id INTEGER NOT NULL, "
        "last_at INTEGER NOT NULL, PRIMARY KEY(session_id, media_id)) WITHOUT ROWID"
    )
    try:
        cursor = conn.execute(_EVENTS)
        while rows := cursor.fetchmany(REPLAY_BATCH):
            rollup = UsageRollup()
            rollup.add(rows, kinds)
            rollup.resolve_collapse(conn)
            rollup.prune_windows(conn)
            count_as_before(rollup)
            upsert_hourly(
                conn, rollup.metrics, rollup.latency, rollup.latency_range, rollup.uses,
                rollup.breakdown, kinds,
            )  # fmt: skip
    finally:
        conn.execute("DROP TABLE temp.view_windows")
