"""Shared read queries over the rollups for the usage, performance, file and insight reports.

Everything here reads the rollup tables (`media_performance_metrics`, `kind_daily`,
`file_totals`, `latency_histogram`, `usage_breakdown`, with the hourly twins for a
range's partial days: see `store.queries.ranges`) and `usage_locations`, never the raw event
tables, so that a report costs O(files) or O(days), not O(events).
"""

from __future__ import annotations

import dataclasses
import heapq
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import add
from typing import Any, cast

from mediatop.analytics.context import ReportContext
from mediatop.store.histogram import LatencyHistogram
from mediatop.store.queries.ranges import in_range, sums_in_range


@dataclass(frozen=True)
class MediaUsageLocation:
    """The seed's MediaUsageLocation: one place the CMS uses a file."""

    type: str
    id: str
    title: str | None
    url: str | None
    usage: str
    display_width: int | None = None


@dataclass(frozen=True)
class LatencyStats:
    """Load-time figures for one source (server or client) from rollup sums and histograms.

    `mean_ms` is exact (sum / count); the percentiles are estimated from the histogram
    within the observed range of the bucket they fall in (`store.histogram`), so they
    are accurate to the bucket width and never outside [min, max] of the samples.
    """

    samples: int
    mean_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


@dataclass(frozen=True)
class FileRow:
    """The columns of media_files that every file item of a report carries."""

    id: int
    path: bytes
    kind: str
    size: int
    uploaded_at: int
    deleted_at: int | None


def range_args(ctx: ReportContext) -> tuple[str, str]:
    """(first_day, last_day): the days the report's range touches, whole."""
    return ctx.time_range.first_day, ctx.time_range.last_day


def range_ts(ctx: ReportContext) -> tuple[int, int]:
    """[start, end) of the report's range in epoch seconds, for tables keyed by time."""
    return ctx.time_range.start_ts, ctx.time_range.end_ts


