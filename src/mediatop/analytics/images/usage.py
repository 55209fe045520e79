"""Image engagement over a range: most viewed, featured and gallery images.

Per file (the seed's ImageEngagement): clickThroughRate = clicks ÷ views × 100,
engagementRate = (clicks + shares + downloads) ÷ views × 100, both None when views = 0;
popularityScore = views + 5 × clicks + 10 × shares (a click or a share says more than
a view, a share most: it brings new visitors). Rollups are read only for the files
that can make a top list (see `top_by_use`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics._media_common import top_by_use, uses_by_file
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit
from mediatop.encode_plan import ImageFacts
from mediatop.store.queries.image_facts import load_image_facts
from mediatop.store.queries.images import featured_places, gallery_batches, location_titles


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


def engagement(item: ImageFacts, counts: tuple[int, int, int, int, int]) -> ImageUsageData:
    """Engagement figures of one image from (requests, views, clicks, shares, downloads)."""
    _, views, clicks, shares_, downloads = counts
    return ImageUsageData(
        str(item.id), item.path, "image", item.size, views, clicks, shares_, downloads,
        percent(clicks, views), percent(clicks + shares_ + downloads, views),
        views + 5 * clicks + 10 * shares_,
    )  # fmt: skip


def gallery_performance(ctx: ReportContext, limit: int) -> list[GalleryPerformanceData]:
    """The `limit` gallery locations whose images were viewed most over the range.

    A gallery's all-time views (file_totals) bound its views over any range, so galleries
    are summed over the range in decreasing bound order until no further one can enter
    the top (as `top_by_use` does for files). Members, bounds and that order come from
    one read (`gallery_batches`); titles only for the galleries shown.
    """
    best: list[tuple[int, int, str, str, int, int]] = []  # (views, clicks, type, id, n, row)
    batches = gallery_batches(ctx.conn)
    for batch in batches:
        sums = uses_by_file(ctx, {m for g in batch for m in g.members})
        for g in batch:
            views = sum(sums.get(m, (0, 0, 0, 0, 0))[1] for m in g.members)
            clicks = sum(sums.get(m, (0, 0, 0, 0, 0))[2] for m in g.members)
            best.append((views, clicks, g.location_type, g.location_id, len(g.members),
                         g.first_row))  # fmt: skip
        best.sort(key=lambda g: (-g[0], g[2], g[3]))
        del best[limit:]
        if len(best) >= limit and best[-1][0] >= batch[-1].views_bound:
            break
    batches.close()
    titles = location_titles(ctx.conn, (g[5] for g in best))
    return [
        GalleryPerformanceData(type_, loc_id, *titles[first], n, views, clicks, views / n,
                               percent(clicks, views))
        for views, clicks, type_, loc_id, n, first in best
    ]  # fmt: skip


def image_usage(ctx: ReportContext) -> ImageUsage:
    """Most viewed, featured and gallery images; rollups are read only for those files."""
    top = top_limit(ctx)
    most = top_by_use(ctx, "image", "views", top)
    featured_top = top_by_use(ctx, "image", "views", top, used_as="featured")
    places = featured_places(ctx.conn, (i for i, _ in featured_top))
    facts = {f.id: f for f in load_image_facts(ctx.conn, {i for i, _ in [*most, *featured_top]})}
    usage = [engagement(facts[i], counts) for i, counts in most if i in facts]
    featured = [
        FeaturedImageData(
            str(i), facts[i].path, "image", facts[i].size, places.get(i, 0), views, clicks,
            percent(clicks, views),
        )
        for i, (_, views, clicks, _, _) in featured_top
        if i in facts
    ]  # fmt: skip
    return ImageUsage(usage, featured, gallery_performance(ctx, top))
