"""Image optimisation opportunities: oversized, unoptimised, and resize/format/cleanup fixes.

Every saving here is measured (see `savings.py`); an opportunity found but not yet
measured is listed with `potential_savings` None and `measured` False.

Definitions:
- resize: natural width > 2 × the largest display width over its usage locations
  (`image_facts`); recommended size = the measured bytes of the image resized to
  2 × that width in its own format.
- format: the smaller of the measured WebP/AVIF re-encodings, when it saves at least
  MIN_FORMAT_SAVING_BYTES and MIN_FORMAT_SAVING_FRACTION of the file.
- cleanup: generated sizes (variant set) of a group that no person ever requested
  (file_totals: no request, view, download, click or share) and no usage location
  references; one opportunity per group, named by the original (or, with no original
  in the store, the group's first size). Crawler requests do not count as use.
- unoptimised: see `unoptimized_reasons`.

Ranking: opportunities are ordered by bytes saved per month =
`potential_savings × requests in the last 30 days` (human requests, from the daily
rollup), the bytes visitors would stop downloading; ties (and cleanups, which no one
requests) by potential_savings.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.facts import PNG_PHOTO_MIN_BITS_PER_PIXEL, oversized_image_ids
from mediatop.analytics.library.facts import library_fact
from mediatop.encode_plan import ImageFacts, recommended_width
from mediatop.store.measurements import Measurement
from mediatop.store.queries.images import paths_of, unused_size_groups, unused_size_names
from mediatop.store.queries.media import requests_by_file

T = TypeVar("T", "OptimizationOpportunity", "OversizedImageData", "UnoptimizedImageData")
MIN_FORMAT_SAVING_BYTES = 1024
MIN_FORMAT_SAVING_FRACTION = 0.05
UNOPTIMIZED_MIN_SAVING_FRACTION = 0.20
IMPACT = {"resize": "high", "format": "medium", "cleanup": "low"}


@dataclass(frozen=True, slots=True)
class OptimizationOpportunity:
    """The seed's OptimizationOpportunity, with the file it is about and its ranking figures.

    `type` is resize | format | cleanup for images; the cross-type list of
    `optimize.py` adds compress (re-encode in place) and remove (unused files).
    """

    type: str
    media_id: str
    filename: bytes
    kind: str
    potential_savings: int | None  # bytes; None: found but not measured yet
    impact: str
    measured: bool
    requests_30d: int
    monthly_bytes_saved: int | None  # potential_savings × requests_30d
    current_size: int | None = None
    recommended_size: int | None = None
    current_format: str | None = None
    recommended_format: str | None = None
    unused_sizes: list[str] | None = None
    reason: str | None = None


@dataclass(frozen=True)
class OversizedImageData:
    """The seed's OversizedImageData; recommended_size and savings are measured bytes."""

    id: str
    filename: bytes
    type: str
    size: int
    original_width: int
    original_height: int | None
    max_display_width: int
    recommended_width: int
    recommended_size: int | None
    potential_savings: int | None
    requests_30d: int


@dataclass(frozen=True)
class UnoptimizedImageData:
    """An image stored in a way that wastes bytes, why, and the best measured fix."""

    id: str
    filename: bytes
    type: str
    size: int
    format: str | None
    quality: int | None
    reasons: list[str]
    best_target: str | None
    best_size: int | None
    potential_savings: int | None
    requests_30d: int


@dataclass(frozen=True)
class ImageOptimizationData:
    oversized: list[OversizedImageData]
    unoptimized: list[UnoptimizedImageData]
    opportunities: list[OptimizationOpportunity]


def rank(opportunities: Iterable[OptimizationOpportunity]) -> list[OptimizationOpportunity]:
    """Most bytes saved per month first, then most bytes saved, then by file id."""
    return sorted(
        opportunities,
        key=lambda o: (-(o.monthly_bytes_saved or 0), -(o.potential_savings or 0),
                       int(o.media_id), o.type),
    )  # fmt: skip


def unoptimized_order(u: UnoptimizedImageData) -> tuple[int, int, str]:
    return (-(u.potential_savings or 0), -u.size, u.id)


