"""Image engagement over a range: most viewed, featured and gallery images.

Per file (the seed's ImageEngagement): clickThroughRate = clicks ÷ views × 100,
engagementRate = (clicks + shares + downloads) ÷ views × 100, both None when views = 0;
popularityScore = views + 5 × clicks + 10 × shares (a click or a share says more than
a view, a share most: it brings new visitors). Rollups are read only for the files
that can make a top list (see `top_by_use`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics._media_common import (
    ids_json,
    percent,
    top_by_use,
    top_limit,
    uses_by_file,
)
from mediatop.analytics.context import ReportContext
from mediatop.analytics.image_facts import ImageFacts, load_image_facts


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
    the top (as `top_by_use` does for files).
    """
    members: dict[tuple[str, str], tuple[str | None, str | None, set[int]]] = {}
    for type_, loc_id, title, url, media_id in ctx.conn.execute(
        "SELECT u.type, u.location_id, u.title, u.url, u.media_id FROM usage_locations u "
        "JOIN media_files f ON f.id = u.media_id WHERE u.usage = 'gallery' "
        "AND f.kind = 'image' AND f.deleted_at IS NULL ORDER BY u.id"
    ):
        members.setdefault((type_, loc_id), (title, url, set()))[2].add(media_id)
    all_ids = {m for _, _, ids in members.values() for m in ids}
    all_time = dict(
        ctx.conn.execute(
            "SELECT media_id, views FROM file_totals "
            "WHERE media_id IN (SELECT value FROM json_each(?))",
            (ids_json(all_ids),),
        ).fetchall()
    )
    bounds = sorted(
        ((sum(all_time.get(m, 0) for m in ids), key) for key, (_, _, ids) in members.items()),
        key=lambda b: (-b[0], b[1]),
    )
    best: list[GalleryPerformanceData] = []
    for start in range(0, len(bounds), 64):
        batch = bounds[start : start + 64]
        sums = uses_by_file(ctx, {m for _, key in batch for m in members[key][2]})
        for _, (type_, loc_id) in batch:
            title, url, ids = members[(type_, loc_id)]
            views = sum(sums.get(m, (0, 0, 0, 0, 0))[1] for m in ids)
            clicks = sum(sums.get(m, (0, 0, 0, 0, 0))[2] for m in ids)
            best.append(GalleryPerformanceData(
                type_, loc_id, title, url, len(ids), views, clicks, views / len(ids),
                percent(clicks, views),
            ))  # fmt: skip
        best.sort(key=lambda g: (-g.views, g.location_type, g.location_id))
        del best[limit:]
        if len(best) >= limit and best[-1].views >= batch[-1][0]:
            break
    return best


def image_usage(ctx: ReportContext) -> ImageUsage:
    """Most viewed, featured and gallery images; rollups are read only for those files."""
    top = top_limit(ctx)
    most = top_by_use(ctx, "image", "views", top)
    featured_top = top_by_use(ctx, "image", "views", top, used_as="featured")
    places = dict(
        ctx.conn.execute(
            "SELECT media_id, COUNT(*) FROM usage_locations WHERE usage = 'featured' "
            "AND media_id IN (SELECT value FROM json_each(?)) GROUP BY media_id",
            (ids_json(i for i, _ in featured_top),),
        ).fetchall()
    )
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
