"""The performance report: load times, bandwidth, cache hit rate, compression savings and
the slowest files; plus the dashboard's Performance Metrics box.

Load times have two sources, always named apart: *server* time is the access log's
`$request_time` (time on the server, not the visitor's wait); *client* time comes from
Resource Timing beacons. Means are exact (rollup sums / counts); percentiles come from
the log-spaced latency histograms, within the range of durations recorded in the
bucket they fall in (`store.histogram`): never under the smallest sample nor over the
largest.
Cache hit rates are percentages of requests that carried cache evidence, None without.
Compression savings are estimates: see `compression_savings`. Misses (requests for
media the library does not have) are counted people and crawlers apart: see `misses`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from mediatop.analytics._rollups import LatencyStats, latency_stats, top_files
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit
from mediatop.analytics.performance.compression import CompressionSavings, compression_savings
from mediatop.analytics.usage.misses import MissStats, miss_stats
from mediatop.store.histogram import LatencyHistogram
from mediatop.store.queries import performance as queries
from mediatop.store.queries.rollups import file_rows

# Slowest files need a few samples: one slow request says little about a file.
MIN_SLOW_SAMPLES = 5
# Slowest files are looked for among this many of the range's most requested files.
SLOW_CANDIDATES = 500


@dataclass(frozen=True)
class MediaLoadTime:
    """Load times of one kind of media (type 'all' for every kind) over the range.

    Flat fields, server_* and client_* apart, so that the JSON and the text table both
    show them; `server` and `client` give the same figures as LatencyStats.
    """

    type: str
    requests: int
    server_samples: int
    server_mean_ms: float | None
    server_p50_ms: float | None
    server_p95_ms: float | None
    server_p99_ms: float | None
    client_samples: int
    client_mean_ms: float | None
    client_p50_ms: float | None
    client_p95_ms: float | None
    client_p99_ms: float | None

    @classmethod
    def of(
        cls, type_: str, requests: int, server: LatencyStats, client: LatencyStats
    ) -> MediaLoadTime:
        return cls(
            type_, requests,
            server.samples, server.mean_ms, server.p50_ms, server.p95_ms, server.p99_ms,
            client.samples, client.mean_ms, client.p50_ms, client.p95_ms, client.p99_ms,
        )  # fmt: skip

    @property
    def server(self) -> LatencyStats:
        return LatencyStats(self.server_samples, self.server_mean_ms, self.server_p50_ms,
                            self.server_p95_ms, self.server_p99_ms)  # fmt: skip

    @property
    def client(self) -> LatencyStats:
        return LatencyStats(self.client_samples, self.client_mean_ms, self.client_p50_ms,
                            self.client_p95_ms, self.client_p99_ms)  # fmt: skip


@dataclass(frozen=True)
class DayBytes:
    date: str
    bytes: int
    requests: int


@dataclass(frozen=True)
class FileBandwidth:
    id: str
    filename: bytes
    type: str
    size: int
    bytes: int
    requests: int


@dataclass(frozen=True)
class BandwidthData:
    total_bytes: int
    average_daily_bytes: float | None
    daily: list[DayBytes]
    by_type: dict[str, int]
    top_files: list[FileBandwidth]


@dataclass(frozen=True)
class UncachedFile:
    id: str
    filename: bytes
    type: str
    size: int
    misses: int
    hits: int
    hit_rate: float | None


@dataclass(frozen=True)
class CacheStats:
    """Cache evidence over the range; rates are None where no request carried any."""

    hit_rate: float | None
    hits: int
    misses: int
    by_type: dict[str, float | None]
    most_uncached: list[UncachedFile]


@dataclass(frozen=True)
class SlowFile:
    id: str
    filename: bytes
    type: str
    size: int
    source: str  # server | client
    p95_ms: float | None
    samples: int


@dataclass(frozen=True)
class PerformanceReport:
    load_times: list[MediaLoadTime]
    bandwidth_usage: BandwidthData
    cache_hit_rate: float | None
    compression_savings: int
    error_rate: float | None
    cache: CacheStats
    compression: CompressionSavings
    slowest_files: list[SlowFile]
    dashboard: DashboardPerformance  # the dashboard's Performance Metrics box, as shown
    misses: MissStats


@dataclass(frozen=True)
class DashboardPerformance:
    """Every figure of the dashboard's Performance Metrics box (None: the store cannot
    tell): mean server and client load time (ms) and cache hit rate (%) over the range,
    and the images module's WebP usage and mobile optimisation (`DashboardImageStats`)."""

    average_server_time_ms: float | None
    average_client_time_ms: float | None
    cache_hit_rate: float | None
    web_p_usage: float | None  # % of human image requests that were for WebP/AVIF files
    mobile_optimised: float | None  # % of image usage locations served responsively


