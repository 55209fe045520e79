"""The SQL that adds one batch's rollup deltas to the rollup tables.

Every statement is an upsert (`INSERT ... ON CONFLICT DO UPDATE SET x = stored.x + excluded.x`)
run with executemany over the batch's aggregated keys, in the caller's transaction.
`mediatop.store.rollups` decides what counts; this module only writes it.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping

from mediatop.store.histogram import add_to_bucket, widened_range_sql
from mediatop.store.lock_order import in_key_order
from mediatop.store.rollups_vector import (
    BOT,
    BYTES,
    CLICKS,
    CT_N,
    CT_SUM,
    DOWNLOADS,
    ERRORS,
    HITS,
    MISSES,
    NOT_MOD,
    REQ,
    SHARES,
    ST_N,
    ST_SUM,
    VIEWS,
    WIDTH,
)  # fmt: skip
from mediatop.store.upsert_many import upsert_rows


def _derived(vector: list[float]) -> tuple[int | None, float | None, float | None]:
    """The seed's derived columns (load_time_avg, cache_hit_rate, error_rate) of a vector."""
    load = round(vector[ST_SUM] / vector[ST_N]) if vector[ST_N] else None
    evidence = vector[HITS] + vector[MISSES]
    hit_rate = 100.0 * vector[HITS] / evidence if evidence else None
    error_rate = 100.0 * vector[ERRORS] / vector[REQ] if vector[REQ] else None
    return load, hit_rate, error_rate


# The per-file counters of media_performance_metrics and media_hourly, in rollups_vector
# order (a vector binds as it is); an upsert adds each to what is stored.
METRIC_COLUMNS = (
    "requests", "bot_requests", "views", "downloads", "clicks", "shares", "not_modified",
    "errors", "bandwidth_usage", "server_time_sum_ms", "server_time_count",
    "client_time_sum_ms", "client_time_count", "cache_hits", "cache_misses",
)  # fmt: skip


def added(columns: tuple[str, ...]) -> str:
    """An upsert's SET list that adds each of `columns` to the stored value."""
    return ", ".join(f"{column} = stored.{column} + excluded.{column}" for column in columns)


# The summed columns of file_totals and kind_daily, in the order their rows are bound.
_TOTALS = ("requests", "bot_requests", "views", "downloads", "clicks", "shares", "errors",
           "bytes")  # fmt: skip
_KIND_DAILY = (*_TOTALS, "cache_hits", "cache_misses", "server_time_sum_ms",
               "server_time_count", "client_time_sum_ms", "client_time_count")  # fmt: skip


_METRICS_UPSERT = f"""
INSERT INTO media_performance_metrics AS stored (
  media_id, date, created_at, {", ".join(METRIC_COLUMNS)},
  load_time_avg, cache_hit_rate, error_rate
) VALUES ({", ".join("?" * (len(METRIC_COLUMNS) + 6))})
ON CONFLICT(media_id, date) DO UPDATE SET {added(METRIC_COLUMNS)},
  load_time_avg = CASE WHEN stored.server_time_count + excluded.server_time_count > 0
    THEN CAST(round((stored.server_time_sum_ms + excluded.server_time_sum_ms)
      / (stored.server_time_count + excluded.server_time_count)) AS INTEGER) END,
  cache_hit_rate = CASE WHEN stored.cache_hits + excluded.cache_hits
      + stored.cache_misses + excluded.cache_misses > 0
    THEN 100.0 * (stored.cache_hits + excluded.cache_hits) / (stored.cache_hits
      + excluded.cache_hits + stored.cache_misses + excluded.cache_misses) END,
  error_rate = CASE WHEN stored.requests + excluded.requests > 0
    THEN 100.0 * (stored.errors + excluded.errors) / (stored.requests + excluded.requests) END
"""


def upsert_metrics(
    conn: sqlite3.Connection, metrics: Mapping[tuple[int, str], list[float]], now: int
) -> None:
    """Add per-file, per-day deltas to media_performance_metrics, recomputing its
    derived columns (load_time_avg, cache_hit_rate, error_rate) from the new totals."""
    upsert_rows(
        conn,
        _METRICS_UPSERT,
        [
            (
                media_id, day, now, v[REQ], v[BOT], v[VIEWS], v[DOWNLOADS], v[CLICKS],
                v[SHARES], v[NOT_MOD], v[ERRORS], v[BYTES], v[ST_SUM], v[ST_N], v[CT_SUM],
                v[CT_N], v[HITS], v[MISSES], *_derived(v),
            )
            for (media_id, day), v in in_key_order(conn, metrics)
        ],
    )  # fmt: skip


