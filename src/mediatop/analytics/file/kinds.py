"""One file's analysis by its kind, carried by `report file` beside its common figures.

- an image: the seed's ImagePerformanceAnalysis;
- a video: the seed's VideoEngagementAnalysis (`video.video_engagement`) and
  DeliveryOptimizationPlan;
- a document: the seed's DocumentInsights.

Definitions (the README's "One file by its kind" says the same to users):
- load time: the file's mean client time (Resource Timing beacons) over the range when
  it has any, else its mean server time (`$request_time`); `loadTimeSource` says which.
- compressionRatio: file bytes ÷ decoded bytes (width × height × bytes per pixel of the
  mode), as the images report's; responsiveEffectiveness: % of the image's usage
  locations (with a known answer) that serve it responsively (srcset/sizes, <picture>).
- an image's potentialSavings: the largest measured saving of its resize and format
  opportunities; 0 once a re-encoding is measured and none saves; None before any is.
- a document's previews are its views (tracked `view` events: a document request in
  the log is a download), totalAccesses = downloads + previews; downloadSuccessRate =
  % of its human requests answered below 400; userTypes are its uses by known user,
  anonymous visitor and crawler (usage_breakdown's user_type).
- popularityTrend: accesses per day of the range; `change` compares the second half of
  those days with the first, in % (None when the first half has none).
- a video's delivery: its container formats and heights with those of its lower-
  resolution versions (`video_delivery.ladder_key`); storageSavings is the ESTIMATE of
  re-encoding at the recommended bitrate (0 when its bitrate is not too high).

Fields the store cannot know are None: a document's previewLoadTime (no viewer reports
how long it took to render), a video's loadTimeReduction and bufferingReduction (no
other delivery of it is ever measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent
from mediatop.analytics.usage.report import MediaUsageData
from mediatop.model import MediaFile
from mediatop.store.queries.files import responsive_places

if TYPE_CHECKING:
    from mediatop.analytics.file.report import (
        Breakdown,
        DayTraffic,
        FileEngagement,
        FilePerformance,
    )
    from mediatop.analytics.images.opportunities import OptimizationOpportunity
    from mediatop.analytics.video.delivery import DeliveryOptimizationPlan
    from mediatop.analytics.video.report import VideoEngagementAnalysis


@dataclass(frozen=True)
class LoadTime:
    ms: float | None
    source: str | None  # 'client' | 'server' | None


def load_time(performance: FilePerformance) -> LoadTime:
    """Client time when beacons timed the file in the range, else server time."""
    if performance.average_client_time_ms is not None:
        return LoadTime(performance.average_client_time_ms, "client")
    if performance.average_server_time_ms is not None:
        return LoadTime(performance.average_server_time_ms, "server")
    return LoadTime(None, None)


@dataclass(frozen=True)
class ImageDetails:
    id: str
    filename: bytes
    format: str | None
    width: int | None
    height: int | None
    mode: str | None
    size: int


@dataclass(frozen=True)
class ImageFilePerformance:
    load_time: float | None  # ms
    load_time_source: str | None
    cache_hit_rate: float | None
    compression_ratio: float | None
    responsive_effectiveness: float | None


@dataclass(frozen=True)
class ImageFileOptimization:
    current_size: int
    optimized_size: int | None
    potential_savings: int | None
    recommendations: list[str]


@dataclass(frozen=True)
class ImagePerformanceAnalysis:
    image: ImageDetails
    usage: MediaUsageData
    performance: ImageFilePerformance
    optimization: ImageFileOptimization


def _responsive_share(ctx: ReportContext, file_id: int) -> float | None:
    """% of the image's usage locations, of those that say, that are responsive."""
    yes, said = responsive_places(ctx.conn, file_id)
    return percent(yes, said)


def _advice(item: OptimizationOpportunity) -> str:
    what = {
        "resize": "resize",
        "format": f"convert to {item.recommended_format}",
        "cleanup": "remove unused generated sizes",
    }.get(item.type, item.type)
    saving = (
        "saving not measured yet"
        if item.potential_savings is None
        else (f"saves {item.potential_savings} bytes")
    )
    return f"{what}: {saving}" + (f" ({item.reason})" if item.reason else "")


def image_performance(
    ctx: ReportContext,
    media: MediaFile,
    usage: MediaUsageData,
    performance: FilePerformance,
    opportunities: list[OptimizationOpportunity],
) -> ImagePerformanceAnalysis:
    """The seed's analyzeImagePerformance for one image (module docstring)."""
    from mediatop.store.measurements import cached_measurements
    from mediatop.store.queries.image_facts import load_image_facts

    probe = media.probe
    facts = load_image_facts(ctx.conn, [media.id])
    decoded = facts[0].decoded_bytes if facts else None
    measured = [
        o.potential_savings
        for o in opportunities
        if o.type in ("resize", "format") and o.measured and o.potential_savings is not None
    ]
    savings: int | None = max(measured, default=None)
    if savings is None and cached_measurements(ctx.conn, [media.id]):
        savings = 0  # measured, and no re-encoding saves anything
    timing = load_time(performance)
    return ImagePerformanceAnalysis(
        ImageDetails(
            str(media.id),
            media.path,
            probe.format,
            probe.width,
            probe.height,
            probe.mode,
            media.size,
        ),
        usage,
        ImageFilePerformance(
            timing.ms,
            timing.source,
            performance.cache_hit_rate,
            media.size / decoded if decoded else None,
            _responsive_share(ctx, media.id),
        ),
        ImageFileOptimization(
            media.size,
            None if savings is None else media.size - savings,
            savings,
            [_advice(o) for o in opportunities],
        ),
    )


