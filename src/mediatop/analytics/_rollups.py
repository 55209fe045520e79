"""Shared helpers of the usage, performance, file and insight reports over the rollups.

The rows come from the store's read queries (`store.queries.rollups`, `.performance`):
this module ranks files by their sums over a report's range without summing every file
(`top_files`, `top_in_range`), keeps the one-scan table of a short range for a report
run, and turns histograms into load-time figures.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from mediatop.analytics.context import ReportContext
from mediatop.store.histogram import LatencyHistogram
from mediatop.store.queries import rollups as queries
from mediatop.store.queries.rollups import RangeSums


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


def range_sums(ctx: ReportContext, ids: Iterable[int]) -> dict[int, RangeSums]:
    """Rollup sums over the report's range for the given files (a few index probes each)."""
    return queries.range_sums(ctx.conn, ctx.time_range, ids)


# Candidates probed one by one before top_in_range sums the whole range instead.
MAX_WALK = 2048
# Ranges this short are summed in one scan straight away (24h touches two UTC days).
SHORT_RANGE_DAYS = 1.0

Walked = list[tuple[tuple[Any, ...], RangeSums]]


class WalkCursor(Protocol):
    """What a ranked walk reads from the store: a cursor fetched in batches, then closed."""

    def fetchmany(self, size: int) -> list[Any]: ...

    def close(self) -> None: ...


def top_in_range(
    ctx: ReportContext,
    open_walk: Callable[[int], WalkCursor],
    key: Callable[[tuple[Any, ...], RangeSums], tuple[float, ...]],
    limit: int,
    direct: Callable[[], Walked],
) -> Walked:
    """The exact top `limit` files by `key` over the range, without summing every file.

    `open_walk(n)` opens a store cursor of at most n rows (media_id, bound, ...) in
    decreasing bound order, where bound is an upper bound of key[0] for that file (an
    all-time total from `file_totals` bounds the same total over any range, since every
    count is >= 0). Candidates are summed over the range in batches; the walk stops once
    `limit` files score above the next bound. `key(row, sums)` gets the candidate's row;
    files whose key[0] is 0 are left out. Returns (row, sums) pairs, best first. Batches
    start at twice `limit` and double: with skewed traffic the walk usually ends after
    one or two. When the bound is loose (a short range against all-time totals) and the
    walk passes MAX_WALK candidates, `direct()` answers instead: the same top list from
    one grouped scan of the range, cheap exactly when the range is short.
    """
    if ctx.time_range.days <= SHORT_RANGE_DAYS:
        return direct()  # a day or two of rows: one scan beats any walk
    best: list[tuple[tuple[float, ...], tuple[Any, ...], RangeSums]] = []
    cursor = open_walk(MAX_WALK + 1)
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


def short_range_table(ctx: ReportContext) -> dict[int, tuple[int, ...]]:
    """file id -> its sums over a short range (RangeSums field order), from one scan.

    The top lists of one report (most used, downloads, bandwidth, cache misses...) all
    need it for a one-day range: it is read once per report run (the context's memo).
    """

    def read() -> dict[int, tuple[int, ...]]:
        return queries.short_range_sums(ctx.conn, ctx.time_range)

    key = ("short_range_table", ctx.time_range.start, ctx.time_range.end)
    return cast(dict[int, tuple[int, ...]], ctx.shared(key, read))


def top_files(
    ctx: ReportContext, bound: str, order: Sequence[str], limit: int
) -> list[tuple[int, RangeSums]]:
    """The top `limit` files over the range by the RangeSums fields `order` (descending,
    then by id), leaving out files whose first field is 0. Walks `file_totals` by
    `bound`, a name in `store.queries.rollups.FILE_TOTAL_BOUNDS` for an all-time total
    bounding order[0]; see top_in_range."""

    def key(row: tuple[Any, ...], sums: RangeSums) -> tuple[float, ...]:
        return (*(getattr(sums, name) for name in order), -row[0])

    def direct() -> Walked:
        if ctx.time_range.days <= SHORT_RANGE_DAYS:
            at = [queries.RANGE_SUM_FIELDS.index(name) for name in order]
            table = short_range_table(ctx)
            best = heapq.nlargest(
                limit,
                ((*(v[i] for i in at), -i) for i, v in table.items() if v[at[0]] > 0),
            )
            return [((-k[-1],), RangeSums(*table[-k[-1]])) for k in best]
        ranked = queries.ranked_by_range_sums(ctx.conn, ctx.time_range, order, limit)
        return [((file_id,), sums) for file_id, sums in ranked]

    def open_walk(walk: int) -> WalkCursor:
        return queries.files_by_total(ctx.conn, bound, walk)

    return [(row[0], sums) for row, sums in top_in_range(ctx, open_walk, key, limit, direct)]


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
