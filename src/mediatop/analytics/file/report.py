"""Everything about one file: the seed's `/{id}`, `/{id}/usage` and `/{id}/engagement`.

`file_report(ctx)` answers for the file named by the option `file` (an id or a path
relative to the root); an unknown file raises LookupError. It also carries the analysis
of the file's kind (`file_kinds`): an image's ImagePerformanceAnalysis, a video's
VideoEngagementAnalysis and DeliveryOptimizationPlan, a document's DocumentInsights;
the keys of the other kinds are None. `exactCopies` lists the other present files with
exactly its content, once the duplicates report has hashed them. It reads the file's own
rollup rows (indexed by media_id), its all-time latency histogram, usage_breakdown and
video_sessions; never the raw events.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mediatop.analytics._rollups import LatencyStats, latency_stats
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, ts_to_datetime
from mediatop.analytics.file.recommend import file_recommendations
from mediatop.analytics.jsonable import camel
from mediatop.analytics.library.lookup import find_file
from mediatop.analytics.usage.report import MediaUsageData, usage_data
from mediatop.analytics.usage.unused import UnusedFile, unused_for_file
from mediatop.model import MediaFile, ProbeResult
from mediatop.store.queries import files as queries
from mediatop.store.queries.browse import exact_copies
from mediatop.store.queries.performance import histogram
from mediatop.store.queries.rollups import MediaUsageLocation, locations_for

if TYPE_CHECKING:
    from mediatop.analytics.file.kinds import DocumentInsights, ImagePerformanceAnalysis
    from mediatop.analytics.video.delivery import DeliveryOptimizationPlan
    from mediatop.analytics.video.report import VideoEngagementAnalysis


@dataclass(frozen=True)
class FileMetadata:
    """What the store knows about the file itself: identity, upload and every probe field."""

    path: bytes
    group_path: bytes
    variant: str | None
    mime: str
    ext: str
    size: int
    uploaded_at: datetime
    uploaded_source: str
    first_seen: datetime
    deleted_at: datetime | None
    quarantined_at: datetime | None  # moved by a cleanup, which `cleanup undo` can undo
    probed_at: datetime | None
    probe: dict[str, Any]


@dataclass(frozen=True)
class DayTraffic:
    date: str
    requests: int
    views: int
    downloads: int
    clicks: int
    shares: int
    errors: int
    bot_requests: int
    bytes: int


@dataclass(frozen=True)
class FilePerformance:
    """Range figures from the daily rollup; percentiles from the all-time histogram."""

    requests: int
    bot_requests: int
    errors: int
    error_rate: float | None
    not_modified: int
    bandwidth_bytes: int
    cache_hit_rate: float | None
    average_server_time_ms: float | None
    average_client_time_ms: float | None
    server_all_time: LatencyStats
    client_all_time: LatencyStats


@dataclass(frozen=True)
class FileEngagement:
    """The seed's MediaEngagement plus click-through and, for videos, session figures.

    Rates are percentages of views (None without views); completion rate is the share
    of video sessions started in the range that completed.
    """

    views: int
    clicks: int
    shares: int
    downloads: int
    average_view_time: float | None
    interaction_rate: float | None
    click_through_rate: float | None
    sessions: int | None
    completion_rate: float | None


@dataclass(frozen=True)
class Breakdown:
    value: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class ExactCopy:
    """Another present file with exactly this one's content."""

    id: str
    filename: bytes
    size: int


@dataclass(frozen=True)
class FileUsage:
    id: str
    filename: bytes
    type: str
    size: int
    usage: MediaUsageData
    used_in: list[MediaUsageLocation]
    traffic: list[DayTraffic]
    unused: UnusedFile | None


@dataclass(frozen=True)
class FileReport:
    """The seed's MediaInsights for one file (usage, performance, engagement,
    recommendations, optimization), with its metadata, traffic and breakdowns."""

    id: str
    filename: bytes
    type: str
    size: int
    metadata: FileMetadata
    usage: MediaUsageData
    used_in: list[MediaUsageLocation]
    exact_copies: list[ExactCopy]
    traffic: list[DayTraffic]
    performance: FilePerformance
    engagement: FileEngagement
    optimization: list[Any]
    unused: UnusedFile | None
    devices: list[Breakdown]
    referrers: list[Breakdown]
    countries: list[Breakdown]
    recommendations: list[str]
    image_performance: ImagePerformanceAnalysis | None
    video_engagement: VideoEngagementAnalysis | None
    delivery_optimization: DeliveryOptimizationPlan | None
    document_insights: DocumentInsights | None


