"""What the library's images can save, from their cached measurements: a library fact.

Reports rank opportunities by bytes saved per month (a saving × the file's requests
over the last 30 days), which moves with every request; the savings themselves move
only when the library or its measurements do. So the pass over every measured, flagged
or oversized image (its facts, its display widths, its re-encodings: seconds for
100,000 measured images) runs once per library generation and count of measurements
(a `measured` library fact) and keeps what the rankings and totals need: each
opportunity's file and saving, the unoptimised images in their order (which no request
moves), and the sums. A report then ranks with `ranking.top_by_monthly_saving` and
builds only the rows it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.facts import still_and_flagged
from mediatop.analytics.images.opportunities import (
    image_optimization,
    oversized_ids,
    unoptimized_order,
)
from mediatop.analytics.images.recompress import (
    CONVERTIBLE_FORMATS,
    jpeg_recompressions,
    webp_conversions,
)
from mediatop.analytics.library.facts import library_fact
from mediatop.encode_plan import ImageFacts, avif_supported, recommended_width, target_names
from mediatop.store.measurements import Measurement, measured_image_ids
from mediatop.store.queries.image_facts import image_fact_chunks


@dataclass(frozen=True)
class Savings:
    """Files and the bytes each would save (0: not measured yet; a measured saving is
    never 0, as it must be positive to be an opportunity), in two parallel lists in
    descending order of saving (then by id): how the fact is kept, and the order a
    ranking visits files in (`ranking`)."""

    ids: list[int]
    saved: list[int]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total(self) -> int:
        return sum(self.saved)

    @property
    def unmeasured(self) -> int:
        return self.saved.count(0)

    @property
    def measured(self) -> int:
        return len(self.saved) - self.unmeasured

    def by_id(self) -> dict[int, int]:
        return dict(zip(self.ids, self.saved, strict=True))


def _savings(found: dict[int, int | None]) -> Savings:
    ranked = sorted(((s or 0, i) for i, s in found.items()), key=lambda p: (-p[0], p[1]))
    return Savings([i for _, i in ranked], [s for s, _ in ranked])


@dataclass(frozen=True)
class LibrarySavings:
    """Every image opportunity of the library with its saving, and the sums reports show.

    - resizes: images over 2× their largest display (`image_optimization`'s oversized
      rows), less those measured to save nothing (`resize_disproved`).
    - formats: the best WebP/AVIF re-encoding where it saves enough (`best_format`).
    - recompressions: JPEGs above quality 90 (`jpeg_recompressions`), less those
      measured to save nothing (`recompress_disproved`).
    - unoptimized: the unoptimised images in `unoptimized_order`.
    - format_measured: still images of a format a WebP/AVIF copy may replace with one
      of those measured; complete: images with every planned re-encoding measured;
      convertible: still JPEG/PNG/GIF/BMP/TIFF images; webp_*: `webp_conversions`.
    """

    resizes: Savings
    formats: Savings
    recompressions: Savings
    unoptimized: list[int]
    resize_candidates: int
    resize_disproved: int
    recompress_disproved: int
    format_measured: int
    complete: int
    webp_converts: int
    webp_measured: int
    webp_saved: int
    convertible: int

    @property
    def resize_measured(self) -> int:
        """Oversized images whose resize is measured (saving something or not)."""
        return self.resize_disproved + self.resizes.measured


def library_savings(ctx: ReportContext) -> LibrarySavings:
    """`LibrarySavings` of the library as it is now (computed once per generation)."""
    return library_fact(
        # named anew whenever its rows change shape: a fact saved by other code is never read
        ctx,
        "savings_ranked",
        lambda: _compute(ctx),
        _encode,
        _decode,
        measured=True,
    )


def _compute(ctx: ReportContext) -> LibrarySavings:
    too_wide = oversized_ids(ctx)
    convertible, flagged = still_and_flagged(ctx.conn, CONVERTIBLE_FORMATS)
    sums = _Sums(replaced_formats())
    for facts, measured, widths in image_fact_chunks(
        ctx.conn, {*measured_image_ids(ctx.conn), *flagged}
    ):
        sums.add(facts, measured, widths)
    # An oversized image neither measured nor flagged can only be an unmeasured resize:
    # no need to read it (most of a new library's oversized images).
    sums.resizes.update((file_id, None) for file_id in too_wide if file_id not in sums.seen)
    return sums.result(len(set(too_wide)), convertible)


def replaced_formats() -> tuple[str, ...]:
    """Formats with a WebP or AVIF re-encoding to measure (WebP itself only where this
    Pillow writes AVIF)."""
    return (*CONVERTIBLE_FORMATS, "WEBP") if avif_supported() else CONVERTIBLE_FORMATS


class _Sums:
    """`LibrarySavings` gathered a chunk of images at a time."""

    def __init__(self, replaced: tuple[str, ...]) -> None:
        self.replaced = replaced
        self.resizes: dict[int, int | None] = {}
        self.formats: dict[int, int | None] = {}
        self.recompressions: dict[int, int | None] = {}
        self.unoptimized: list[tuple[tuple[int, int, str], int]] = []
        self.seen: set[int] = set()
        self.resize_disproved = self.recompress_disproved = self.format_measured = 0
        self.complete = self.webp_converts = self.webp_measured = self.webp_saved = 0

    def add(
        self,
        facts: list[ImageFacts],
        measured: dict[int, dict[str, Measurement]],
        widths: dict[int, int],
    ) -> None:
        self.seen.update(f.id for f in facts)
        found = image_optimization(facts, widths, measured, {})
        self.resizes.update((int(o.id), o.potential_savings) for o in found.oversized)
        self.formats.update(
            (int(o.media_id), o.potential_savings) for o in found.opportunities
            if o.type == "format"
        )  # fmt: skip
        self.unoptimized += [(unoptimized_order(u), int(u.id)) for u in found.unoptimized]
        jpegs, disproved = jpeg_recompressions(facts, measured, {})
        self.recompressions.update((int(o.media_id), o.potential_savings) for o in jpegs)
        self.recompress_disproved += disproved
        converts, webp_measured, saved = webp_conversions(facts, measured)
        self.webp_converts += converts
        self.webp_measured += webp_measured
        self.webp_saved += saved
        for item in facts:
            cache = measured.get(item.id)
            if not cache:
                continue
            display = widths.get(item.id)
            width = recommended_width(item, display)
            saving = cache[f"resize:{width}"].saving if f"resize:{width}" in cache else None
            self.resize_disproved += width is not None and saving is not None and saving <= 0
            if (
                not item.animated
                and item.format in self.replaced
                and any(cache[t].saving is not None for t in ("webp", "avif") if t in cache)
            ):
                self.format_measured += 1
            targets = target_names(item, display)
            self.complete += bool(targets) and all(n in cache for n in targets)

    def result(self, resize_candidates: int, convertible: int) -> LibrarySavings:
        return LibrarySavings(
            _savings(self.resizes), _savings(self.formats), _savings(self.recompressions),
            [file_id for _, file_id in sorted(self.unoptimized)], resize_candidates,
            self.resize_disproved, self.recompress_disproved, self.format_measured,
            self.complete, self.webp_converts, self.webp_measured, self.webp_saved, convertible,
        )  # fmt: skip


def _encode(found: LibrarySavings) -> list[object]:
    return [
        [found.resizes.ids, found.resizes.saved], [found.formats.ids, found.formats.saved],
        [found.recompressions.ids, found.recompressions.saved], found.unoptimized,
        found.resize_candidates, found.resize_disproved, found.recompress_disproved,
        found.format_measured, found.complete, found.webp_converts, found.webp_measured,
        found.webp_saved, found.convertible,
    ]  # fmt: skip


def _decode(row: list[Any]) -> LibrarySavings:
    resizes, formats, recompressions, unoptimized, *counts = row
    return LibrarySavings(
        Savings(*resizes), Savings(*formats), Savings(*recompressions), unoptimized, *counts
    )
