"""The hourly rollups: each batch's per-hour deltas, and the same deltas summed per day.

`UsageRollup` keeps its deltas per UTC hour (slot 'YYYY-MM-DDTHH'). This module writes
them to the hourly twins of the daily rollups (media_hourly, kind_hourly,
latency_hourly, kind_breakdown_hourly; see migration 0032) and folds them into per-day
deltas for the daily upserts, so one pass over the events feeds both. A range reads
its whole days from the daily tables and the hours of its partial days from these.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping

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


def vectors_by_day(
    metrics: Mapping[tuple[int, str], list[float]],
) -> dict[tuple[int, str], list[float]]:
    """Per-(file, hour slot) vectors summed per (file, day)."""
    daily: dict[tuple[int, str], list[float]] = {}
    for (media_id, slot), vector in metrics.items():
        key = (media_id, slot[:10])
        total = daily.get(key)
        if total is None:
            daily[key] = list(vector)
        else:
            for index in range(WIDTH):
                total[index] += vector[index]
    return daily


def counts_by_day(counts: Mapping[tuple, int]) -> Counter[tuple]:
    """Counts keyed (id, hour slot, ...) summed per (id, day, ...)."""
    daily: Counter[tuple] = Counter()
    get = daily.get
    for key, count in counts.items():
        day_key = (key[0], key[1][:10], *key[2:])
        daily[day_key] = get(day_key, 0) + count
    return daily


def _split(slot: str) -> tuple[str, int]:
    return slot[:10], int(slot[11:13])


_MEDIA_HOURLY_UPSERT = """
INSERT INTO media_hourly (
  media_id, date, hour, requests, bot_requests, views, downloads, clicks, shares,
  not_modified, errors, bandwidth_usage, server_time_sum_ms, server_time_count,
  client_time_sum_ms, client_time_count, cache_hits, cache_misses
) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(date, hour, media_id) DO UPDATE SET
  requests = requests + excluded.requests,
  bot_requests = bot_requests + excluded.bot_requests,
  views = views + excluded.views,
  downloads = downloads + excluded.downloads,
  clicks = clicks + excluded.clicks,
  shares = shares + excluded.shares,
  not_modified = not_modified + excluded.not_modified,
  errors = errors + excluded.errors,
  bandwidth_usage = bandwidth_usage + excluded.bandwidth_usage,
  server_time_sum_ms = server_time_sum_ms + excluded.server_time_sum_ms,
  server_time_count = server_time_count + excluded.server_time_count,
  client_time_sum_ms = client_time_sum_ms + excluded.client_time_sum_ms,
  client_time_count = client_time_count + excluded.client_time_count,
  cache_hits = cache_hits + excluded.cache_hits,
  cache_misses = cache_misses + excluded.cache_misses
"""

_KIND_HOURLY_UPSERT = """
INSERT INTO kind_hourly (kind, date, hour, requests, bot_requests, views, downloads, clicks,
  shares, errors, bytes, cache_hits, cache_misses, server_time_sum_ms, server_time_count,
  client_time_sum_ms, client_time_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(kind, date, hour) DO UPDATE SET
  requests = requests + excluded.requests,
  bot_requests = bot_requests + excluded.bot_requests, views = views + excluded.views,
  downloads = downloads + excluded.downloads, clicks = clicks + excluded.clicks,
  shares = shares + excluded.shares, errors = errors + excluded.errors,
  bytes = bytes + excluded.bytes, cache_hits = cache_hits + excluded.cache_hits,
  cache_misses = cache_misses + excluded.cache_misses,
  server_time_sum_ms = server_time_sum_ms + excluded.server_time_sum_ms,
  server_time_count = server_time_count + excluded.server_time_count,
  client_time_sum_ms = client_time_sum_ms + excluded.client_time_sum_ms,
  client_time_count = client_time_count + excluded.client_time_count
"""


def upsert_hourly(
    conn: sqlite3.Connection,
    metrics: Mapping[tuple[int, str], list[float]],
    latency: Mapping[tuple[int, str, str, int], int],
    breakdown: Mapping[tuple[int, str, str, str], int],
    kinds: Mapping[int, str],
) -> None:
    """Add one batch's per-hour deltas (keys carry the hour slot) to the hourly rollups:
    per file and per kind, latency buckets and breakdowns per kind."""
    conn.executemany(
        _MEDIA_HOURLY_UPSERT,
        [
            (
                media_id, *_split(slot), v[REQ], v[BOT], v[VIEWS], v[DOWNLOADS], v[CLICKS],
                v[SHARES], v[NOT_MOD], v[ERRORS], v[BYTES], v[ST_SUM], v[ST_N], v[CT_SUM],
                v[CT_N], v[HITS], v[MISSES],
            )
            for (media_id, slot), v in metrics.items()
        ],
    )  # fmt: skip
    per_kind: dict[tuple[str, str], list[float]] = {}
    for (media_id, slot), vector in metrics.items():
        total = per_kind.setdefault((kinds.get(media_id, "other"), slot), [0] * WIDTH)
        for index in range(WIDTH):
            total[index] += vector[index]
    conn.executemany(
        _KIND_HOURLY_UPSERT,
        [
            (kind, *_split(slot), t[REQ], t[BOT], t[VIEWS], t[DOWNLOADS], t[CLICKS], t[SHARES],
             t[ERRORS], t[BYTES], t[HITS], t[MISSES], t[ST_SUM], t[ST_N], t[CT_SUM], t[CT_N])
            for (kind, slot), t in per_kind.items()
        ],
    )  # fmt: skip
    buckets: Counter[tuple[str, str, str, int]] = Counter()
    for (media_id, slot, source, bucket), count in latency.items():
        buckets[(f"kind:{kinds.get(media_id, 'other')}", slot, source, bucket)] += count
    conn.executemany(
        "INSERT INTO latency_hourly (scope, day, hour, source, bucket, count) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT(scope, day, hour, source, bucket) "
        "DO UPDATE SET count = count + excluded.count",
        [(scope, *_split(slot), source, b, n) for (scope, slot, source, b), n in buckets.items()],
    )
    per_kind_breakdown: Counter[tuple[str, str, str, str]] = Counter()
    for (media_id, slot, dimension, value), count in breakdown.items():
        per_kind_breakdown[(kinds.get(media_id, "other"), slot, dimension, value)] += count
    conn.executemany(
        "INSERT INTO kind_breakdown_hourly (kind, date, hour, dimension, value, count) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT(kind, date, hour, dimension, value) "
        "DO UPDATE SET count = count + excluded.count",
        [(kind, *_split(slot), d, v, n) for (kind, slot, d, v), n in per_kind_breakdown.items()],
    )
