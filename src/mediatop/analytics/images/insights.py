"""The insights about images: oversized images, format conversions and WebP adoption.

Which images are candidates comes from facts only (formats, dimensions, display
widths), so their number is the same whatever was measured before. Cached
measurements (savings_cache; nothing is re-encoded here) add the bytes and remove the
candidates measured to save nothing, so each insight's figures say how many of its
candidates are measured (`measuredCandidates`) beside `candidates` and `images`, the
candidates that are still opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics._rollups import top_files
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent
from mediatop.analytics.images.library_savings import (
    LibrarySavings,
    library_savings,
    replaced_formats,
)
from mediatop.analytics.insights.report import Insight, _n, _size
from mediatop.store.queries.images import format_adoption, media_on_top_pages
from mediatop.store.queries.media import weighted_requests

TOP_PAGES = 20
TOP_FILES = 40


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


def _oversized(ctx: ReportContext, found: LibrarySavings) -> list[Insight]:
    """Natural width over OVERSIZE_FACTOR × the largest display width (the images module's
    `recommended_width`); the waste is the measured saving of the resize to that width."""
    oversized = found.resizes
    if not oversized:
        return []
    waste = oversized.total
    on_top = _top_page_media(ctx) & set(oversized.ids)
    return [
        Insight(
            "oversized", "warning",
            f"{_n(len(oversized), 'image')} over 2× their largest display width"
            + (f" waste {_size(waste)}" if waste else " found")
            + f"; {len(on_top)} of them are on the {TOP_PAGES} most viewed pages"
            + _unmeasured(found.resize_candidates, found.resize_measured) + ".",
            "Resize them to twice their display width (see `mediatop report images`), "
            "starting with those on the busiest pages.",
            {"images": len(oversized), "candidates": found.resize_candidates,
             "measuredCandidates": found.resize_measured, "bytes": waste,
             "onTopPages": len(on_top)},
        )
    ]  # fmt: skip


@dataclass(frozen=True)
class FormatFigures:
    """The format insight's figures but its traffic (`format_traffic` reads that apart):
    still images a WebP/AVIF copy may replace (`candidates`, counted from their format),
    those measured, and those measured to save enough (`converted`, their `bytes`)."""

    candidates: int
    measured: int
    converted: int
    bytes: int


@dataclass(frozen=True)
class ImageFindings:
    """The image insights before their format traffic is known (see `image_insights`)."""

    oversized: list[Insight]
    formats: FormatFigures
    adoption: list[Insight]

    def with_traffic(self, ctx: ReportContext, served: int) -> list[Insight]:
        """Oversized images, format conversions (`served`: `format_traffic`) and WebP
        adoption, in that order."""
        return [*self.oversized, *_formats(ctx, self.formats, served), *self.adoption]


def _formats(ctx: ReportContext, figures: FormatFigures, served: int) -> list[Insight]:
    """Those measured to save less than `best_format` asks drop out of the candidates."""
    images = figures.candidates - figures.measured + figures.converted
    if not images:
        return []
    saving = figures.bytes
    return [
        Insight(
            "format", "warning" if saving else "info",
            f"{_n(images, 'image')} could be smaller as WebP/AVIF"
            + (f": {_size(saving)} measured for {figures.converted:,} of them" if saving else "")
            + (f", {_size(served)} less traffic over {ctx.time_range.label}" if served else "")
            + _unmeasured(figures.candidates, figures.measured) + ".",
            "Convert them (keep the originals until the pages are updated); "
            "`mediatop report images` measures the savings.",
            {"images": images, "candidates": figures.candidates,
             "measuredCandidates": figures.measured, "bytes": saving, "trafficBytes": served},
        )
    ]  # fmt: skip


def format_traffic(ctx: ReportContext) -> int:
    """The bytes the measured format savings would have saved over the range's requests
    (the format insight's `trafficBytes`): the one long read of the image insights, which
    a report runs beside its other rules (`analytics.parts`)."""
    formats = library_savings(ctx).formats
    return weighted_requests(ctx.conn, ctx.time_range, formats.by_id()) if formats else 0


def image_insights(ctx: ReportContext) -> ImageFindings:
    """Oversized images, format conversions and WebP adoption, but the format traffic."""
    found = library_savings(ctx)
    total, modern, replaceable = format_adoption(ctx.conn, replaced_formats())
    formats = FormatFigures(
        replaceable, found.format_measured, len(found.formats), found.formats.total
    )
    adoption = percent(modern, total)
    webp = []
    if adoption is not None and adoption < 25:
        webp.append(
            Insight(
                "webp", "info",
                f"Only {adoption:.0f} % of {_n(total, 'image')} are WebP or AVIF.",
                "Have the CMS generate WebP/AVIF copies for new uploads.",
                {"webPAdoption": adoption, "images": total},
            )
        )  # fmt: skip
    return ImageFindings(_oversized(ctx, found), formats, webp)
