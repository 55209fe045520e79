"""The images analysis over a whole library, a chunk of images at a time.

A library of 100,000 measured images would otherwise hold every image's facts, its
measurements and a row per opportunity at once (about 170 MB): `library_optimization`
reads IMAGE_CHUNK images at a time, keeps the first rows of each ranked list and sums
the rest, and lets a report sum what else it needs over the same chunks (`visit`).
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from mediatop.analytics.images.opportunities import (
    OptimizationOpportunity,
    OversizedImageData,
    UnoptimizedImageData,
    image_optimization,
    oversized_order,
    rank,
    unoptimized_order,
)
from mediatop.encode_plan import ImageFacts
from mediatop.store.measurements import Measurement, measured_image_ids
from mediatop.store.queries.image_facts import (
    image_fact_chunks,
    load_image_facts,
    max_display_widths,
)
from mediatop.store.queries.media import requests_by_file


@dataclass(frozen=True)
class LibraryOptimization:
    """`image_optimization` over a whole library, cut to the rows a report shows.

    `oversized`, `unoptimized` and `opportunities` are ranked as `image_optimization`
    ranks them and cut to `limit`; `opportunity_count` and the resize_* figures count
    them all: `resize_candidates` every oversized image, `resize_count` those not
    measured to save nothing.
    """

    oversized: list[OversizedImageData]
    unoptimized: list[UnoptimizedImageData]
    opportunities: list[OptimizationOpportunity]
    opportunity_count: int
    resize_count: int
    resize_bytes: int
    resize_unmeasured: int
    resize_candidates: int


@dataclass(frozen=True)
class ImageChunk:
    """What `library_optimization` read of a few images: their facts (by id), their
    measurements, their largest display widths and their requests over the window
    (read for the measured ones only: only they rank by a saving)."""

    facts: list[ImageFacts]
    measured: dict[int, dict[str, Measurement]]
    widths: dict[int, int]
    requests: dict[int, int]


def image_chunks(
    conn: sqlite3.Connection, ids: Iterable[int], window: tuple[str, str]
) -> Iterator[ImageChunk]:
    """The present images among `ids`, a chunk at a time (`image_fact_chunks`), with
    the measured ones' requests over `window`."""
    for facts, measured, widths in image_fact_chunks(conn, ids):
        requests = requests_by_file(conn, *window, ids=[f.id for f in facts if f.id in measured])
        yield ImageChunk(facts, measured, widths, requests)


def library_optimization(
    conn: sqlite3.Connection,
    window: tuple[str, str],
    limit: int,
    flagged: Iterable[int],
    too_wide: Iterable[int],
    visit: Callable[[ImageChunk], None] | None = None,
) -> LibraryOptimization:
    """`image_optimization` over a library without holding its images all at once.

    `flagged`: the images the unoptimised heuristics may flag (`image_census`);
    `too_wide`: the images wider than twice their display (`oversized_ids`).
    Measured and flagged images go through `image_optimization` a chunk at a time
    (`visit` sees each chunk, for what else a report sums over them), keeping only the
    first `limit` rows of each list. Every other oversized image can only be an
    unmeasured resize, which ranks by id alone, so those are counted and only the first
    `limit` of them (by the two orders they rank in) are built. Call `with_requests` on
    the rows you show.
    """
    oversized: list[OversizedImageData] = []
    unoptimized: list[UnoptimizedImageData] = []
    opportunities: list[OptimizationOpportunity] = []
    known: set[int] = set()
    count = resize_count = resize_bytes = resize_unmeasured = 0
    for chunk in image_chunks(conn, {*measured_image_ids(conn), *flagged}, window):
        if visit is not None:
            visit(chunk)
        known.update(f.id for f in chunk.facts)
        full = image_optimization(chunk.facts, chunk.widths, chunk.measured, chunk.requests)
        # sorted is stable and chunks come in id order: the rows kept are the ones one
        # sort of every image would keep
        oversized = sorted([*oversized, *full.oversized], key=oversized_order)[:limit]
        unoptimized = sorted([*unoptimized, *full.unoptimized], key=unoptimized_order)[:limit]
        opportunities = rank([*opportunities, *full.opportunities])[:limit]
        count += len(full.opportunities)
        resizes = [o for o in full.opportunities if o.type == "resize"]
        resize_count += len(resizes)
        resize_bytes += sum(o.potential_savings or 0 for o in resizes)
        resize_unmeasured += sum(1 for o in resizes if not o.measured)
    too_wide = set(too_wide)
    plain = [i for i in too_wide if i not in known]
    # Unmeasured resizes rank last among equals by id: oversized rows by the str id,
    # opportunities by the int id; the first `limit` in each order can reach a list.
    chosen = {*heapq.nsmallest(limit, plain, key=str), *heapq.nsmallest(limit, plain)}
    extra = image_optimization(
        load_image_facts(conn, chosen), max_display_widths(conn, chosen), {}, {}
    )
    return LibraryOptimization(
        oversized=sorted([*oversized, *extra.oversized], key=oversized_order)[:limit],
        unoptimized=unoptimized,
        opportunities=rank([*opportunities, *extra.opportunities])[:limit],
        opportunity_count=count + len(plain),
        resize_count=resize_count + len(plain),
        resize_bytes=resize_bytes,
        resize_unmeasured=resize_unmeasured + len(plain),
        resize_candidates=len(too_wide),
    )
