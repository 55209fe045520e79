"""What the image analytics know of the library as a whole: the format census, the
images the unoptimised heuristics flag, the oversized ones.

Each image's facts, its display width and its encode plan are `mediatop.encode_plan`'s
(shared with the measurement step); their rows are read by `store.queries.image_facts`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mediatop.encode_plan import (
    MODE_BYTES,
    OVERSIZE_FACTOR,
    RECOMPRESS_ABOVE_QUALITY,
    max_width_from_sizes,
)
from mediatop.store.queries.images import (
    census_by_format_and_mode,
    sizes_without_width,
    wider_than_displayed,
)
from mediatop.store.queries.images import still_and_flagged as store_still_and_flagged

PNG_PHOTO_MIN_BITS_PER_PIXEL = 6.0


@dataclass(frozen=True)
class FormatCensus:
    """Present images of one format ('unknown' when not probed): how many, their bytes, the sum and
    count of their known compression ratios (file ÷ decoded bytes), and how many are still
    (not animated)."""

    format: str
    count: int
    size: float
    ratio_sum: float
    ratios: int
    still: int


def image_census(conn: sqlite3.Connection) -> list[FormatCensus]:
    """Per-format figures of present images in one pass over media_files, most common
    format first (ties by name); formats are named 'unknown' when not probed.
    """
    # Each mode's bytes per pixel divides its group's sum once instead of a CASE on
    # every row.
    groups: dict[str, list[Any]] = {}
    for name, mode, count, size, density_sum, densities, still in census_by_format_and_mode(conn):
        name = "unknown" if name is None else name
        bytes_per_pixel = MODE_BYTES.get(mode)
        ratio_sum, ratios = (
            (density_sum / bytes_per_pixel, densities) if bytes_per_pixel else (0, 0)
        )
        row = [count, size, ratio_sum, ratios, int(still)]
        if (same := groups.get(name)) is None:
            groups[name] = row
        else:  # another mode, or a format actually named 'unknown' joining the unprobed
            groups[name] = [a + b for a, b in zip(same, row, strict=True)]
    return [
        FormatCensus(name, *row)
        for name, row in sorted(groups.items(), key=lambda item: (-item[1][0], item[0]))
    ]


def still_and_flagged(
    conn: sqlite3.Connection, formats: Iterable[str]
) -> tuple[int, tuple[int, ...]]:
    """(present still images in `formats`, the ids `unoptimized_reasons` may flag: JPEG
    above quality 90, BMP/TIFF, opaque PNG over PNG_PHOTO_MIN_BITS_PER_PIXEL bits per
    pixel) in one pass without grouping by format (the sort a GROUP BY needs is most of
    its cost)."""
    return store_still_and_flagged(
        conn, formats, RECOMPRESS_ABOVE_QUALITY, PNG_PHOTO_MIN_BITS_PER_PIXEL
    )


def oversized_image_ids(conn: sqlite3.Connection) -> list[int]:
    """Present images wider than OVERSIZE_FACTOR × their largest display width
    (`recommended_width` over `max_display_widths`), mostly in SQL: only the locations
    whose width comes from a `sizes` attribute are read into Python."""
    from_sizes: dict[int, int] = {}
    for media_id, sizes in sizes_without_width(conn):
        width = max_width_from_sizes(sizes)
        if width and width > from_sizes.get(media_id, 0):
            from_sizes[media_id] = width
    return wider_than_displayed(conn, from_sizes, OVERSIZE_FACTOR)