def _metadata(media: MediaFile) -> FileMetadata:
    probe: dict[str, Any] = {
        camel(f.name): getattr(media.probe, f.name)
        for f in fields(ProbeResult)
        if f.name != "extra"
    }
    probe.update(media.probe.extra)
    return FileMetadata(
        path=media.path,
        group_path=media.group_path,
        variant=media.variant,
        mime=media.mime,
        ext=media.ext,
        size=media.size,
        uploaded_at=ts_to_datetime(media.uploaded_at),  # type: ignore[arg-type]
        uploaded_source=media.uploaded_source,
        first_seen=ts_to_datetime(media.first_seen),  # type: ignore[arg-type]
        deleted_at=ts_to_datetime(media.deleted_at),
        quarantined_at=ts_to_datetime(media.quarantined_at),
        probed_at=ts_to_datetime(media.probed_at),
        probe=probe,
    )


def _days(ctx: ReportContext, file_id: int) -> list[tuple[Any, ...]]:
    """The file's rollup sums in the range, by day (a partial day: its hours in the range)."""
    return queries.file_days(ctx.conn, ctx.time_range, file_id)


def _traffic(ctx: ReportContext, rows: list[tuple[Any, ...]]) -> list[DayTraffic]:
    """One entry per day of the range (zeros included); `all` starts at the first data day."""
    by_day = {r[0]: DayTraffic(*r[:9]) for r in rows}
    first = date.fromisoformat(ctx.time_range.first_day)
    if ctx.time_range.is_all:
        if not rows:
            return []
        first = date.fromisoformat(rows[0][0])
    last = date.fromisoformat(ctx.time_range.last_day)
    out, day = [], first
    while day <= last:
        key = day.isoformat()
        out.append(by_day.get(key) or DayTraffic(key, 0, 0, 0, 0, 0, 0, 0, 0))
        day += timedelta(days=1)
    return out


def _performance(ctx: ReportContext, file_id: int, rows: list[tuple[Any, ...]]) -> FilePerformance:
    totals = [sum(r[i] or 0 for r in rows) for i in range(1, 16)]
    (requests, _views, _dl, _clicks, _shares, errors, bots, nbytes, not_mod,
     hits, misses, s_sum, s_n, c_sum, c_n) = totals  # fmt: skip
    scope = f"file:{file_id}"
    # The per-file histogram is all-time only, so the all-time sums go with it.
    all_time = queries.all_time_latency_sums(ctx.conn, file_id)
    return FilePerformance(
        requests=int(requests),
        bot_requests=int(bots),
        errors=int(errors),
        error_rate=percent(errors, requests),
        not_modified=int(not_mod),
        bandwidth_bytes=int(nbytes),
        cache_hit_rate=percent(hits, hits + misses),
        average_server_time_ms=s_sum / s_n if s_n else None,
        average_client_time_ms=c_sum / c_n if c_n else None,
        server_all_time=latency_stats(
            histogram(ctx.conn, scope, "server", None), all_time[0] or 0.0, int(all_time[1] or 0)
        ),
        client_all_time=latency_stats(
            histogram(ctx.conn, scope, "client", None), all_time[2] or 0.0, int(all_time[3] or 0)
        ),
    )


def file_engagement(ctx: ReportContext, file_id: int) -> FileEngagement:
    """The seed's `/{id}/engagement`: views, clicks, shares, downloads and their rates."""
    views, clicks, shares, downloads = queries.use_sums(ctx.conn, ctx.time_range, file_id)
    sessions, completed, watch = queries.session_sums(ctx.conn, ctx.time_range, file_id)
    video = queries.is_video(ctx.conn, file_id) or sessions > 0
    return FileEngagement(
        views=views,
        clicks=clicks,
        shares=shares,
        downloads=downloads,
        average_view_time=float(watch) if video and watch is not None else None,
        interaction_rate=percent(clicks + shares + downloads, views),
        click_through_rate=percent(clicks, views),
        sessions=int(sessions) if video else None,
        completion_rate=percent(completed, sessions) if video else None,
    )


