"""The images report (the seed's ImageAnalytics) and the dashboard's image figures.

Definitions (all over present images; usage figures over the report's range, from the
daily rollup):
- compressionRatio: mean over images with known dimensions and mode of
  `file bytes ÷ decoded bytes` (width × height × bytes per pixel of the mode).
- compressionSavings: bytes the measured WebP/AVIF re-encodings would save, summed over
  the images with a worthwhile format opportunity (measured ones only).
- webPAdoption: % of image files stored as WebP or AVIF.
- responsiveUsage: % of image usage locations (with a known answer) that are responsive
  (srcset/sizes or <picture>).
- lazyLoadingEffectiveness: % of non-featured image locations that lazy-load; featured
  images are usually above the fold, where lazy-loading would delay them.
- Engagement per file (CTR, engagement rate, popularity score): see `image_usage`.
- Savings are measured before the report, by the measurement step
  (`mediatop.measure.for_reports`, option `measure`); the report reads what is stored
  and shows what that step did (`measuredNow`, `failed`).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from mediatop.analytics._media_common import kind_load_time, kind_uses_total, last_30_days
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit
from mediatop.analytics.images.facts import FormatCensus, image_census
from mediatop.analytics.images.library_pass import library_optimization
from mediatop.analytics.images.opportunities import (
    OptimizationOpportunity,
    OversizedImageData,
    UnoptimizedImageData,
    cleanup_opportunities,
    image_optimization,
    rank,
    with_requests,
)
from mediatop.analytics.images.usage import ImageUsage, image_usage
from mediatop.analytics.library.facts import library_fact
from mediatop.encode_plan import avif_supported
from mediatop.store.measurements import cached_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths
from mediatop.store.queries.images import location_rate_counts, modern_image_requests
from mediatop.store.queries.media import requests_by_file

MODERN_FORMATS = ("WEBP", "AVIF")


@dataclass(frozen=True)
class FormatShare:
    format: str
    count: int
    size: int
    percentage: float | None


@dataclass(frozen=True)
class ImageOverview:
    total_images: int
    total_size: int
    average_size: float | None
    compression_ratio: float | None
    format_distribution: list[FormatShare]


@dataclass(frozen=True)
class ImagePerformance:
    average_load_time: float | None  # ms
    load_time_source: str | None  # 'client' | 'server' | None
    compression_savings: int  # bytes, measured
    web_p_adoption: float | None  # % of image files
    responsive_usage: float | None  # % of image locations
    lazy_loading_effectiveness: float | None  # % of non-featured image locations


@dataclass(frozen=True)
class MeasurementStatus:
    """How complete the measured savings are."""

    images_with_targets: int
    fully_measured: int
    measured_now: int
    failed: int


@dataclass(frozen=True)
class ImageOptimization:
    oversized_images: list[OversizedImageData]
    unoptimized_images: list[UnoptimizedImageData]
    conversion_opportunities: list[OptimizationOpportunity]
    measurement: MeasurementStatus


@dataclass(frozen=True)
class ImageAnalytics:
    overview: ImageOverview
    performance: ImagePerformance
    usage: ImageUsage
    optimization: ImageOptimization


@dataclass(frozen=True)
class DashboardImageStats:
    """The dashboard's Performance box image figures.

    web_p_usage: % of human image requests in the range that were for WebP/AVIF files
    (None without image requests). mobile_opt: % of image usage locations that serve the
    image responsively (srcset/sizes or <picture>), None without locations that say.
    """

    web_p_usage: float | None
    mobile_opt: float | None


def _location_rates(ctx: ReportContext) -> tuple[float | None, float | None]:
    """(responsive %, lazy % of non-featured) over image usage locations (a library fact)."""
    rates = library_fact(ctx, "image_location_rates", lambda: _count_location_rates(ctx))
    return rates[0], rates[1]


def _count_location_rates(ctx: ReportContext) -> tuple[float | None, float | None]:
    responsive, said_responsive, lazy, said_lazy = location_rate_counts(ctx.conn)
    return percent(responsive, said_responsive), percent(lazy, said_lazy)


def dashboard_image_stats(ctx: ReportContext) -> DashboardImageStats:
    """WebP usage (share of image requests) and Mobile Opt (share of responsive locations)."""
    modern = modern_image_requests(ctx.conn, ctx.time_range)
    responsive, _ = _location_rates(ctx)
    total = kind_uses_total(ctx, "image", "requests")
    return DashboardImageStats(percent(modern, total), responsive)


def _overview(census: list[FormatCensus]) -> ImageOverview:
    """Counts, sizes, mean compression ratio and formats of present images."""
    count = sum(c.count for c in census)
    total = int(sum(c.size for c in census))
    ratios = sum(c.ratios for c in census)
    distribution = [FormatShare(c.format, c.count, int(c.size), percent(c.count, count))
                    for c in census]  # fmt: skip
    return ImageOverview(
        count, total, total / count if count else None,
        sum(c.ratio_sum for c in census) / ratios if ratios else None, distribution,
    )  # fmt: skip


def _measurement_status(
    census: list[FormatCensus], complete: int, measured_now: int, failed: int
) -> MeasurementStatus:
    """How many images have re-encodings to measure, and how many have all of them."""
    formats = {"JPEG", "PNG", "GIF", "BMP", "TIFF", *(["WEBP"] if avif_supported() else [])}
    with_targets = sum(c.still for c in census if c.format in formats)
    return MeasurementStatus(with_targets, complete, measured_now, failed)


def images_report(ctx: ReportContext) -> ImageAnalytics:
    """The seed's ImageAnalytics for the report's range (see the module docstring)."""
    measured_now, failed = ctx.measured.savings_measured, ctx.measured.savings_failed
    window = last_30_days(ctx)
    top = top_limit(ctx, 50)
    census = library_fact(
        ctx,
        "format_census",  # named anew when its rows lost the flagged ids
        lambda: image_census(ctx.conn),
        encode=lambda found: [astuple(c) for c in found],
        decode=lambda rows: [FormatCensus(*row) for row in rows],
    )
    found = library_optimization(ctx, window, top)
    opportunities = rank([*found.opportunities, *cleanup_opportunities(ctx, limit=top).top])
    load = kind_load_time(ctx, "image")
    responsive, lazy = _location_rates(ctx)
    overview = _overview(census)
    modern = sum(s.count for s in overview.format_distribution if s.format in MODERN_FORMATS)
    return ImageAnalytics(
        overview=overview,
        performance=ImagePerformance(
            load.mean_ms,
            load.source,
            found.library.formats.total,
            percent(modern, overview.total_images),
            responsive,
            lazy,
        ),
        usage=image_usage(ctx),
        optimization=ImageOptimization(
            with_requests(ctx.conn, found.oversized, window),
            with_requests(ctx.conn, found.unoptimized, window),
            with_requests(ctx.conn, opportunities[:top], window),
            _measurement_status(census, found.library.complete, measured_now, failed),
        ),
    )


def image_opportunities_for(ctx: ReportContext, file_id: int) -> list[OptimizationOpportunity]:
    """Resize/format/cleanup opportunities of one image, from cached measurements only."""
    facts = load_image_facts(ctx.conn, [file_id])
    if not facts:
        return []
    item = facts[0]
    widths = max_display_widths(ctx.conn, [file_id])
    requests = requests_by_file(ctx.conn, *last_30_days(ctx), ids=[file_id])
    found = image_optimization(facts, widths, cached_measurements(ctx.conn, [file_id]), requests)
    return rank([*found.opportunities, *cleanup_opportunities(ctx, [item.group_path]).top])
