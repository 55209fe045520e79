"""The videos report (the seed's VideoAnalytics) and one video's VideoEngagementAnalysis.

Views: a video's views are its player sessions started in the range when it has any
(player events are the richer source), else its views from the access log (the rollup
collapses a visitor's range requests into one view). Both counts are listed per video.

Abnormal drop-off: videos with at least MIN_SESSIONS sessions are banded by length
(< 1 min, 1–5 min, 5–20 min, ≥ 20 min); in a band holding at least MIN_BAND_VIDEOS such
videos, a video whose completion rate is below `median − max(1.5 × IQR, 10 points)` of
its band is flagged (a plain "1.5 IQR" rule flags everything below the median when the
band's rates are nearly equal, hence the 10-point floor).

Encoding and delivery (from probes, estimates where stated): see `video_delivery.py`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from mediatop.analytics._media_common import kind_load_time
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit
from mediatop.analytics.video.delivery import (
    DeliveryOptimization,
    EncodingEfficiency,
    StorageOptimization,
    delivery_optimization,
    encoding_efficiency,
    storage_optimization,
)
from mediatop.analytics.video.engagement import (
    Breakdown,
    DropOffPoint,
    EngagementHeatmap,
    FilePlays,
    RetentionPoint,
    SeekPattern,
    breakdown,
    drop_off_points,
    engagement_heatmap,
    play_totals,
    retention_curve,
    seek_patterns,
    session_totals,
)
from mediatop.store.queries.video import Scope, file_identity, video_files, video_totals

MIN_SESSIONS = 5
MIN_BAND_VIDEOS = 4
BANDS = ((60, "under 1 min"), (300, "1-5 min"), (1200, "5-20 min"), (float("inf"), "20 min+"))


@dataclass(frozen=True)
class VideoOverview:
    total_videos: int
    total_duration: float  # seconds
    total_size: int
    average_size: float | None
    total_views: int
    total_watch_time: float | None  # seconds; None when no player reported a session


@dataclass(frozen=True)
class VideoEngagementData:
    id: str
    filename: bytes
    type: str
    size: int
    duration: float | None
    views: int
    player_sessions: int
    log_views: int
    unique_viewers: int | None  # None (unknown) without player sessions, as watch_time
    watch_time: float | None
    average_watch_time: float | None
    completion_rate: float | None
    abnormal_drop_off: bool


@dataclass(frozen=True)
class AbnormalDropOff:
    id: str
    filename: bytes
    type: str
    size: int
    duration: float
    band: str
    completion_rate: float
    band_median: float
    threshold: float


@dataclass(frozen=True)
class VideoEngagement:
    average_view_duration: float | None  # seconds watched per session
    completion_rate: float | None
    drop_off_points: list[DropOffPoint]
    engagement_heatmap: list[EngagementHeatmap]
    most_watched_videos: list[VideoEngagementData]
    abnormal_drop_offs: list[AbnormalDropOff]


@dataclass(frozen=True)
class VideoPerformance:
    average_load_time: float | None  # ms
    load_time_source: str | None
    buffering_rate: float | None  # % of sessions that buffered at least once
    quality_distribution: list[Breakdown]
    device_performance: list[Breakdown]


@dataclass(frozen=True)
class VideoOptimization:
    encoding_efficiency: list[EncodingEfficiency]
    storage_optimization: StorageOptimization
    delivery_optimization: DeliveryOptimization


@dataclass(frozen=True)
class VideoAnalytics:
    overview: VideoOverview
    engagement: VideoEngagement
    performance: VideoPerformance
    optimization: VideoOptimization


@dataclass(frozen=True)
class VideoAnalysisOverview:
    total_views: int
    unique_viewers: int
    total_watch_time: float
    average_watch_time: float | None
    completion_rate: float | None


@dataclass(frozen=True)
class VideoAnalysisEngagement:
    drop_off_points: list[DropOffPoint]
    engagement_heatmap: list[EngagementHeatmap]
    seek_patterns: list[SeekPattern]
    quality_preferences: list[Breakdown]


@dataclass(frozen=True)
class VideoAudience:
    retention_curve: list[RetentionPoint]
    device_breakdown: list[Breakdown]
    geographic_distribution: list[Breakdown]


@dataclass(frozen=True)
class VideoEngagementAnalysis:
    id: str
    filename: bytes
    type: str
    size: int
    overview: VideoAnalysisOverview
    engagement: VideoAnalysisEngagement
    audience: VideoAudience


def _engagement_rows(ctx: ReportContext, plays: list[FilePlays]) -> list[VideoEngagementData]:
    files = video_files(ctx.conn, {p.id for p in plays})
    return [
        VideoEngagementData(
            str(p.id), files[p.id][0], "video", files[p.id][1], files[p.id][2], p.plays,
            p.sessions, p.log_views, p.known_viewers, p.known_watch_seconds,
            p.watch_seconds / p.sessions if p.sessions else None,
            percent(p.completed, p.sessions), False,
        )
        for p in plays
        if p.id in files
    ]  # fmt: skip


def abnormal_drop_offs(videos: list[VideoEngagementData]) -> list[AbnormalDropOff]:
    """Videos completed far less often than others of similar length (module docstring)."""
    banded: dict[str, list[VideoEngagementData]] = {}
    for v in videos:
        if v.player_sessions >= MIN_SESSIONS and v.duration and v.completion_rate is not None:
            band = next(label for limit, label in BANDS if v.duration < limit)
            banded.setdefault(band, []).append(v)
    flagged = []
    for band, members in banded.items():
        if len(members) < MIN_BAND_VIDEOS:
            continue
        rates = [v.completion_rate or 0.0 for v in members]
        q1, median, q3 = statistics.quantiles(rates, n=4, method="inclusive")
        threshold = median - max(1.5 * (q3 - q1), 10.0)
        for v in members:
            if (v.completion_rate or 0.0) < threshold:
                flagged.append(AbnormalDropOff(
                    v.id, v.filename, v.type, v.size, v.duration or 0.0, band,
                    v.completion_rate or 0.0, median, threshold,
                ))  # fmt: skip
    flagged.sort(key=lambda a: (a.completion_rate - a.threshold, int(a.id)))
    return flagged


def videos_report(ctx: ReportContext) -> VideoAnalytics:
    """The seed's VideoAnalytics over the report's range (see the module docstring)."""
    scope = Scope(kind="video")
    plays = play_totals(ctx, "video", top_limit(ctx))
    abnormal = abnormal_drop_offs(_engagement_rows(ctx, plays.with_sessions))
    flagged = {a.id for a in abnormal}
    watched = [v if v.id not in flagged else _flag(v) for v in _engagement_rows(ctx, plays.top)]
    totals = session_totals(ctx, scope)
    load = kind_load_time(ctx, "video")
    count, duration, size = video_totals(ctx.conn)
    return VideoAnalytics(
        overview=VideoOverview(
            count,
            duration,
            int(size),
            size / count if count else None,
            plays.total_plays,
            totals.watch_time if totals.sessions else None,
        ),
        engagement=VideoEngagement(
            totals.average_watch_time,
            totals.completion_rate,
            drop_off_points(ctx, scope),
            engagement_heatmap(ctx, scope),
            watched,
            abnormal,
        ),
        performance=VideoPerformance(
            load.mean_ms,
            load.source,
            percent(totals.buffered, totals.sessions),
            breakdown(ctx, scope, "quality"),
            breakdown(ctx, scope, "device"),
        ),
        optimization=VideoOptimization(
            encoding_efficiency(ctx)[: top_limit(ctx, 50)],
            storage_optimization(ctx),
            delivery_optimization(ctx),
        ),
    )


def _flag(v: VideoEngagementData) -> VideoEngagementData:
    return replace(v, abnormal_drop_off=True)


def video_engagement(ctx: ReportContext, video_id: int) -> VideoEngagementAnalysis:
    """The seed's VideoEngagementAnalysis for one file (raises LookupError if unknown)."""
    row = file_identity(ctx.conn, video_id)
    if row is None:
        raise LookupError(f"no file with id {video_id}")
    scope = Scope(video_id=video_id)
    totals = session_totals(ctx, scope)
    return VideoEngagementAnalysis(
        str(video_id), row[0], row[1], row[2],
        VideoAnalysisOverview(totals.sessions, totals.unique_viewers, totals.watch_time,
                              totals.average_watch_time, totals.completion_rate),
        VideoAnalysisEngagement(drop_off_points(ctx, scope), engagement_heatmap(ctx, scope),
                                seek_patterns(ctx, scope), breakdown(ctx, scope, "quality")),
        VideoAudience(retention_curve(ctx, scope), breakdown(ctx, scope, "device"),
                      breakdown(ctx, scope, "country")),
    )  # fmt: skip
