"""Optimisation opportunities across types: the dashboard box and `report optimization`
(shaped as the SPEC's /api/analytics/media/optimization, which `mediatop serve`
answers with it).

Four counts with their bytes (each file counted once per line; the lines overlap, e.g.
an image can be both oversized and convertible, so their bytes are not to be added):

- resize: images wider than 2 × their largest display (see `image_opportunities`);
  bytes = measured saving of resizing to 2 × that width.
- compress: files stored at a needlessly high quality:
  JPEGs above quality 90 (bytes = measured saving of re-encoding at 85);
  videos over 2 × the bitrate their resolution needs (bytes = an estimate,
  size × (1 − recommended ÷ actual bitrate), see `video_delivery`);
  PDFs over LARGE_PDF_BYTES (bytes unknown: PDFs are not re-encoded here).
- remove: the unused candidates of `analytics.unused` (bytes = their sizes).
- convert: images whose measured WebP encoding saves at least 5 % and 1 KiB
  (bytes = that saving).

Each line counts its candidates apart from its opportunities. `candidates` are the
files the facts select (dimensions, formats, display widths, sizes, bitrates, use):
the same whatever was measured before. `measured_candidates` are those whose saving is
known (measured; estimated for videos; the size, for a removal); `unmeasured` the rest.
`count` is the opportunities: the candidates less those measured to save nothing (or,
for convert, less than 5 % and 1 KiB); only those reach `bytes` and the list. So
`candidates = measured_candidates + unmeasured`, and measuring can only lower `count`
and raise `bytes`. Images are measured by `mediatop report images` and by the
dashboard's savings worker.

The full list ranks every opportunity by bytes saved per month: for images
`saving × human requests in the last 30 days`; for a video re-encode
`saving ÷ size × bytes served in the last 30 days` (range requests fetch parts of a
video); removals and cleanups save storage only (0 per month) and follow, by size.
Uses cached measurements only, so it is as fast as the rollups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mediatop.analytics._media_common import last_30_days
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import top_limit
from mediatop.analytics.images.library_pass import BY_SAVING, library_optimization
from mediatop.analytics.images.library_savings import LibrarySavings
from mediatop.analytics.images.opportunities import (
    OptimizationOpportunity,
    cleanup_opportunities,
    rank,
    with_requests,
)
from mediatop.analytics.images.ranking import top_by_monthly_saving
from mediatop.analytics.images.recompress import jpeg_recompressions
from mediatop.analytics.video.delivery import encoding_efficiency
from mediatop.store.measurements import cached_measurements
from mediatop.store.queries.image_facts import load_image_facts
from mediatop.store.queries.library import large_pdfs
from mediatop.store.queries.performance import bytes_served_between

LARGE_PDF_BYTES = 10_000_000


@dataclass(frozen=True)
class OptimizationLine:
    count: int  # opportunities: candidates not measured to save nothing
    bytes: int  # known savings (measured, or estimated for videos)
    unmeasured: int  # candidates whose saving is not known yet
    candidates: int  # files the facts make candidates, whatever was measured
    measured_candidates: int  # candidates whose saving is known (positive or not)


@dataclass(frozen=True)
class OptimizationSummary:
    resize: OptimizationLine
    compress: OptimizationLine
    remove: OptimizationLine
    convert: OptimizationLine
    total_opportunities: int
    opportunities: list[OptimizationOpportunity]


def _video_reencodes(
    ctx: ReportContext, requests: Mapping[int, int]
) -> list[OptimizationOpportunity]:
    """Videos over 2 × the bitrate their resolution needs, with an estimated saving;
    monthly bytes are the saving's share of the bytes served in the last 30 days."""
    # An estimate that saves nothing (no bitrate known) is no opportunity either.
    videos = [
        e
        for e in encoding_efficiency(ctx)
        if e.verdict == "high" and e.estimated_savings and e.estimated_savings > 0
    ]
    served = bytes_served_between(ctx.conn, *last_30_days(ctx), [int(e.id) for e in videos])
    found = []
    for e in videos:
        saving = e.estimated_savings or 0
        monthly = int(saving / e.size * served.get(int(e.id), 0)) if e.size else 0
        found.append(
            OptimizationOpportunity(
                "compress", e.id, e.filename, "video", saving, "high" if monthly else "medium",
                False, requests.get(int(e.id), 0), monthly,
                current_size=e.size, recommended_size=e.size - saving,
                reason=f"bitrate {e.bitrate} bit/s is {e.ratio:.1f}× the {e.recommended_bitrate} "
                "its resolution needs (saving estimated)",
            )
        )  # fmt: skip
    return found


