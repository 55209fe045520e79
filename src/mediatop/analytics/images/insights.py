"""The insights about images: oversized images, format conversions and WebP adoption.

Which images are candidates comes from facts only (formats, dimensions, display
widths), so their number is the same whatever was measured before. Cached
measurements (savings_cache; nothing is re-encoded here) add the bytes and remove the
candidates measured to save nothing, so each insight's figures say how many of its
candidates are measured (`measuredCandidates`) beside `candidates` and `images`, the
candidates that are still opportunities.
"""

from __future__ import annotations

from collections.abc import Mapping

from mediatop.analytics._media_common import uses_by_file
from mediatop.analytics._rollups import top_files
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent
from mediatop.analytics.images.opportunities import image_optimization
from mediatop.analytics.insights.report import Insight, _n, _size
from mediatop.encode_plan import OVERSIZE_FACTOR, avif_supported
from mediatop.store.measurements import Measurement, cached_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths
from mediatop.store.queries.images import (
    any_savings_measured,
    format_adoption,
    media_on_top_pages,
    wider_than_given,
)

TOP_PAGES = 20
TOP_FILES = 40
# Formats a WebP or AVIF copy may replace (those `encode_plan.plan_targets` re-encodes).
_CONVERTIBLE = ("JPEG", "PNG", "GIF", "BMP", "TIFF")

Cache = Mapping[int, Mapping[str, Measurement]]


def _top_page_media(ctx: ReportContext) -> set[int]:
    """Files shown on the TOP_PAGES most viewed pages of the range.

    A page's views are approximated by the range views of the media it shows, counting
    the TOP_FILES most viewed files only (found without summing every file), so pages
    showing none of them are not "most viewed"."""
    top = top_files(ctx, "views", ["views"], TOP_FILES)
    return media_on_top_pages(ctx.conn, [(i, r.views) for i, r in top], TOP_PAGES)


def _unmeasured(candidates: int, measured: int) -> str:
    missing = candidates - measured
    return f"; savings not measured yet for {missing:,}" if missing else ""


def _oversized(ctx: ReportContext, widths: dict[int, int], cached: Cache) -> list[Insight]:
    """Natural width over OVERSIZE_FACTOR × the largest display width (the images module's
    `recommended_width`); the waste is the measured saving of the resize to that width."""
    candidates = measured = 0
    oversized: list[int] = []
    waste = 0
    for file_id, display in wider_than_given(ctx.conn, widths, OVERSIZE_FACTOR):
        candidates += 1
        resized = cached.get(file_id, {}).get(f"resize:{OVERSIZE_FACTOR * display}")
        saving = None if resized is None else resized.saving
        measured += saving is not None
        if saving is not None and saving <= 0:
            continue  # measured to grow when resized: no opportunity, no waste
        oversized.append(file_id)
        waste += saving or 0
    if not oversized:
        return []
    on_top = _top_page_media(ctx) & set(oversized)
    return [
        Insight(
            "oversized", "warning",
            f"{_n(len(oversized), 'image')} over 2× their largest display width"
            + (f" waste {_size(waste)}" if waste else " found")
            + f"; {len(on_top)} of them are on the {TOP_PAGES} most viewed pages"
            + _unmeasured(candidates, measured) + ".",
            "Resize them to twice their display width (see `mediatop report images`), "
            "starting with those on the busiest pages.",
            {"images": len(oversized), "candidates": candidates, "measuredCandidates": measured,
             "bytes": waste, "onTopPages": len(on_top)},
        )
    ]  # fmt: skip


def _formats(
    ctx: ReportContext, widths: dict[int, int], candidates: int, cached: Cache
) -> list[Insight]:
    """Still images a WebP/AVIF copy may replace (`candidates`, counted from their format);
    those measured to save less than `best_format` asks drop out."""
    facts = [
        f for f in load_image_facts(ctx.conn, set(cached))
        if not f.animated and f.format in _formats_replaced()
    ]  # fmt: skip
    measured = [f for f in facts if any(m.saving is not None for t, m in cached[f.id].items()
                                        if t in ("webp", "avif"))]  # fmt: skip
    found = image_optimization(measured, widths, cached, {})
    formats = [o for o in found.opportunities if o.type == "format"]
    images = candidates - len(measured) + len(formats)
    if not images:
        return []
    saving = sum(o.potential_savings or 0 for o in formats)
    uses = uses_by_file(ctx, [int(o.media_id) for o in formats])
    requests = {media_id: counts[0] for media_id, counts in uses.items()}
    served = sum((o.potential_savings or 0) * requests.get(int(o.media_id), 0) for o in formats)
    return [
        Insight(
            "format", "warning" if saving else "info",
            f"{_n(images, 'image')} could be smaller as WebP/AVIF"
            + (f": {_size(saving)} measured for {len(formats):,} of them" if saving else "")
            + (f", {_size(served)} less traffic over {ctx.time_range.label}" if served else "")
            + _unmeasured(candidates, len(measured)) + ".",
            "Convert them (keep the originals until the pages are updated); "
            "`mediatop report images` measures the savings.",
            {"images": images, "candidates": candidates, "measuredCandidates": len(measured),
             "bytes": saving, "trafficBytes": served},
        )
    ]  # fmt: skip


def _formats_replaced() -> tuple[str, ...]:
    """Formats with a WebP or AVIF re-encoding to measure (WebP itself only where this
    Pillow writes AVIF)."""
    return (*_CONVERTIBLE, "WEBP") if avif_supported() else _CONVERTIBLE


def image_insights(ctx: ReportContext) -> list[Insight]:
    """Oversized images, format conversions and WebP adoption."""
    widths = max_display_widths(ctx.conn)
    # No measurement yet is common (nothing re-encoded): skip reading the cache then.
    cached = cached_measurements(ctx.conn) if any_savings_measured(ctx.conn) else {}
    total, modern, replaceable = format_adoption(ctx.conn, _formats_replaced())
    out = _oversized(ctx, widths, cached) + _formats(ctx, widths, replaceable, cached)
    adoption = percent(modern, total)
    if adoption is not None and adoption < 25:
        out.append(
            Insight(
                "webp", "info",
                f"Only {adoption:.0f} % of {_n(total, 'image')} are WebP or AVIF.",
                "Have the CMS generate WebP/AVIF copies for new uploads.",
                {"webPAdoption": adoption, "images": total},
            )
        )  # fmt: skip
    return out
