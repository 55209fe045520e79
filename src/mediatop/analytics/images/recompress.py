"""Two re-encodings the optimisation report counts: JPEGs above quality 90 encoded
again at 85 (its compress line) and still images converted to WebP (its convert line).

Both read cached measurements only; `library_savings` runs them over every image once
per library generation, and the report builds the rows it shows with them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mediatop.analytics.images.opportunities import (
    MIN_FORMAT_SAVING_BYTES,
    MIN_FORMAT_SAVING_FRACTION,
    OptimizationOpportunity,
)
from mediatop.encode_plan import RECOMPRESS_ABOVE_QUALITY, RECOMPRESS_QUALITY, ImageFacts
from mediatop.store.measurements import Measurement

CONVERTIBLE_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF")


def webp_conversions(
    facts: Iterable[ImageFacts], measured: Mapping[int, Mapping[str, Measurement]]
) -> tuple[int, int, int]:
    """Of still JPEG/PNG/GIF/BMP/TIFF `facts`: how many have a measured WebP encoding
    that saves at least 5 % and 1 KiB, how many have one measured, and its bytes saved."""
    known = measured_count = saved = 0
    for item in facts:
        if item.format not in CONVERTIBLE_FORMATS or item.animated:
            continue
        webp = measured.get(item.id, {}).get("webp")
        if not webp:
            continue
        measured_count += webp.saving is not None
        if webp.saving is not None and webp.saving >= max(
            MIN_FORMAT_SAVING_BYTES, MIN_FORMAT_SAVING_FRACTION * item.size
        ):
            known += 1
            saved += webp.saving
    return known, measured_count, saved


def jpeg_recompressions(
    facts: Iterable[ImageFacts],
    measured: Mapping[int, Mapping[str, Measurement]],
    requests: Mapping[int, int],
) -> tuple[list[OptimizationOpportunity], int]:
    """JPEGs above quality 90 not measured to save nothing by re-encoding at 85, and how
    many were (candidates that are no opportunity)."""
    found: list[OptimizationOpportunity] = []
    disproved = 0
    for item in facts:
        if item.format != "JPEG" or not item.quality or item.quality <= RECOMPRESS_ABOVE_QUALITY:
            continue
        again = measured.get(item.id, {}).get(f"jpeg:{RECOMPRESS_QUALITY}")
        saving = None if again is None else again.saving
        if saving is not None and saving <= 0:
            disproved += 1  # re-encoding at 85 measured no smaller
            continue
        n = requests.get(item.id, 0)
        found.append(
            OptimizationOpportunity(
                "compress", str(item.id), item.path, "image", saving, "medium",
                saving is not None, n, None if saving is None else saving * n,
                current_size=item.size,
                recommended_size=None if saving is None else item.size - saving,
                current_format="JPEG", recommended_format="JPEG",
                reason=f"JPEG quality {item.quality}: re-encode at {RECOMPRESS_QUALITY}",
            )
        )  # fmt: skip
    return found, disproved