@dataclass(frozen=True)
class DayAccesses:
    date: str
    accesses: int


@dataclass(frozen=True)
class PopularityTrend:
    daily: list[DayAccesses]
    first_half: int
    second_half: int
    change: float | None  # % from the first half of the days to the second


@dataclass(frozen=True)
class DocumentDetails:
    id: str
    filename: bytes
    format: str
    size: int
    pages: int | None
    title: str | None
    searchable: bool | None  # its text can be read (documents report's definition)


@dataclass(frozen=True)
class DocumentUsage:
    total_accesses: int
    downloads: int
    previews: int
    shares: int
    popularity_trend: PopularityTrend


@dataclass(frozen=True)
class DocumentPerformance:
    average_download_time: float | None  # ms
    download_time_source: str | None
    download_success_rate: float | None
    preview_load_time: float | None  # never recorded: None (module docstring)


@dataclass(frozen=True)
class DocumentAudience:
    user_types: list[Breakdown]
    access_sources: list[Breakdown]
    device_breakdown: list[Breakdown]


@dataclass(frozen=True)
class DocumentInsights:
    document: DocumentDetails
    usage: DocumentUsage
    performance: DocumentPerformance
    audience: DocumentAudience
    optimization: list[str]


def popularity_trend(traffic: list[DayTraffic]) -> PopularityTrend:
    """Accesses (views + downloads) per day, and the second half of the days against
    the first (the middle day of an odd count goes to the second)."""
    daily = [DayAccesses(day.date, day.views + day.downloads) for day in traffic]
    middle = len(daily) // 2
    first = sum(d.accesses for d in daily[:middle])
    second = sum(d.accesses for d in daily[middle:])
    change = (second - first) * 100.0 / first if first else None
    return PopularityTrend(daily, first, second, change)


def _searchable(media: MediaFile) -> bool | None:
    from mediatop.analytics.documents.searchability import TEXT_FORMATS

    if media.ext.lower() in TEXT_FORMATS:
        return True
    if media.ext.lower() == ".pdf":
        return media.probe.has_text_layer
    return False


def document_insights(
    media: MediaFile,
    engagement: FileEngagement,
    performance: FilePerformance,
    traffic: list[DayTraffic],
    audience: DocumentAudience,
    recommendations: list[str],
) -> DocumentInsights:
    """The seed's getDocumentInsights for one document (module docstring)."""
    timing = load_time(performance)
    answered = performance.requests - performance.errors
    return DocumentInsights(
        DocumentDetails(
            str(media.id),
            media.path,
            media.ext.lstrip(".").upper(),
            media.size,
            media.probe.pages,
            media.probe.title,
            _searchable(media),
        ),
        DocumentUsage(
            engagement.downloads + engagement.views,
            engagement.downloads,
            engagement.views,
            engagement.shares,
            popularity_trend(traffic),
        ),
        DocumentPerformance(
            timing.ms, timing.source, percent(answered, performance.requests), None
        ),
        audience,
        recommendations,
    )


@dataclass(frozen=True)
class KindAnalyses:
    """What `report file` carries for the file's kind; the others stay None."""

    image_performance: ImagePerformanceAnalysis | None = None
    video_engagement: VideoEngagementAnalysis | None = None
    delivery_optimization: DeliveryOptimizationPlan | None = None
    document_insights: DocumentInsights | None = None


def kind_analyses(ctx: ReportContext, media: MediaFile, common: dict[str, Any]) -> KindAnalyses:
    """The analyses of `media`'s kind, from the file report's `common` parts (usage,
    performance, engagement, traffic, optimization, recommendations, audience)."""
    if media.kind == "image":
        image = image_performance(
            ctx, media, common["usage"], common["performance"], common["optimization"]
        )
        return KindAnalyses(image_performance=image)
    if media.kind == "video":
        from mediatop.analytics.video.delivery import delivery_plan
        from mediatop.analytics.video.engagement import session_totals
        from mediatop.analytics.video.report import video_engagement
        from mediatop.store.queries.video import Scope

        totals = session_totals(ctx, Scope(video_id=media.id))
        buffering = percent(totals.buffered, totals.sessions)
        return KindAnalyses(
            video_engagement=video_engagement(ctx, media.id),
            delivery_optimization=delivery_plan(
                ctx, media, load_time(common["performance"]), buffering
            ),
        )
    if media.kind == "document":
        document = document_insights(
            media,
            common["engagement"],
            common["performance"],
            common["traffic"],
            common["audience"],
            common["recommendations"],
        )
        return KindAnalyses(document_insights=document)
    return KindAnalyses()
