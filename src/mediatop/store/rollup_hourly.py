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
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from mediatop.store.histogram import add_to_bucket, widened_range_sql
from mediatop.store.lock_order import in_key_order
from mediatop.store.rollup_upserts import METRIC_COLUMNS, added
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
    REQ,
    SHARES,
    ST_N,
    ST_SUM,
    VIEWS,
)  # fmt: skip
from mediatop.store.upsert_many import upsert_many, upsert_rows

_K = TypeVar("_K")
# A use as UsageRollup counts it: (file id, hour slot, device, referrer host, country,
# user type). Its hour of day and weekday follow from the slot (`_times_of`).
Use = tuple[Any, str, str, str, str | None, str]
# The kinds whose breakdown a report reads over a range (the documents report's access
# patterns): kind_breakdown_hourly keeps only these, as every row costs ingest time.
BROKEN_DOWN_KINDS = frozenset(("document",))


def vectors_by_day(
    metrics: Mapping[tuple[int, str], list[float]],
) -> dict[tuple[int, str], list[float]]:
    """Per-(file, hour slot) vectors summed per (file, day)."""
    return summed_by(metrics, lambda media_id, slot: (media_id, slot[:10]))


def summed_by(
    vectors: Mapping[tuple[int, str], list[float]], key_of: Callable[[int, str], _K]
) -> dict[_K, list[float]]:
    """Vectors keyed (id, hour slot) summed per `key_of(id, slot)`: each group's columns
    added in C (`sum` over `zip`), in the order the vectors were made."""
    groups: dict[_K, list[list[float]]] = {}
    for (owner, slot), vector in vectors.items():
        key = key_of(owner, slot)
        group = groups.get(key)
        if group is None:
            groups[key] = [vector]
        else:
            group.append(vector)
    return {key: list(map(sum, zip(*group, strict=True))) for key, group in groups.items()}


def counts_by_day(counts: Mapping[tuple[Any, ...], int]) -> Counter[tuple[Any, ...]]:
    """Counts keyed (id, hour slot, ...) summed per (id, day, ...)."""
    daily: Counter[tuple[Any, ...]] = Counter()
    get = daily.get
    for key, count in counts.items():
        day_key = (key[0], key[1][:10], *key[2:])
        daily[day_key] = get(day_key, 0) + count
    return daily


def ranges_by_day(
    ranges: Mapping[tuple[Any, str, str, int], tuple[float, float]],
) -> dict[tuple[Any, str, str, int], tuple[float, float]]:
    """Latency bucket ranges keyed (id, hour slot, source, bucket), widened per day."""
    daily: dict[tuple[Any, str, str, int], tuple[float, float]] = {}
    for (owner, slot, source, bucket), (low, high) in ranges.items():
        key = (owner, slot[:10], source, bucket)
        seen = daily.get(key)
        daily[key] = (low, high) if seen is None else (min(seen[0], low), max(seen[1], high))
    return daily


def split_uses(
    uses: Mapping[Use, int], bots: Mapping[tuple[Any, str, str, str], int]
) -> Counter[tuple[Any, str, str, str]]:
    """usage_breakdown rows {(file id, day, dimension, value): n}: every use split by
    device, referrer, country and user type (what a file's report reads), plus the bot
    counts (keyed (file id, slot, 'user_type', 'bot'))."""
    rows: Counter[tuple[Any, str, str, str]] = Counter()
    # dict.get, not Counter's +=: most keys are new, and Counter.__missing__ is Python
    get = rows.get
    for (owner, slot, dimension, value), n in bots.items():
        key = (owner, slot[:10], dimension, value)
        rows[key] = get(key, 0) + n
    # user types take few values per owner and day: summed apart first
    per_user: dict[tuple[Any, str, str], int] = {}
    for (owner, slot, device, ref, country, user), n in uses.items():
        period = slot[:10]
        key = (owner, period, "device", device)
        rows[key] = get(key, 0) + n
        key = (owner, period, "referrer", ref)
        rows[key] = get(key, 0) + n
        if country:
            key = (owner, period, "country", country)
            rows[key] = get(key, 0) + n
        at = (owner, period, user)
        per_user[at] = per_user.get(at, 0) + n
    for (owner, period, user), n in per_user.items():
        key = (owner, period, "user_type", user)
        rows[key] = get(key, 0) + n
    return rows