def oversized_order(o: OversizedImageData) -> tuple[int, str]:
    """Most bytes saved per month first (unknown savings last), then by id."""
    return (-(o.potential_savings or 0) * max(o.requests_30d, 1), o.id)


def _ok(measure: Measurement | None) -> bool:
    return measure is not None and measure.encoded_size is not None


def best_format(facts: ImageFacts, measured: Mapping[str, Measurement]) -> Measurement | None:
    """The smaller measured WebP/AVIF encoding, if it saves enough to be worth a change."""
    candidates = [measured[t] for t in ("webp", "avif") if _ok(measured.get(t))]
    if not candidates:
        return None
    best = min(candidates, key=lambda m: m.encoded_size or 0)
    saving = facts.size - (best.encoded_size or 0)
    if saving < max(MIN_FORMAT_SAVING_BYTES, MIN_FORMAT_SAVING_FRACTION * facts.size):
        return None
    return best


def unoptimized_reasons(facts: ImageFacts, bits_per_pixel: float | None) -> list[str]:
    """Why an image is stored wastefully (empty: it is not).

    - 'quality above 90': a JPEG whose estimated quality exceeds 90 (no visible gain).
    - 'photo stored as PNG': an opaque PNG over 6 bits per pixel (graphics need far fewer).
    - 'uncompressed format': BMP or TIFF on a website.
    - 're-encoding saves 20 % or more' is added by `image_optimization` from measurements.
    """
    reasons = []
    if facts.format == "JPEG" and facts.quality and facts.quality > 90:
        reasons.append("quality above 90")
    if (
        facts.format == "PNG"
        and facts.mode in ("RGB", "L")
        and bits_per_pixel is not None
        and bits_per_pixel > PNG_PHOTO_MIN_BITS_PER_PIXEL
    ):
        reasons.append("photo stored as PNG")
    if facts.format in ("BMP", "TIFF"):
        reasons.append("uncompressed format")
    return reasons


def _bits_per_pixel(facts: ImageFacts) -> float | None:
    if not facts.width or not facts.height:
        return None
    return facts.size * 8 / (facts.width * facts.height)


def image_optimization(
    facts: Iterable[ImageFacts],
    widths: Mapping[int, int],
    measured: Mapping[int, Mapping[str, Measurement]],
    requests_30d: Mapping[int, int],
) -> ImageOptimizationData:
    """Oversized and unoptimised images and their resize/format opportunities (no cleanup)."""
    oversized: list[OversizedImageData] = []
    unoptimized: list[UnoptimizedImageData] = []
    found: list[OptimizationOpportunity] = []
    for item in facts:
        cache = measured.get(item.id, {})
        requests = requests_30d.get(item.id, 0)
        display = widths.get(item.id)
        target_width = recommended_width(item, display)
        resized = cache.get(f"resize:{target_width}") if target_width else None
        size = resized.encoded_size if resized is not None and _ok(resized) else None
        saving = None if size is None else item.size - size
        # A resize measured to save nothing (a small flat logo grows when its edges are
        # smoothed) is no opportunity: it joins no list, count or total.
        if target_width and display and item.width and (saving is None or saving > 0):
            oversized.append(OversizedImageData(
                str(item.id), item.path, "image", item.size, item.width, item.height, display,
                target_width, size, saving, requests,
            ))  # fmt: skip
            found.append(_opportunity("resize", item, requests, saving,
                                      current_size=item.size, recommended_size=size,
                                      reason=f"shown at most {display}px wide, "
                                             f"{item.width}px natural width"))  # fmt: skip
        best = best_format(item, cache)
        if best is not None:
            saving = item.size - (best.encoded_size or 0)
            target = best.target.upper()
            smaller = f": {saving / item.size:.0%} smaller, measured" if item.size else ""
            found.append(_opportunity("format", item, requests, saving,
                                      current_format=item.format, recommended_format=target,
                                      current_size=item.size,
                                      recommended_size=best.encoded_size,
                                      reason=f"{item.format} as {target}{smaller}"))  # fmt: skip
        reasons = unoptimized_reasons(item, _bits_per_pixel(item))
        fixes = [m for m in cache.values() if _ok(m) and not m.target.startswith("resize:")]
        top = min(fixes, key=lambda m: m.encoded_size or 0, default=None)
        top_saving = None if top is None else item.size - (top.encoded_size or 0)
        if top_saving is not None and top_saving <= 0:
            top = top_saving = None  # every measured re-encoding is larger: no fix to offer
        if top_saving is not None and top_saving >= UNOPTIMIZED_MIN_SAVING_FRACTION * item.size:
            reasons.append("re-encoding saves 20 % or more")
        if reasons:
            unoptimized.append(UnoptimizedImageData(
                str(item.id), item.path, "image", item.size, item.format, item.quality, reasons,
                top.target if top else None, top.encoded_size if top else None,
                top_saving if top_saving and top_saving > 0 else None, requests,
            ))  # fmt: skip
    oversized.sort(key=oversized_order)
    unoptimized.sort(key=unoptimized_order)
    return ImageOptimizationData(oversized, unoptimized, rank(found))