def ts_to_datetime(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def percent(part: float, whole: float) -> float | None:
    """100 × part / whole, or None when there is nothing to divide by."""
    return None if not whole else 100.0 * part / whole


def top_limit(ctx: ReportContext, default: int = 10) -> int:
    return max(1, ctx.option_int("top", default))


def file_rows(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, FileRow]:
    """The identity columns (path, kind, size, upload time) of the given files."""
    wanted = sorted(set(ids))
    found: dict[int, FileRow] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, path, kind, size, uploaded_at, deleted_at FROM media_files "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            found[row[0]] = FileRow(row[0], bytes(row[1]), row[2], row[3], row[4], row[5])
    return found


def locations_for(
    conn: sqlite3.Connection, ids: Iterable[int]
) -> dict[int, list[MediaUsageLocation]]:
    """Where each of the given files is used, from usage_locations (any source)."""
    wanted = sorted(set(ids))
    found: dict[int, list[MediaUsageLocation]] = defaultdict(list)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for media_id, type_, loc_id, title, url, usage, width in conn.execute(
            f"SELECT media_id, type, location_id, title, url, usage, display_width "
            f"FROM usage_locations WHERE media_id IN ({marks}) ORDER BY media_id, id",
            chunk,
        ):
            found[media_id].append(MediaUsageLocation(type_, loc_id, title, url, usage, width))
    return dict(found)


def last_used_for(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """file id -> last time (epoch s) a person requested it, from file_totals (all-time)."""
    wanted = sorted(set(ids))
    found: dict[int, int] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for media_id, last in conn.execute(
            f"SELECT media_id, last_used FROM file_totals WHERE media_id IN ({marks}) "
            f"AND last_used IS NOT NULL",
            chunk,
        ):
            found[media_id] = last
    return found


def average_view_seconds(ctx: ReportContext, ids: Iterable[int]) -> dict[int, float]:
    """Mean watch time (s) per video session started in the range, for the given videos."""
    wanted = sorted(set(ids))
    found: dict[int, float] = {}
    start_ts, end_ts = range_ts(ctx)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for video_id, avg in conn_rows(
            ctx.conn,
            f"SELECT video_id, AVG(watch_seconds) FROM video_sessions "
            f"WHERE video_id IN ({marks}) AND started_at >= ? AND started_at < ? "
            f"GROUP BY video_id",
            [*chunk, start_ts, end_ts],
        ):
            found[video_id] = float(avg)
    return found


# Candidates probed one by one before top_in_range sums the whole range instead.
MAX_WALK = 2048
# Ranges this short are summed in one scan straight away (24h touches two UTC days).
SHORT_RANGE_DAYS = 1.0
RANGE_SUM_COLUMNS = (
    "requests", "views", "downloads", "clicks", "shares", "bandwidth_usage", "errors",
    "bot_requests", "cache_hits", "cache_misses",
)  # fmt: skip


@dataclass(frozen=True)
class RangeSums:
    """One file's rollup sums over the report's range."""

    requests: int = 0
    views: int = 0
    downloads: int = 0
    clicks: int = 0
    shares: int = 0
    bytes: int = 0
    errors: int = 0
    bot_requests: int = 0
    cache_hits: int = 0
    cache_misses: int = 0


def range_sums(ctx: ReportContext, ids: Iterable[int]) -> dict[int, RangeSums]:
    """Rollup sums over the range for the given files, through the (media_id, date) index.

    For a handful of files this costs a few index probes each, against a scan of every
    file-day row of the range for a GROUP BY over all files.
    """
    wanted = sorted(set(ids))
    found: dict[int, RangeSums] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sums = sums_in_range(
            ctx.conn, ctx.time_range, "media_performance_metrics", "media_id",
            RANGE_SUM_COLUMNS, f"media_id IN ({marks})", chunk,
        )  # fmt: skip
        for media_id, values in sums.items():
            found[media_id] = RangeSums(*(int(v or 0) for v in values))
    return found


def top_in_range(
    ctx: ReportContext,
    bound_sql: str,
    key: Callable[[tuple[Any, ...], RangeSums], tuple[float, ...]],
    limit: int,
    direct: Callable[[], list[tuple[tuple[Any, ...], RangeSums]]],
    params: Mapping[str, object] | None = None,
) -> list[tuple[tuple[Any, ...], RangeSums]]:
    """The exact top `limit` files by `key` over the range, without summing every file.

    `bound_sql` yields rows (media_id, bound, ...) in decreasing bound order, where bound
    is an upper bound of key[0] for that file (an all-time total from `file_totals`
    bounds the same total over any range, since every count is >= 0). Candidates are
    summed over the range in batches; the walk stops once `limit` files score above the
    next bound. `key(row, sums)` gets the candidate's row; files whose key[0] is 0 are
    left out. Returns (row, sums) pairs, best first. Batches start at twice `limit` and
    double: with skewed traffic the walk usually ends after one or two. When the bound
    is loose (a short range against all-time totals) and the walk passes MAX_WALK
    candidates, `direct()` answers instead: the same top list from one grouped scan of
    the range, cheap exactly when the range is short.
    """
    if ctx.time_range.days <= SHORT_RANGE_DAYS:
        return direct()  # a day or two of rows: one scan beats any walk
    best: list[tuple[tuple[float, ...], tuple[Any, ...], RangeSums]] = []
    # No walk goes past MAX_WALK rows, so the sort keeps only that many (a bounded sort
    # is several times cheaper than ordering every file).
    cursor = ctx.conn.execute(f"{bound_sql} LIMIT {MAX_WALK + 1}", params or {})
    batch = max(16, 2 * limit)
    walked = 0
    try:
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                break
            walked += len(rows)
            if walked > MAX_WALK:
                return direct()
            batch *= 2
            sums = range_sums(ctx, [r[0] for r in rows])
            for row in rows:
                values = sums.get(row[0], RangeSums())
                score = key(row, values)
                if score[0] > 0:
                    best.append((score, row, values))
            best.sort(key=lambda item: item[0], reverse=True)
            del best[limit:]
            if len(best) >= limit and best[-1][0][0] > rows[-1][1]:
                break
    finally:
        cursor.close()
    return [(row, values) for _score, row, values in best]


def range_sums_sql(ctx: ReportContext) -> tuple[str, list[object]]:
    """A subquery of per-file sums over the range, one column `s_<name>` per RangeSums
    field, for an ORDER BY ... LIMIT over every file."""
    fields = [f.name for f in dataclasses.fields(RangeSums)]
    sums = ", ".join(
        f"SUM({column}) AS s_{name}" for column, name in zip(RANGE_SUM_COLUMNS, fields, strict=True)
    )
    rows, args = in_range(
        ctx.time_range, "media_performance_metrics", f"media_id, {', '.join(RANGE_SUM_COLUMNS)}"
    )
    return f"SELECT media_id, {sums} FROM ({rows}) GROUP BY media_id", args


_FIELDS = tuple(f.name for f in dataclasses.fields(RangeSums))


def short_range_table(ctx: ReportContext) -> dict[int, tuple[int, ...]]:
    """file id -> its sums over a short range (RangeSums field order), from one scan.

    The top lists of one report (most used, downloads, bandwidth, cache misses...) all
    need it for a one-day range: it is read once per report run (the context's memo).
    """

    def read() -> dict[int, tuple[int, ...]]:
        # At most two days of rows: adding up here the few files seen on both costs less
        # than SQLite's GROUP BY, which sorts every row first (38 ms against 54 ms).
        table: dict[int, tuple[int, ...]] = {}
        rows, args = in_range(
            ctx.time_range, "media_performance_metrics",
            f"media_id, {', '.join(RANGE_SUM_COLUMNS)}",
        )  # fmt: skip
        for row in ctx.conn.execute(rows, args):
            earlier = table.get(row[0])
            table[row[0]] = row[1:] if earlier is None else tuple(map(add, earlier, row[1:]))
        return table

    key = ("short_range_table", ctx.time_range.start, ctx.time_range.end)
    return cast(dict[int, tuple[int, ...]], ctx.shared(key, read))


def top_files(
    ctx: ReportContext, bound: str, order: Sequence[str], limit: int
) -> list[tuple[int, RangeSums]]:
    """The top `limit` files over the range by the RangeSums fields `order` (descending,
    then by id), leaving out files whose first field is 0. Walks `file_totals` by
    `bound`, an SQL expression over its columns bounding order[0]; see top_in_range."""

    def key(row: tuple[Any, ...], sums: RangeSums) -> tuple[float, ...]:
        return (*(getattr(sums, name) for name in order), -row[0])

    def direct() -> list[tuple[tuple[Any, ...], RangeSums]]:
        if ctx.time_range.days <= SHORT_RANGE_DAYS:
            at = [_FIELDS.index(name) for name in order]
            table = short_range_table(ctx)
            best = heapq.nlargest(
                limit,
                ((*(v[i] for i in at), -i) for i, v in table.items() if v[at[0]] > 0),
            )
            return [((-k[-1],), RangeSums(*table[-k[-1]])) for k in best]
        sub, args = range_sums_sql(ctx)
        ranked = ", ".join(f"s_{name} DESC" for name in order)
        rows = ctx.conn.execute(
            f"SELECT * FROM ({sub}) WHERE s_{order[0]} > 0 ORDER BY {ranked}, media_id LIMIT ?",
            [*args, limit],
        )
        return [((r[0],), RangeSums(*(int(v or 0) for v in r[1:]))) for r in rows]

    sql = (
        f"SELECT media_id, {bound} AS b FROM file_totals WHERE {bound} > 0 "
        f"ORDER BY b DESC, media_id"
    )
    return [(row[0], sums) for row, sums in top_in_range(ctx, sql, key, limit, direct)]


# Every human event adds at least one to this sum (a request, a use or an error), so it
# bounds any per-event count such as cache misses.
HUMAN_EVENTS_BOUND = "(requests + views + downloads + clicks + shares + errors)"


def conn_rows(conn: sqlite3.Connection, sql: str, args: Iterable[object]) -> list[tuple[Any, ...]]:
    return conn.execute(sql, list(args)).fetchall()


# A bucket's range summed over rows is known only when every row knows it.
_RANGE_OVER_ROWS = (
    "CASE WHEN COUNT(min_ms) = COUNT(*) THEN MIN(min_ms) END, "
    "CASE WHEN COUNT(max_ms) = COUNT(*) THEN MAX(max_ms) END"
)


def histogram(
    conn: sqlite3.Connection, scope: str, source: str, days: tuple[str, str] | None
) -> LatencyHistogram:
    """One scope and source's histogram, summed over `days` (None: the all-time row)."""
    if days is None:
        rows = conn.execute(
            "SELECT bucket, count, min_ms, max_ms FROM latency_histogram "
            "WHERE scope = ? AND day = '' AND source = ?",
            (scope, source),
        )
    else:
        rows = conn.execute(
            f"SELECT bucket, SUM(count), {_RANGE_OVER_ROWS} FROM latency_histogram "
            "WHERE scope = ? AND day BETWEEN ? AND ? AND day != '' AND source = ? "
            "GROUP BY bucket",
            (scope, days[0], days[1], source),
        )
    return LatencyHistogram.from_rows(rows)


def histograms_by_scope(
    ctx: ReportContext, scope_prefix: str, source: str
) -> dict[str, LatencyHistogram]:
    """scope -> histogram for every scope starting with `scope_prefix`, over the
    report's range."""
    found: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    rows, args = in_range(
        ctx.time_range, "latency_histogram", "scope, bucket, count, min_ms, max_ms",
        "scope >= ? AND scope < ? AND source = ?",
        (scope_prefix, scope_prefix + "\uffff", source),
    )  # fmt: skip
    for scope, *row in ctx.conn.execute(
        f"SELECT scope, bucket, SUM(count), {_RANGE_OVER_ROWS} FROM ({rows}) "
        "GROUP BY scope, bucket",
        args,
    ):
        found[scope].append(tuple(row))
    return {scope: LatencyHistogram.from_rows(rows) for scope, rows in found.items()}


def latency_stats(hist: LatencyHistogram, sum_ms: float, count: int) -> LatencyStats:
    """Mean from the exact sums, percentiles from the histogram (None without samples)."""
    samples = hist.samples
    if not samples and not count:
        return LatencyStats(0, None, None, None, None)
    mean = sum_ms / count if count else None
    if not samples:
        return LatencyStats(count, mean, None, None, None)
    return LatencyStats(
        max(samples, count),
        mean,
        hist.percentile(0.50),
        hist.percentile(0.95),
        hist.percentile(0.99),
    )


def logged_days(ctx: ReportContext, first_day: str, last_day: str) -> int:
    """How many days between the two dates (inclusive) have any recorded request or use."""
    row = ctx.conn.execute(
        "SELECT COUNT(DISTINCT date) FROM kind_daily WHERE date BETWEEN ? AND ? "
        "AND requests + bot_requests + errors + views + downloads + clicks + shares > 0",
        (first_day, last_day),
    ).fetchone()
    return int(row[0] or 0)