def _large_pdfs(ctx: ReportContext, requests: Mapping[int, int]) -> list[OptimizationOpportunity]:
    """PDFs over LARGE_PDF_BYTES: a candidate each, saving unknown (not re-encoded here)."""
    return [
        OptimizationOpportunity(
            "compress", str(file_id), path, "document", None, "low", False,
            requests.get(file_id, 0), None, current_size=size,
            reason=f"PDF over {LARGE_PDF_BYTES // 1_000_000} MB: compress its images",
        )
        for file_id, path, size in large_pdfs(ctx.conn, LARGE_PDF_BYTES)
    ]  # fmt: skip


def _removals(ctx: ReportContext, top: int) -> tuple[list[OptimizationOpportunity], int, int]:
    """The `top` largest unused candidates as removals, and the count and bytes of all."""
    from mediatop.analytics.usage.unused import largest_unused

    # Only the largest removals can reach the top of the ranking (they save no monthly
    # bytes, so their own size orders them); the rest count in the totals.
    unused, count, size = largest_unused(ctx, top)
    removals = [
        OptimizationOpportunity(
            "remove", u.id, u.filename, u.type, u.potential_savings, "low", True, 0, 0,
            current_size=u.size, reason=f"unused, deletion risk {u.risk_level}",
        )
        for u in unused
    ]  # fmt: skip
    return removals, count, size


def _compress_line(
    found: LibrarySavings, others: list[OptimizationOpportunity]
) -> OptimizationLine:
    """The compress line: the JPEGs above quality 90, and the videos' and PDFs' `others`."""
    jpegs = found.recompressions
    count = len(jpegs) + len(others)
    unmeasured = jpegs.unmeasured + sum(1 for o in others if o.potential_savings is None)
    known = jpegs.total + sum(o.potential_savings or 0 for o in others)
    candidates = count + found.recompress_disproved
    return OptimizationLine(count, known, unmeasured, candidates, candidates - unmeasured)


def _convert_line(found: LibrarySavings) -> OptimizationLine:
    """Of the still JPEG/PNG/GIF/BMP/TIFF images, those whose measured WebP encoding
    saves at least 5 % and 1 KiB, and the unmeasured."""
    convertible = found.convertible
    unmeasured = convertible - found.webp_measured
    return OptimizationLine(
        found.webp_converts + unmeasured, found.webp_saved, unmeasured, convertible,
        found.webp_measured,
    )  # fmt: skip


def _top_recompressions(
    ctx: ReportContext, found: LibrarySavings, window: tuple[str, str], top: int
) -> list[OptimizationOpportunity]:
    """The JPEG recompressions that can head the ranking, built for the rows shown."""
    requests = top_by_monthly_saving(ctx, found.recompressions, window, top, BY_SAVING)
    facts = load_image_facts(ctx.conn, requests)
    jpegs, _ = jpeg_recompressions(facts, cached_measurements(ctx.conn, requests), requests)
    return rank(jpegs)[:top]


def optimization_report(ctx: ReportContext) -> OptimizationSummary:
    """The four dashboard lines and the ranked list of every opportunity."""
    window = last_30_days(ctx)
    top = top_limit(ctx, 100)
    images = library_optimization(ctx, window, top)
    jpegs = _top_recompressions(ctx, images.library, window, top)
    cleanups = cleanup_opportunities(ctx, limit=top)
    # a video's or a PDF's requests are filled in with the rows shown (`with_requests`)
    others = [*_video_reencodes(ctx, {}), *_large_pdfs(ctx, {})]
    removals, unused_count, unused_bytes = _removals(ctx, top)
    # images.opportunities, cleanups.top and jpegs hold only the best `top` ones:
    # enough for the top of the merged ranking, not for the count.
    everything = rank([*images.opportunities, *cleanups.top, *jpegs, *others, *removals])
    compress = _compress_line(images.library, others)
    total = images.opportunity_count + cleanups.count + compress.count + unused_count
    return OptimizationSummary(
        resize=OptimizationLine(
            len(images.library.resizes),
            images.resize_bytes,
            images.resize_unmeasured,
            images.library.resize_candidates,
            images.library.resize_candidates - images.resize_unmeasured,
        ),
        compress=compress,
        remove=OptimizationLine(unused_count, unused_bytes, 0, unused_count, unused_count),
        convert=_convert_line(images.library),
        total_opportunities=total,
        opportunities=with_requests(ctx.conn, everything[:top], window),
    )