def upsert_totals(
    conn: sqlite3.Connection,
    metrics: Mapping[tuple[int, str], list[float]],
    first_used: Mapping[int, int],
    last_used: Mapping[int, int],
) -> None:
    """Add all-time per-file deltas to file_totals (first/last used widen, never shrink)."""
    totals: dict[int, list[float]] = {}
    for (media_id, _day), vector in metrics.items():
        total = totals.setdefault(media_id, [0] * WIDTH)
        for index in range(WIDTH):
            total[index] += vector[index]
    upsert_rows(
        conn,
        f"INSERT INTO file_totals AS stored (media_id, {', '.join(_TOTALS)}, first_used, "
        f"last_used) VALUES ({', '.join('?' * (len(_TOTALS) + 3))}) "
        f"ON CONFLICT(media_id) DO UPDATE SET {added(_TOTALS)}, "
        "first_used = CASE WHEN stored.first_used IS NULL "
        "OR excluded.first_used < stored.first_used "
        "THEN excluded.first_used ELSE stored.first_used END, "
        "last_used = CASE WHEN stored.last_used IS NULL OR excluded.last_used > stored.last_used "
        "THEN excluded.last_used ELSE stored.last_used END",
        [
            (media_id, t[REQ], t[BOT], t[VIEWS], t[DOWNLOADS], t[CLICKS], t[SHARES],
             t[ERRORS], t[BYTES], first_used.get(media_id), last_used.get(media_id))
            for media_id, t in in_key_order(conn, totals)
        ],
    )  # fmt: skip


def upsert_kind_daily(
    conn: sqlite3.Connection,
    metrics: Mapping[tuple[int, str], list[float]],
    kinds: Mapping[int, str],
) -> None:
    """Add per-kind, per-day deltas to kind_daily."""
    per_kind: dict[tuple[str, str], list[float]] = {}
    for (media_id, day), vector in metrics.items():
        total = per_kind.setdefault((kinds.get(media_id, "other"), day), [0] * WIDTH)
        for index in range(WIDTH):
            total[index] += vector[index]
    upsert_rows(
        conn,
        f"INSERT INTO kind_daily AS stored (kind, date, {', '.join(_KIND_DAILY)}) "
        f"VALUES ({', '.join('?' * (len(_KIND_DAILY) + 2))}) "
        f"ON CONFLICT(kind, date) DO UPDATE SET {added(_KIND_DAILY)}",
        [
            (kind, day, t[REQ], t[BOT], t[VIEWS], t[DOWNLOADS], t[CLICKS], t[SHARES],
             t[ERRORS], t[BYTES], t[HITS], t[MISSES], t[ST_SUM], t[ST_N], t[CT_SUM], t[CT_N])
            for (kind, day), t in in_key_order(conn, per_kind)
        ],
    )  # fmt: skip


def upsert_latency(
    conn: sqlite3.Connection,
    latency: Mapping[tuple[int, str, str, int], int],
    ranges: Mapping[tuple[int, str, str, int], tuple[float, float]],
    kinds: Mapping[int, str],
) -> None:
    """Add latency bucket counts: per kind and day, and per file all-time (day ''), and
    widen each bucket's observed range (min_ms, max_ms; NULL stays NULL: unknown)."""
    rows: dict[tuple[str, str, str, int], list[float]] = {}
    for key, count in latency.items():
        media_id, day, source, bucket = key
        low, high = ranges[key]
        for row_key in ((f"kind:{kinds.get(media_id, 'other')}", day, source, bucket),
                        (f"file:{media_id}", "", source, bucket)):  # fmt: skip
            add_to_bucket(rows, row_key, count, low, high)
    upsert_rows(
        conn,
        "INSERT INTO latency_histogram AS stored (scope, day, source, bucket, count, min_ms, "
        "max_ms) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT(scope, day, source, bucket) DO UPDATE SET "
        "count = stored.count + excluded.count, " + widened_range_sql(),
        [(*key, int(n), low, high) for key, (n, low, high) in in_key_order(conn, rows)],
    )


def upsert_kind_breakdown(
    conn: sqlite3.Connection,
    rows: Mapping[tuple[int, str, str, str], int],
    kinds: Mapping[int, str],
    kind_rows: Mapping[tuple[str, str, str, str], int],
) -> None:
    """Add usage_breakdown deltas {(media_id, date, dimension, value): n} to
    kind_breakdown, summed per kind (as upsert_kind_daily sums the metrics), with the
    rows kept per kind only (`kind_rows`: hour and weekday)."""
    per_kind: Counter[tuple[str, str, str, str]] = Counter(kind_rows)
    for (media_id, day, dimension, value), count in rows.items():
        per_kind[(kinds.get(media_id, "other"), day, dimension, value)] += count
    upsert_rows(
        conn,
        "INSERT INTO kind_breakdown AS stored (kind, date, dimension, value, count) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, date, dimension, value) "
        "DO UPDATE SET count = stored.count + excluded.count",
        [(*key, count) for key, count in in_key_order(conn, per_kind)],
    )
