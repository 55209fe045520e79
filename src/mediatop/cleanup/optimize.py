"""Optimise: which measured re-encodings to plan for each image, and the encoding itself.

Planning reads the measured savings (`savings_cache`, filled by `mediatop.measure`) and
takes, per image, the measured target that saves the most:

- in place, keeping the name and format: a resize to twice the largest display width
  (`resize:W`) or a JPEG re-encode at 85 (`jpeg:85`);
- with `convert`, also a WebP or AVIF version written as a sibling (`photo.webp`
  beside `photo.jpg`, which stays: pages name the original until they are changed).

The encoding (`encode_image`, run in the isolated worker pool on the bytes read through
the file's folder descriptor, so no path is opened twice) never upscales, keeps the ICC
profile and the EXIF block (and so the orientation) and says when the result is not
smaller than the original, in which case the file is skipped.
"""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from mediatop.cleanup.plan import Candidate, Encoding
from mediatop.encode_plan import (
    EncodeTarget,
    ImageFacts,
    avif_supported,
    plan_targets,
)
from mediatop.reencode import reencode
from mediatop.store.measurements import Measurement, cached_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths

DEFAULT_MAX_PIXELS = 50_000_000
_SIBLING_SUFFIX = {"WEBP": b".webp", "AVIF": b".avif"}


@dataclass(frozen=True)
class Opportunity:
    """One image and the measured re-encoding planned for it."""

    candidate: Candidate
    mtime_ns: int
    encoding: Encoding


def optimize_opportunities(conn: sqlite3.Connection, *, convert: bool) -> list[Opportunity]:
    """Per present image, the measured target saving the most (in place, or with
    `convert` also a sibling WebP/AVIF), largest saving first."""
    facts = load_image_facts(conn)
    widths = max_display_widths(conn)
    measured = cached_measurements(conn)
    found = []
    for image in facts:
        best = _best_target(image, widths.get(image.id), measured.get(image.id, {}), convert)
        if best is not None:
            target, after = best
            found.append(_opportunity(image, target, after))
    found.sort(key=lambda o: (o.encoding.bytes_after - o.candidate.size, o.candidate.path))
    return found


def _best_target(
    image: ImageFacts, width: int | None, measured: Mapping[str, Measurement], convert: bool
) -> tuple[EncodeTarget, int] | None:
    best: tuple[EncodeTarget, int] | None = None
    for target in plan_targets(image, width):
        if target.format in _SIBLING_SUFFIX and not convert:
            continue
        result = measured.get(target.name)
        after = None if result is None else result.encoded_size
        if after is None or after >= image.size:
            continue  # not measured, failed, or no saving: no opportunity
        if best is None or after < best[1]:
            best = (target, after)
    return best


def _opportunity(image: ImageFacts, target: EncodeTarget, after: int) -> Opportunity:
    output = image.path
    evidence = [f"{target.name}: {image.size} bytes measured to {after}"]
    if target.format in _SIBLING_SUFFIX:
        stem, dot, _ext = image.path.rpartition(b".")
        output = (stem if dot else image.path) + _SIBLING_SUFFIX[target.format]
        evidence.append(f"written beside the original as {os.fsdecode(output)}")
    if target.width:
        evidence.append(f"resized to {target.width} px wide, twice its largest display")
    candidate = Candidate(
        media_id=image.id, path=image.path, size=image.size, reason="optimize", risk="low",
        confidence=None, evidence=tuple(evidence),
    )  # fmt: skip
    encoding = Encoding(
        target=target.name, format=target.format, quality=target.quality,
        lossless=target.lossless, width=target.width, output=output, bytes_after=after,
    )  # fmt: skip
    return Opportunity(candidate, image.mtime_ns, encoding)


def avif_note() -> str | None:
    """Why no AVIF is planned, or None when this Pillow writes AVIF."""
    return None if avif_supported() else "this Pillow cannot write AVIF; only WebP is planned"


@dataclass(frozen=True)
class EncodeTask:
    """An image's bytes and how to re-encode them (what a pool worker receives)."""

    media_id: int  # two copies of one image are two tasks
    data: bytes
    format: str
    quality: int | None
    lossless: bool
    width: int | None
    max_pixels: int = DEFAULT_MAX_PIXELS


def encode_image(task: EncodeTask) -> bytes:
    """The re-encoded image (runs in a worker process; see the module docstring)."""
    return reencode(
        io.BytesIO(task.data), task.format, task.quality, task.lossless, task.width,
        task.max_pixels,
    )  # fmt: skip
