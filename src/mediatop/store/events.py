"""Raw usage and video events, written together with their rollups in one transaction.

`record_usage_rows` and `record_video_events` are the only way events enter the
store: access-log ingest, `mediatop track`, JSONL import, beacons and the demo all
come through them (`record_usage_events` turns events into the same `UsageRow` tuples
that log ingest makes, so one INSERT and one `UsageRollup.add` serve them all). One
accepted log line or tracked event is one raw row; what counts as a view is decided by
the rollups (see `mediatop.store.rollups` for the rules, `mediatop.store.video` for video
sessions). The caller owns the transaction (`with transaction(conn): ...`); the
`*_committed` helpers wrap one.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from operator import itemgetter

from mediatop.model import UsageEvent, VideoEngagementEvent
from mediatop.store.connection import transaction
from mediatop.store.dialect import greatest, is_postgres
from mediatop.store.held_writes import held_until_end, run_or_hold_many
from mediatop.store.rollups import UsageRollup
from mediatop.store.usage_row import (
    REQUEST_WIDTH,
    USAGE_COLUMNS,
    UsageRow,
    row_of_event,
)
from mediatop.store.video import record_video_sessions

# Rows go in ROWS_PER_INSERT at a time, one multi-row VALUES per statement: a third
# less time per row than one executemany step per row (measured), same rows, same order.
ROWS_PER_INSERT = 50


def _insert_usage_rows_sql(width: int, rows: int) -> str:
    """THE insert of media_usage_events: `rows` rows of the first `width` fields of a
    UsageRow (the columns after them are left NULL: those fields are None)."""
    values = "(" + ",".join("?" * width) + ")"
    return (
        f"INSERT INTO media_usage_events ({', '.join(USAGE_COLUMNS[:width])}) "
        f"VALUES {','.join([values] * rows)}"
    )


_INSERTS = {
    (width, rows): _insert_usage_rows_sql(width, rows)
    for width in (REQUEST_WIDTH, len(USAGE_COLUMNS))
    for rows in (1, ROWS_PER_INSERT)
}


_SOURCE = itemgetter(USAGE_COLUMNS.index("source"))
_TIMESTAMP = itemgetter(USAGE_COLUMNS.index("timestamp"))


def source_totals(rows: Sequence[UsageRow]) -> list[tuple[str, int, int]]:
    """(source, events, latest timestamp) of a batch of rows, by source."""
    counts = Counter(map(_SOURCE, rows))
    if len(counts) == 1:  # an access log's batch, every one of them
        ((source, events),) = counts.items()
        return [(source, events, max(map(_TIMESTAMP, rows)))]
    latest: dict[str, int] = {}
    for row in rows:
        source, at = _SOURCE(row), _TIMESTAMP(row)
        latest[source] = max(at, latest.get(source, at))
    return [(source, counts[source], latest[source]) for source in sorted(counts)]


def add_to_event_sources(conn: sqlite3.Connection, totals: Sequence[tuple[str, int, int]]) -> None:
    """Count a batch's events in event_sources, in the caller's transaction: rows in
    source order (a fixed lock order), held to the end of the transaction on
    PostgreSQL (every node's ingest writes the same few rows)."""
    newer = greatest(conn)
    run_or_hold_many(
        conn,
        "INSERT INTO event_sources AS stored (source, events, last_at) VALUES (?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET events = stored.events + excluded.events, "
        f"last_at = {newer}(stored.last_at, excluded.last_at)",
        sorted(totals),
    )


def kinds_of(conn: sqlite3.Connection, media_ids: Iterable[int]) -> dict[int, str]:
    """media_id -> kind for the given ids (unknown ids are left out)."""
    wanted = sorted(set(media_ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT id, kind FROM media_files WHERE id IN ({marks})", chunk))
    return found


def record_usage_events(conn: sqlite3.Connection, events: Sequence[UsageEvent]) -> None:
    """Insert raw usage events and update every rollup, in the caller's transaction.

    Rollups: media_performance_metrics (with its derived load_time_avg, cache_hit_rate,
    error_rate), file_totals, kind_daily, latency_histogram, usage_breakdown, and their
    hourly twins.
    """
    if not events:
        return
    kinds = kinds_of(conn, (e.media_id for e in events))
    rows = [row_of_event(e) for e in events]
    rollup = UsageRollup()
    rollup.add(rows, kinds)
    record_usage_rows(conn, rows, rollup, kinds)


def record_usage_rows(
    conn: sqlite3.Connection,
    rows: Sequence[UsageRow],
    rollup: UsageRollup,
    kinds: Mapping[int, str],
    *,
    optional_fields: bool = True,
) -> None:
    """Insert raw rows whose rollup deltas `rollup.add(rows, kinds)` already made, and
    write those deltas (ingest makes them while parsing, before its turn to write).
    `optional_fields=False` says every row's last five fields are None: then only the
    first REQUEST_WIDTH are bound."""
    width = len(USAGE_COLUMNS) if optional_fields else REQUEST_WIDTH
    bound = itemgetter(slice(0, width))  # a whole row is the row itself, not a copy
    if is_postgres(conn):  # COPY, PostgreSQL's bulk load
        from mediatop.store.pg_connection import copy_rows

        copy_rows(conn, "media_usage_events", USAGE_COLUMNS[:width], map(bound, rows))
        # the rollups' writes to rows other writers share, run back to back at the end
        with held_until_end(conn):
            rollup.flush(conn, kinds, int(time.time()))
            add_to_event_sources(conn, source_totals(rows))
        return
    grouped = len(rows) - len(rows) % ROWS_PER_INSERT
    if grouped:
        flat = list(chain.from_iterable(map(bound, rows[:grouped])))
        step = width * ROWS_PER_INSERT
        conn.executemany(
            _INSERTS[(width, ROWS_PER_INSERT)],
            [flat[at : at + step] for at in range(0, len(flat), step)],
        )
    if grouped < len(rows):
        conn.executemany(_INSERTS[(width, 1)], map(bound, rows[grouped:]))
    rollup.flush(conn, kinds, int(time.time()))
    add_to_event_sources(conn, source_totals(rows))


def record_video_events(conn: sqlite3.Connection, events: Sequence[VideoEngagementEvent]) -> None:
    """Insert raw video engagement events and update video_sessions, video_daily and
    video_buckets (drop-off, retention and heatmap per 10-second bucket), in the
    caller's transaction."""
    if not events:
        return
    conn.executemany(
        'INSERT INTO video_engagement_events (video_id, user_id, session_id, event_type, '
        '"current_time", duration, quality, buffering, timestamp, device, country, seek_from) '
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (e.video_id, e.user_id, e.session_id, e.event_type, e.current_time, e.duration,
             e.quality, int(e.buffering), e.timestamp, e.device, e.country, e.seek_from)
            for e in events
        ],
    )  # fmt: skip
    record_video_sessions(conn, events)
    add_to_event_sources(conn, [("player", len(events), max(e.timestamp for e in events))])


def record_usage_events_committed(conn: sqlite3.Connection, events: Sequence[UsageEvent]) -> None:
    """`record_usage_events` in its own transaction."""
    with transaction(conn):
        record_usage_events(conn, events)
