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
- Engagement per file: clickThroughRate = clicks ÷ views × 100, engagementRate =
  (clicks + shares + downloads) ÷ views × 100; both None when views = 0.
  popularityScore = views + 5 × clicks + 10 × shares: a click or a share says more than
  a view, a share most (it brings new visitors).
- Savings are measured (see `savings.py`). Option `measure`: 'cached' (use only what is
  cached), 'all' (measure every missing one now), or a number N (default 16): measure
  the N most requested images that lack measurements, starting no new encode after
  MEASURE_BUDGET_S seconds (the rest wait for the next run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mediatop.analytics._media_common import (
    days,
    kind_load_time,
    last_30_days,
    percent,
    requests_by_file,
    rollup_totals,
    top_limit,
)
from mediatop.analytics.context import ReportContext
from mediatop.analytics.image_facts import (
    ImageFacts,
    load_image_facts,
    max_display_widths,
    plan_targets,
)
from mediatop.analytics.image_opportunities import (
    OptimizationOpportunity,
    OversizedImageData,
    UnoptimizedImageData,
    best_format,
    cleanup_opportunities,
    image_optimization,
    rank,
)
from mediatop.analytics.savings import Measurement, cached_measurements, measure_savings

DEFAULT_MEASURE = "16"
MEASURE_BUDGET_S = 10.0
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
class ImageUsageData:
    """One image's engagement over the range (the seed's ImageEngagement per file)."""

    id: str
    filename: bytes
    type: str
    size: int
    views: int
    clicks: int
    shares: int
    downloads: int
    click_through_rate: float | None
    engagement_rate: float | None
    popularity_score: int


@dataclass(frozen=True)
class FeaturedImageData:
    id: str
    filename: bytes
    type: str
    size: int
    featured_in: int  # locations using it as the featured image
    views: int
    clicks: int
    click_through_rate: float | None


@dataclass(frozen=True)
class GalleryPerformanceData:
    location_type: str
    location_id: str
    title: str | None
    url: str | None
    images: int
    views: int
    clicks: int
    average_views_per_image: float | None
    click_through_rate: float | None


@dataclass(frozen=True)
class ImageUsage:
    most_viewed_images: list[ImageUsageData]
    featured_images: list[FeaturedImageData]
    gallery_performance: list[GalleryPerformanceData]


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


def engagement(item: ImageFacts, counts: tuple[int, int, int, int, int]) -> ImageUsageData:
    """Engagement figures of one image from (requests, views, clicks, shares, downloads)."""
    _, views, clicks, shares_, downloads = counts
    return ImageUsageData(
        str(item.id), item.path, "image", item.size, views, clicks, shares_, downloads,
        percent(clicks, views), percent(clicks + shares_ + downloads, views),
        views + 5 * clicks + 10 * shares_,
    )  # fmt: skip


def _location_rates(ctx: ReportContext) -> tuple[float | None, float | None]:
    """(responsive %, lazy % of non-featured) over image usage locations."""
    row = ctx.conn.execute(
        "SELECT SUM(u.is_responsive = 1), COUNT(u.is_responsive), "
        "SUM(u.is_lazy = 1 AND u.usage != 'featured'), "
        "COUNT(CASE WHEN u.usage != 'featured' THEN u.is_lazy END) "
        "FROM usage_locations u JOIN media_files f ON f.id = u.media_id "
        "WHERE f.kind = 'image' AND f.deleted_at IS NULL"
    ).fetchone()
    return percent(row[0] or 0, row[1] or 0), percent(row[2] or 0, row[3] or 0)


def dashboard_image_stats(ctx: ReportContext) -> DashboardImageStats:
    """WebP usage (share of image requests) and Mobile Opt (share of responsive locations)."""
    first, last = days(ctx)
    row = ctx.conn.execute(
        "SELECT SUM(m.requests), SUM(CASE WHEN f.format IN ('WEBP', 'AVIF') "
        "THEN m.requests ELSE 0 END) FROM media_performance_metrics m "
        "JOIN media_files f ON f.id = m.media_id "
        "WHERE f.kind = 'image' AND m.date BETWEEN ? AND ?",
        (first, last),
    ).fetchone()
    responsive, _ = _location_rates(ctx)
    return DashboardImageStats(percent(row[1] or 0, row[0] or 0), responsive)


def _measure_limit(ctx: ReportContext) -> int | None:
    """How many images to measure now: None = all, 0 = none (cached only)."""
    value = str(ctx.options.get("measure", DEFAULT_MEASURE)).strip().lower()
    if value == "all":
        return None
    if value == "cached":
        return 0
    return max(0, int(value))


def _measure_missing(
    ctx: ReportContext,
    facts: list[ImageFacts],
    widths: dict[int, int],
    cached: dict[int, dict[str, Measurement]],
    requests: dict[int, int],
) -> tuple[int, int]:
    """Measure the most requested images lacking measurements; (targets measured, failed)."""
    limit = _measure_limit(ctx)
    missing = [
        f for f in facts
        if any(t.name not in cached.get(f.id, {}) for t in plan_targets(f, widths.get(f.id)))
    ]  # fmt: skip
    missing.sort(key=lambda f: (-requests.get(f.id, 0), -f.size, f.id))
    chosen = missing if limit is None else missing[:limit]
    if not chosen:
        return 0, 0
    from mediatop.store.connection import connect

    writer = connect(ctx.settings.db_path)  # the report's own connection may be read-only
    try:
        summary = measure_savings(
            writer, ctx.settings.root, [f.id for f in chosen],
            budget_s=None if limit is None else MEASURE_BUDGET_S,
            now=int(ctx.now.timestamp()),
        )  # fmt: skip
    finally:
        writer.close()
    for m in summary.results:
        cached.setdefault(m.media_id, {})[m.target] = m
    return summary.measured, summary.failed


def _usage(ctx: ReportContext, facts: dict[int, ImageFacts]) -> ImageUsage:
    first, last = days(ctx)
    totals = rollup_totals(ctx.conn, "image", first, last)
    top = top_limit(ctx)
    usage = [engagement(facts[i], c) for i, c in totals.items() if i in facts and any(c[1:])]
    usage.sort(key=lambda u: (-u.views, -u.popularity_score, int(u.id)))
    zero = (0, 0, 0, 0, 0)
    featured_counts = Counter(
        media_id for (media_id,) in ctx.conn.execute(
            "SELECT media_id FROM usage_locations WHERE usage = 'featured' AND media_id IS NOT NULL"
        ) if media_id in facts
    )  # fmt: skip
    featured = []
    for media_id, places in featured_counts.items():
        _, views, clicks, _, _ = totals.get(media_id, zero)
        item = facts[media_id]
        featured.append(FeaturedImageData(
            str(media_id), item.path, "image", item.size, places, views, clicks,
            percent(clicks, views),
        ))  # fmt: skip
    featured.sort(key=lambda f: (-f.views, -f.featured_in, int(f.id)))
    galleries: dict[tuple[str, str], tuple[str | None, str | None, set[int]]] = {}
    for type_, loc_id, title, url, media_id in ctx.conn.execute(
        "SELECT type, location_id, title, url, media_id FROM usage_locations "
        "WHERE usage = 'gallery' AND media_id IS NOT NULL ORDER BY id"
    ):
        if media_id in facts:
            entry = galleries.setdefault((type_, loc_id), (title, url, set()))
            entry[2].add(media_id)
    gallery_rows = []
    for (type_, loc_id), (title, url, members) in galleries.items():
        views = sum(totals.get(m, zero)[1] for m in members)
        clicks = sum(totals.get(m, zero)[2] for m in members)
        gallery_rows.append(GalleryPerformanceData(
            type_, loc_id, title, url, len(members), views, clicks,
            views / len(members), percent(clicks, views),
        ))  # fmt: skip
    gallery_rows.sort(key=lambda g: (-g.views, g.location_type, g.location_id))
    return ImageUsage(usage[:top], featured[:top], gallery_rows[:top])


def _overview(facts: list[ImageFacts]) -> ImageOverview:
    total = sum(f.size for f in facts)
    ratios = [f.size / d for f in facts if (d := f.decoded_bytes)]
    by_format: dict[str, list[int]] = {}
    for f in facts:
        by_format.setdefault(f.format or "unknown", []).append(f.size)
    distribution = [
        FormatShare(name, len(sizes), sum(sizes), percent(len(sizes), len(facts)))
        for name, sizes in sorted(by_format.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return ImageOverview(
        len(facts), total, total / len(facts) if facts else None,
        sum(ratios) / len(ratios) if ratios else None, distribution,
    )  # fmt: skip


def images_report(ctx: ReportContext) -> ImageAnalytics:
    """The seed's ImageAnalytics for the report's range (see the module docstring)."""
    facts = load_image_facts(ctx.conn)
    widths = max_display_widths(ctx.conn)
    requests = requests_by_file(ctx.conn, *last_30_days(ctx))
    cached = cached_measurements(ctx.conn)
    measured_now, failed = _measure_missing(ctx, facts, widths, cached, requests)
    found = image_optimization(facts, widths, cached, requests)
    opportunities = rank([*found.opportunities, *cleanup_opportunities(ctx)])
    with_targets = [f for f in facts if plan_targets(f, widths.get(f.id))]
    complete = sum(
        1 for f in with_targets
        if all(t.name in cached.get(f.id, {}) for t in plan_targets(f, widths.get(f.id)))
    )  # fmt: skip
    savings = 0
    for f in facts:
        best = best_format(f, cached.get(f.id, {}))
        if best is not None:
            savings += f.size - (best.encoded_size or 0)
    load = kind_load_time(ctx, "image")
    responsive, lazy = _location_rates(ctx)
    modern = sum(1 for f in facts if f.format in MODERN_FORMATS)
    top = top_limit(ctx, 50)
    return ImageAnalytics(
        overview=_overview(facts),
        performance=ImagePerformance(
            load.mean_ms, load.source, savings, percent(modern, len(facts)), responsive, lazy
        ),
        usage=_usage(ctx, {f.id: f for f in facts}),
        optimization=ImageOptimization(
            found.oversized[:top],
            found.unoptimized[:top],
            opportunities[:top],
            MeasurementStatus(len(with_targets), complete, measured_now, failed),
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
    return rank([*found.opportunities, *cleanup_opportunities(ctx, [item.group_path])])