def _breakdown(
    ctx: ReportContext, file_id: int, dimension: str, limit: int = 10
) -> list[Breakdown]:
    """The file's uses in the range by one usage_breakdown dimension, largest first
    (usage_breakdown is per day only: the range's partial first and last days count whole)."""
    rows = queries.breakdown(ctx.conn, ctx.time_range, file_id, dimension)
    total = sum(n for _v, n in rows)
    return [Breakdown(v, n, percent(n, total)) for v, n in rows[:limit]]


def image_optimization_for(ctx: ReportContext, file_id: int) -> list[Any]:
    """The images module's resize/format/cleanup opportunities for this file (images only)."""
    from mediatop.analytics.images.report import image_opportunities_for

    return list(image_opportunities_for(ctx, file_id))


def resolve_file(ctx: ReportContext) -> MediaFile:
    """The file the option `file` names (id or path); LookupError when there is none."""
    wanted = ctx.options.get("file")
    if not wanted:
        raise LookupError("no file given: pass --file ID|PATH")
    root = str(ctx.settings.root.resolve())
    if wanted.startswith(root + "/"):
        wanted = wanted[len(root) + 1 :]
    return find_file(ctx.conn, wanted)


def file_usage(ctx: ReportContext, file_id: int) -> FileUsage:
    """The seed's `/{id}/usage`: usage figures, places used, traffic per day, unused evidence."""
    found = usage_data(ctx, [file_id], 1)
    if not found:
        raise LookupError(f"no file {file_id} in the store")
    usage = found[0]
    places = locations_for(ctx.conn, [file_id]).get(file_id, [])
    return FileUsage(
        id=usage.id,
        filename=usage.filename,
        type=usage.type,
        size=usage.size,
        usage=usage,
        used_in=places,
        traffic=_traffic(ctx, _days(ctx, file_id)),
        unused=unused_for_file(ctx, file_id),
    )


def file_report(ctx: ReportContext) -> FileReport:
    """The seed's `/{id}` (MediaInsights) for the file named by the option `file`."""
    media = resolve_file(ctx)
    rows = _days(ctx, media.id)
    (usage,) = usage_data(ctx, [media.id], 1)
    performance = _performance(ctx, media.id, rows)
    engagement = file_engagement(ctx, media.id)
    unused = unused_for_file(ctx, media.id)
    optimization = image_optimization_for(ctx, media.id)
    from mediatop.analytics.file.kinds import DocumentAudience, kind_analyses

    devices = _breakdown(ctx, media.id, "device")
    referrers = _breakdown(ctx, media.id, "referrer")
    traffic = _traffic(ctx, rows)
    recommendations = file_recommendations(
        ctx, media, usage, performance, engagement, unused, optimization, devices
    )
    audience = None
    if media.kind == "document":
        audience = DocumentAudience(_breakdown(ctx, media.id, "user_type"), referrers, devices)
    by_kind = kind_analyses(ctx, media, {
        "usage": usage, "performance": performance, "engagement": engagement,
        "traffic": traffic, "optimization": optimization, "audience": audience,
        "recommendations": recommendations,
    })  # fmt: skip
    return FileReport(
        id=str(media.id),
        filename=media.path,
        type=str(media.kind),
        size=media.size,
        metadata=_metadata(media),
        usage=usage,
        used_in=usage.used_in,
        exact_copies=[
            ExactCopy(str(c.id), c.path, c.size) for c in exact_copies(ctx.conn, media.id)
        ],
        traffic=traffic,
        performance=performance,
        engagement=engagement,
        optimization=optimization,
        unused=unused,
        devices=devices,
        referrers=referrers,
        countries=_breakdown(ctx, media.id, "country"),
        recommendations=recommendations,
        image_performance=by_kind.image_performance,
        video_engagement=by_kind.video_engagement,
        delivery_optimization=by_kind.delivery_optimization,
        document_insights=by_kind.document_insights,
    )