def oversized_ids(ctx: ReportContext) -> list[int]:
    """`oversized_image_ids`, as a library fact (it reads no events)."""
    return library_fact(ctx, "oversized_images", lambda: oversized_image_ids(ctx.conn))


def with_requests(conn: sqlite3.Connection, rows: list[T], window: tuple[str, str]) -> list[T]:
    """`rows` (opportunities or oversized/unoptimised images) with requests_30d filled in
    where `library_optimization` left it unread."""
    ids = {_row_id(r) for r in rows if not r.requests_30d}
    if not ids:
        return rows
    requests = requests_by_file(conn, *window, ids=ids)
    return [r if r.requests_30d or _row_id(r) not in requests
            else replace(r, requests_30d=requests[_row_id(r)]) for r in rows]  # fmt: skip


def _row_id(row: object) -> int:
    return int(getattr(row, "media_id", None) or getattr(row, "id"))  # noqa: B009


def _opportunity(
    kind: str, item: ImageFacts, requests: int, saving: int | None, **fields: object
) -> OptimizationOpportunity:
    return OptimizationOpportunity(
        type=kind,
        media_id=str(item.id),
        filename=item.path,
        kind="image",
        potential_savings=saving,
        impact=IMPACT[kind],
        measured=saving is not None,
        requests_30d=requests,
        monthly_bytes_saved=None if saving is None else saving * requests,
        **fields,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Cleanups:
    """The `limit` largest cleanups, ranked, and how many there are in all."""

    top: list[OptimizationOpportunity]
    count: int


def cleanup_opportunities(
    ctx: ReportContext, group_paths: Iterable[bytes] | None = None, limit: int | None = None
) -> Cleanups:
    """One cleanup per group whose generated sizes no one requested nor references.

    Groups are summed in SQL and only the `limit` largest become opportunities: a new
    library with no traffic yet has one for nearly every image it holds.
    """
    groups = unused_size_groups(ctx.conn, group_paths)
    # The ranking's order for cleanups, which save no monthly bytes (see `rank`).
    largest = heapq.nsmallest(len(groups) if limit is None else limit, groups,
                              key=lambda g: (-g[1], g[2]))  # fmt: skip
    members = unused_size_names(ctx.conn, [bytes(g[0]) for g in largest])
    owners = paths_of(ctx.conn, (g[2] for g in largest))
    found = []
    for group_path, total, owner_id in largest:
        group = bytes(group_path)
        sizes = members.get(group, [])
        found.append(OptimizationOpportunity(
            type="cleanup", media_id=str(owner_id), filename=owners[owner_id],
            kind="image", potential_savings=total, impact=IMPACT["cleanup"], measured=True,
            requests_30d=0, monthly_bytes_saved=0, current_size=total, unused_sizes=sizes,
            reason=f"{len(sizes)} generated size(s) of {group.decode(errors='replace')} "
                   "never requested nor referenced",
        ))  # fmt: skip
    return Cleanups(rank(found), len(groups))