def times_by_kind(
    uses: Mapping[Use, int], kinds: Mapping[int, str]
) -> dict[tuple[str, str, str, str], int]:
    """kind_breakdown's hour and weekday rows {(kind, day, dimension, value): n}: kept per
    kind only, since no report reads them per file."""
    per_slot: dict[tuple[str, str], int] = {}
    for (owner, slot, *_rest), n in uses.items():
        at = (kinds.get(owner, "other"), slot)
        per_slot[at] = per_slot.get(at, 0) + n
    rows: dict[tuple[str, str, str, str], int] = {}
    get = rows.get
    for (kind, slot), n in per_slot.items():
        weekday, hour = _times_of(slot)
        key = (kind, slot[:10], "hour", hour)
        rows[key] = get(key, 0) + n
        key = (kind, slot[:10], "weekday", weekday)
        rows[key] = get(key, 0) + n
    return rows


_SLOTS: dict[str, tuple[str, int]] = {}
_SLOT_TIMES: dict[str, tuple[str, str]] = {}


def _times_of(slot: str) -> tuple[str, str]:
    """The weekday ('0' = Monday) and hour of day ('0'..'23', UTC) of an hour slot, as
    kind_breakdown stores them; cached."""
    found = _SLOT_TIMES.get(slot)
    if found is None:
        if len(_SLOT_TIMES) > 100_000:
            _SLOT_TIMES.clear()
        weekday = date.fromisoformat(slot[:10]).weekday()
        found = _SLOT_TIMES[slot] = (str(weekday), str(int(slot[11:13])))
    return found


def _split(slot: str) -> tuple[str, int]:
    """('YYYY-MM-DD', hour) of an hour slot, cached: a batch has a few hundred slots."""
    found = _SLOTS.get(slot)
    if found is None:
        if len(_SLOTS) > 100_000:
            _SLOTS.clear()
        found = _SLOTS[slot] = (slot[:10], int(slot[11:13]))
    return found


# The columns after the key are in rollups_vector order: a vector binds as it is.
_MEDIA_HOURLY_HEAD = (
    f"INSERT INTO media_hourly AS stored (media_id, date, hour, {', '.join(METRIC_COLUMNS)})"
)
_MEDIA_HOURLY_TAIL = f"ON CONFLICT(date, hour, media_id) DO UPDATE SET {added(METRIC_COLUMNS)}"

_KIND_HOURLY_UPSERT = """
INSERT INTO kind_hourly AS stored (kind, date, hour, requests, bot_requests, views, downloads,
  clicks, shares, errors, bytes, cache_hits, cache_misses, server_time_sum_ms, server_time_count,
  client_time_sum_ms, client_time_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(date, hour, kind) DO UPDATE SET
  requests = stored.requests + excluded.requests,
  bot_requests = stored.bot_requests + excluded.bot_requests, views = stored.views + excluded.views,
  downloads = stored.downloads + excluded.downloads, clicks = stored.clicks + excluded.clicks,
  shares = stored.shares + excluded.shares, errors = stored.errors + excluded.errors,
  bytes = stored.bytes + excluded.bytes, cache_hits = stored.cache_hits + excluded.cache_hits,
  cache_misses = stored.cache_misses + excluded.cache_misses,
  server_time_sum_ms = stored.server_time_sum_ms + excluded.server_time_sum_ms,
  server_time_count = stored.server_time_count + excluded.server_time_count,
  client_time_sum_ms = stored.client_time_sum_ms + excluded.client_time_sum_ms,
  client_time_count = stored.client_time_count + excluded.client_time_count
"""


