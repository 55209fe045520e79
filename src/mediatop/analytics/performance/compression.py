"""Compression savings: bytes the library's WebP and AVIF files save against the JPEG/PNG
originals they replace (the performance report's `compressionSavings`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mediatop.analytics._rollups import range_sums
from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.store.queries.performance import (
    all_time_bytes,
    modern_images,
    present_sizes_by_path,
)

# Typical size of the JPEG/PNG a WebP or AVIF replaces (as a multiple of the modern file):
# WebP lossy is ~30 % smaller than JPEG at equal SSIM and WebP lossless ~26 % smaller than
# PNG (Google's WebP compression studies); AVIF ~50 % smaller than JPEG (AOM/Netflix).
ORIGINAL_RATIO = {"webp_lossy": 1 / 0.70, "webp_lossless": 1 / 0.74, "avif": 1 / 0.50}
# Extensions of a same-name original beside a WebP/AVIF (its measured counterpart).
_ORIGINAL_EXTS = (b".jpg", b".jpeg", b".png", b".JPG", b".JPEG", b".PNG")


@dataclass(frozen=True)
class CompressionSavings:
    """Bytes saved by files already in WebP/AVIF against the JPEG/PNG they replace.

    `measured_files` had a JPEG/PNG of the same name beside them: their saving is the
    real size difference. The others are estimated with ORIGINAL_RATIO (`method`).
    """

    bytes_saved: int
    files: int
    measured_files: int
    estimated_original_bytes: int
    bandwidth_saved_bytes: int
    by_format: dict[str, int]
    method: str


def _served_bytes(ctx: ReportContext, ids: list[int]) -> dict[int, int]:
    """Bytes served per file over the range (`all`: the one-row-per-file all-time totals)."""
    if not ctx.time_range.is_all:
        return {i: sums.bytes for i, sums in range_sums(ctx, ids).items()}
    return all_time_bytes(ctx.conn, ids)


def _ratio_key(ext: str, mode: str | None, meta: str | None) -> str:
    if ext.lstrip(".") == "avif":
        return "avif"
    lossless = meta is not None and '"lossless": true' in meta
    return "webp_lossless" if lossless or (mode or "").endswith("A") else "webp_lossy"


def _modern_originals(ctx: ReportContext) -> list[tuple[int, int, int, str, int]]:
    """(id, size, original size, 'webp' | 'avif', 1 when measured) of each present WebP/AVIF
    file: a library fact, since only the bytes served depend on events."""
    modern = modern_images(ctx.conn)
    stems = {os.path.splitext(bytes(row[1]))[0] for row in modern}
    siblings: dict[bytes, int] = {}
    wanted = [stem + ext for stem in sorted(stems) for ext in _ORIGINAL_EXTS]
    # The JPEG/PNG files present with the same stem as a WebP/AVIF.
    for path, size in present_sizes_by_path(ctx.conn, wanted):
        stem = os.path.splitext(path)[0]
        siblings[stem] = max(siblings.get(stem, 0), size)
    found = []
    for file_id, path, ext, size, mode, meta in modern:
        stem = os.path.splitext(bytes(path))[0]
        key = _ratio_key(ext, mode, meta)
        original = siblings[stem] if stem in siblings else round(size * ORIGINAL_RATIO[key])
        fmt = "avif" if key == "avif" else "webp"
        found.append((file_id, size, original, fmt, int(stem in siblings)))
    return found


def compression_savings(ctx: ReportContext) -> CompressionSavings:
    """Bytes saved by the library's WebP and AVIF files against their JPEG/PNG originals.

    Where a JPEG or PNG with the same name (path without extension) is present beside a
    WebP/AVIF file, the saving is measured: that file's size minus the modern file's.
    Otherwise it is estimated from typical ratios (ORIGINAL_RATIO): a lossy WebP stands
    for a JPEG 1/0.70 its size, a lossless or alpha WebP for a PNG 1/0.74 its size, an
    AVIF for a JPEG twice its size. Bandwidth saved applies the same per-file factor to
    the bytes served in the range. (savings_cache is not used here: it measures savings
    still to be had by converting JPEG/PNG files, which the images report counts.)
    """
    modern = library_fact(ctx, "modern_image_originals", lambda: _modern_originals(ctx))
    served = _served_bytes(ctx, [file_id for file_id, *_ in modern])
    saved = originals = bandwidth_saved = measured = 0
    by_format: dict[str, int] = {}
    for file_id, size, original, fmt, is_measured in modern:
        factor = original / size if size else 1.0
        measured += is_measured
        saved += original - size
        originals += original
        bandwidth_saved += round(served.get(file_id, 0) * (factor - 1))
        by_format[fmt] = by_format.get(fmt, 0) + original - size
    return CompressionSavings(
        bytes_saved=saved,
        files=len(modern),
        measured_files=measured,
        estimated_original_bytes=originals,
        bandwidth_saved_bytes=bandwidth_saved,
        by_format=by_format,
        method="same-name JPEG/PNG where present, else WebP ≈ 0.70× JPEG (0.74× PNG "
        "when lossless or alpha), AVIF ≈ 0.50× JPEG",
    )
