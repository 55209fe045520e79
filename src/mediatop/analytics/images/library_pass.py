"""The images analysis over a whole library: the first rows of each ranked list.

`library_savings` (a library fact) knows every opportunity and its saving;
`top_by_monthly_saving` picks the files that can head each ranking over the window;
only those images are read again and their rows built by `image_optimization`, the
one definition of each row.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.library_savings import LibrarySavings, library_savings
from mediatop.analytics.images.opportunities import (
    OptimizationOpportunity,
    OversizedImageData,
    UnoptimizedImageData,
    image_optimization,
)
from mediatop.analytics.images.ranking import Ranking, top_by_monthly_saving
from mediatop.store.measurements import cached_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths


@dataclass(frozen=True)
class LibraryOptimization:
    """`image_optimization` over a whole library, cut to the rows a report shows.

    `oversized`, `unoptimized` and `opportunities` (resize and format) are ranked as
    `image_optimization` ranks them and cut to `limit`; `library` holds every
    opportunity and the sums. Call `with_requests` on the rows you show.
    """

    oversized: list[OversizedImageData]
    unoptimized: list[UnoptimizedImageData]
    opportunities: list[OptimizationOpportunity]
    library: LibrarySavings

    @property
    def opportunity_count(self) -> int:
        return len(self.library.resizes) + len(self.library.formats)

    @property
    def resize_bytes(self) -> int:
        return self.library.resizes.total

    @property
    def resize_unmeasured(self) -> int:
        return self.library.resizes.unmeasured


BY_SAVING = Ranking(0, "saving")  # `rank`'s order


def library_optimization(
    ctx: ReportContext, window: tuple[str, str], limit: int
) -> LibraryOptimization:
    """The first `limit` oversized, unoptimised and resize/format rows of the library,
    ranked by bytes saved per month over `window` (the unoptimised by their saving)."""
    found = library_savings(ctx)
    # the oversized list's order (saving × max(requests, 1), then by the id as a string)
    # and the opportunities' (`rank`), in one visit
    resizes = top_by_monthly_saving(
        ctx, found.resizes, window, limit, Ranking(1, "id_text"), BY_SAVING
    )
    formats = top_by_monthly_saving(ctx, found.formats, window, limit, BY_SAVING)
    unoptimized = set(found.unoptimized[:limit])
    ids = {*resizes, *formats, *unoptimized}
    requests: dict[int, int] = {}
    for picked in (resizes, formats):  # 0 where a ranking did not read them
        for file_id, n in picked.items():
            requests[file_id] = max(n, requests.get(file_id, 0))
    rows = image_optimization(
        load_image_facts(ctx.conn, ids),
        max_display_widths(ctx.conn, ids),
        cached_measurements(ctx.conn, ids),
        requests,
    )
    chosen = {"resize": resizes, "format": formats}
    return LibraryOptimization(
        oversized=[o for o in rows.oversized if int(o.id) in resizes][:limit],
        unoptimized=[u for u in rows.unoptimized if int(u.id) in unoptimized][:limit],
        opportunities=[o for o in rows.opportunities if int(o.media_id) in chosen[o.type]][:limit],
        library=found,
    )