def kind_sums(ctx: ReportContext) -> dict[str, tuple[Any, ...]]:
    """kind -> (requests, server sum, server n, client sum, client n, hits, misses, errors)."""
    return queries.kind_sums(ctx.conn, ctx.time_range)


def load_times(
    ctx: ReportContext, sums: dict[str, tuple[Any, ...]] | None = None
) -> list[MediaLoadTime]:
    """Mean, p50, p95, p99 per kind and for all kinds, server and client apart."""
    sums = kind_sums(ctx) if sums is None else sums
    hist = {
        source: queries.histograms_by_scope(ctx.conn, ctx.time_range, "kind:", source)
        for source in ("server", "client")
    }
    out: list[MediaLoadTime] = []
    totals = [0.0] * 5
    merged = {"server": LatencyHistogram(), "client": LatencyHistogram()}
    for kind in sorted(sums):
        req, s_sum, s_n, c_sum, c_n = sums[kind][:5]
        for i, value in enumerate((req, s_sum, s_n, c_sum, c_n)):
            totals[i] += value or 0
        per_source = {}
        for source, (total, count) in (("server", (s_sum, s_n)), ("client", (c_sum, c_n))):
            counts = hist[source].get(f"kind:{kind}", LatencyHistogram())
            merged[source] = merged[source].merged(counts)
            per_source[source] = latency_stats(counts, total or 0.0, int(count or 0))
        if req or per_source["server"].samples or per_source["client"].samples:
            server, client = per_source["server"], per_source["client"]
            out.append(MediaLoadTime.of(kind, int(req or 0), server, client))
    if out:
        out.insert(
            0,
            MediaLoadTime.of(
                "all",
                int(totals[0]),
                latency_stats(merged["server"], totals[1], int(totals[2])),
                latency_stats(merged["client"], totals[3], int(totals[4])),
            ),
        )
    return out


def bandwidth(ctx: ReportContext, limit: int) -> BandwidthData:
    """Bytes served in the range: total, per day, per kind (kind_daily), top files."""
    daily: dict[str, list[int]] = {}
    by_type: dict[str, int] = {}
    for kind, day, nbytes, requests in queries.kind_day_bytes(ctx.conn, ctx.time_range):
        entry = daily.setdefault(day, [0, 0])
        entry[0] += nbytes
        entry[1] += requests
        by_type[kind] = by_type.get(kind, 0) + nbytes
    top = top_files(ctx, "bytes", ["bytes"], limit)
    files = file_rows(ctx.conn, [i for i, _r in top])
    total = sum(by_type.values())
    return BandwidthData(
        total_bytes=total,
        average_daily_bytes=total / days
        if (days := _days_of(ctx, min(daily, default=None)))
        else None,
        daily=[DayBytes(d, b, r) for d, (b, r) in sorted(daily.items())],
        by_type={k: v for k, v in sorted(by_type.items()) if v},
        top_files=[
            FileBandwidth(str(i), files[i].path, files[i].kind, files[i].size, r.bytes, r.requests)
            for i, r in top
            if i in files
        ],
    )


def _days_of(ctx: ReportContext, first_day: str | None) -> int:
    """The days a daily average divides by: the range's, counted whole (24h is one
    day, though it ends part way through this hour); for `all`, every day from the
    first with traffic to today. 0 when there was no traffic at all."""
    if first_day is None:
        return 0
    time_range = ctx.time_range
    if time_range.is_all:
        return (date.fromisoformat(time_range.last_day) - date.fromisoformat(first_day)).days + 1
    return max(1, math.ceil(round(time_range.days, 6)))