def upsert_hourly(
    conn: sqlite3.Connection,
    metrics: Mapping[tuple[int, str], list[float]],
    latency: Mapping[tuple[int, str, str, int], int],
    latency_ranges: Mapping[tuple[int, str, str, int], tuple[float, float]],
    uses: Mapping[Use, int],
    bots: Mapping[tuple[int, str, str, str], int],
    kinds: Mapping[int, str],
) -> None:
    """Add one batch's per-hour deltas (keys carry the hour slot) to the hourly rollups:
    per file and per kind, latency buckets per kind with the range of durations seen in
    each, breakdowns per kind (`kind_breakdown`).
    """
    upsert_many(
        conn, _MEDIA_HOURLY_HEAD, len(METRIC_COLUMNS) + 3, _MEDIA_HOURLY_TAIL,
        [(media_id, *_split(slot), *vector)
         for (media_id, slot), vector in in_key_order(conn, metrics)],
    )  # fmt: skip
    per_kind = summed_by(metrics, lambda media_id, slot: (kinds.get(media_id, "other"), slot))
    upsert_rows(
        conn,
        _KIND_HOURLY_UPSERT,
        [
            (kind, *_split(slot), t[REQ], t[BOT], t[VIEWS], t[DOWNLOADS], t[CLICKS], t[SHARES],
             t[ERRORS], t[BYTES], t[HITS], t[MISSES], t[ST_SUM], t[ST_N], t[CT_SUM], t[CT_N])
            for (kind, slot), t in in_key_order(conn, per_kind)
        ],
    )  # fmt: skip
    buckets: dict[tuple[str, str, str, int], list[float]] = {}
    for timed, count in latency.items():
        media_id, slot, source, bucket = timed
        low, high = latency_ranges[timed]
        scoped = (f"kind:{kinds.get(media_id, 'other')}", slot, source, bucket)
        add_to_bucket(buckets, scoped, count, low, high)
    upsert_rows(
        conn,
        "INSERT INTO latency_hourly AS stored (scope, day, hour, source, bucket, count, min_ms, "
        "max_ms) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(day, hour, scope, source, bucket) "
        "DO UPDATE SET count = stored.count + excluded.count, " + widened_range_sql(),
        [
            (scope, *_split(slot), source, b, int(n), low, high)
            for (scope, slot, source, b), (n, low, high) in in_key_order(conn, buckets)
        ],
    )
    upsert_many(
        conn,
        "INSERT INTO kind_breakdown_hourly AS stored (kind, date, hour, dimension, value, count)",
        6,
        "ON CONFLICT(kind, date, hour, dimension, value) "
        "DO UPDATE SET count = stored.count + excluded.count",
        [
            (kind, *_split(slot), dimension, value, n)
            for (kind, slot, dimension, value), n in in_key_order(
                conn, kind_breakdown(uses, bots, kinds)
            )
        ],
    )


def kind_breakdown(
    uses: Mapping[Use, int], bots: Mapping[tuple[int, str, str, str], int], kinds: Mapping[int, str]
) -> dict[tuple[str, str, str, str], int]:
    """Per kind (of BROKEN_DOWN_KINDS) and hour slot, the dimensions a ranged report reads:
    device, referrer, hour and weekday of the uses, and user_type 'bot'. One pass, a few
    dict updates per use: it runs on every ingest batch."""
    rows: dict[tuple[str, str, str, str], int] = {}
    get = rows.get
    per_slot: dict[tuple[str, str], int] = {}
    wanted = {media_id: kind for media_id, kind in kinds.items() if kind in BROKEN_DOWN_KINDS}
    for use, n in uses.items():
        kind = wanted.get(use[0])
        if kind is None:
            continue
        _media_id, slot, device, ref, _country, _user = use
        key = (kind, slot, "device", device)
        rows[key] = get(key, 0) + n
        key = (kind, slot, "referrer", ref)
        rows[key] = get(key, 0) + n
        at = (kind, slot)
        per_slot[at] = per_slot.get(at, 0) + n
    for (kind, slot), n in per_slot.items():
        weekday, hour = _times_of(slot)
        key = (kind, slot, "hour", hour)
        rows[key] = get(key, 0) + n
        key = (kind, slot, "weekday", weekday)
        rows[key] = get(key, 0) + n
    for (media_id, slot, dimension, value), n in bots.items():
        kind = kinds.get(media_id, "other")
        if kind in BROKEN_DOWN_KINDS:
            key = (kind, slot, dimension, value)
            rows[key] = get(key, 0) + n
    return rows