def cache_stats(
    ctx: ReportContext, limit: int, sums: dict[str, tuple[Any, ...]] | None = None
) -> CacheStats:
    """Hit rate overall and per kind, and the files most often served from origin."""
    sums = kind_sums(ctx) if sums is None else sums
    hits = sum(int(v[5] or 0) for v in sums.values())
    misses = sum(int(v[6] or 0) for v in sums.values())
    by_type = {
        kind: percent(v[5] or 0, (v[5] or 0) + (v[6] or 0))
        for kind, v in sorted(sums.items())
        if (v[5] or 0) + (v[6] or 0)
    }
    top = top_files(ctx, "human_events", ["cache_misses"], limit)
    files = file_rows(ctx.conn, [i for i, _r in top])
    uncached = [
        UncachedFile(
            str(i), files[i].path, files[i].kind, files[i].size, r.cache_misses, r.cache_hits,
            percent(r.cache_hits, r.cache_hits + r.cache_misses),
        )
        for i, r in top
        if i in files
    ]  # fmt: skip
    return CacheStats(percent(hits, hits + misses), hits, misses, by_type, uncached)


def slowest_files(ctx: ReportContext, limit: int, source: str = "server") -> list[SlowFile]:
    """The busiest files' p95 load time (all-time per-file histograms), slowest first.

    Candidates are the SLOW_CANDIDATES files with the most human requests of all time
    (the histograms are all-time too): a p95 from a handful of requests is noise, and the
    slow files that matter are the ones people ask for. Files need at least
    MIN_SLOW_SAMPLES samples of `source` time.
    """
    ids = queries.most_requested_files(ctx.conn, SLOW_CANDIDATES)
    rows = queries.file_histogram_rows(ctx.conn, ids, source)
    ranked = []
    for media_id, found in rows.items():
        hist = LatencyHistogram.from_rows(found)
        if hist.samples >= MIN_SLOW_SAMPLES:
            ranked.append((hist.percentile(0.95) or 0.0, hist.samples, media_id))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    ranked = ranked[:limit]
    files = file_rows(ctx.conn, [r[2] for r in ranked])
    return [
        SlowFile(str(i), files[i].path, files[i].kind, files[i].size, source, p95, samples)
        for p95, samples, i in ranked
        if i in files
    ]


def dashboard_performance(
    ctx: ReportContext, sums: dict[str, tuple[Any, ...]] | None = None
) -> DashboardPerformance:
    """The Performance Metrics box: average server and client load time (ms) and cache
    hit rate (%) over the range, with the images module's WebP usage and mobile figures."""
    from mediatop.analytics.images.report import dashboard_image_stats

    sums = kind_sums(ctx) if sums is None else sums
    s_sum = sum(v[1] or 0 for v in sums.values())
    s_n = sum(v[2] or 0 for v in sums.values())
    c_sum = sum(v[3] or 0 for v in sums.values())
    c_n = sum(v[4] or 0 for v in sums.values())
    hits = sum(v[5] or 0 for v in sums.values())
    misses = sum(v[6] or 0 for v in sums.values())
    images = dashboard_image_stats(ctx)
    return DashboardPerformance(
        s_sum / s_n if s_n else None,
        c_sum / c_n if c_n else None,
        percent(hits, hits + misses),
        images.web_p_usage,
        images.mobile_opt,
    )


def performance_report(ctx: ReportContext) -> PerformanceReport:
    """The seed's `performance` block: loadTimes, bandwidthUsage, cacheHitRate,
    compressionSavings; plus error rate, cache detail, the slowest files and misses."""
    limit = top_limit(ctx, 10)
    sums = kind_sums(ctx)
    cache = cache_stats(ctx, limit, sums)
    compression = compression_savings(ctx)
    requests = sum(v[0] or 0 for v in sums.values())
    errors = sum(v[7] or 0 for v in sums.values())
    slow = slowest_files(ctx, limit, "server") or slowest_files(ctx, limit, "client")
    return PerformanceReport(
        load_times=load_times(ctx, sums),
        bandwidth_usage=bandwidth(ctx, limit),
        cache_hit_rate=cache.hit_rate,
        compression_savings=compression.bytes_saved,
        error_rate=percent(errors, requests),
        cache=cache,
        compression=compression,
        slowest_files=slow,
        dashboard=dashboard_performance(ctx, sums),
        misses=miss_stats(ctx, limit),
    )
