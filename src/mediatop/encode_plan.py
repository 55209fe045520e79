"""The encode plan of an image: which re-encodings are worth measuring, from its facts alone.

One rule, written once, for the images analysis (which reports the plan and the savings
stored for it) and the measurement step (which re-encodes the images as planned). Pure:
it reads no store and no file, so both sources and analytics may use it.

Display width: an image is shown at the largest `display_width` of its usage
locations. When a location has no width but has a `sizes` attribute (srcset), the
largest width `sizes` allows is used: `800px` -> 800; `(max-width: 600px) 100vw` -> 600
(the viewport is at most 600 px there); a bare `100vw` allows any width, so it says
nothing (None). Images with no known display width are never called oversized.

Encode plans (what the savings worker measures, see `plan_targets`):
- JPEG sources are re-encoded lossy at their own estimated quality (85 when unknown),
  as WebP and AVIF; a JPEG above quality 90 is also re-encoded as JPEG at 85 ('jpeg:85').
- Lossless sources (PNG, GIF, BMP, TIFF) are re-encoded as lossless WebP only: a lossy
  AVIF would not be the same picture, so its size would not be a fair saving.
- WebP sources: AVIF at the same quality (80 when unknown). AVIF, SVG, ICO, HEIC and
  animated images are not re-encoded.
- Oversized images (natural width > 2 × the largest display width) are also resized to
  2 × that width in their own format ('resize:<width>').
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

LOSSY_DEFAULT_QUALITY = 85
WEBP_DEFAULT_QUALITY = 80
RECOMPRESS_ABOVE_QUALITY = 90
RECOMPRESS_QUALITY = 85
OVERSIZE_FACTOR = 2

LOSSLESS_FORMATS = frozenset({"PNG", "GIF", "BMP", "TIFF"})
# Bytes per decoded pixel of each Pillow mode.
MODE_BYTES = {"1": 0.125, "L": 1, "P": 1, "LA": 2, "PA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3,
              "LAB": 3, "HSV": 3, "RGBA": 4, "RGBa": 4, "CMYK": 4, "I": 4, "F": 4}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """One present image with the probe fields the image analytics use."""

    id: int
    path: bytes
    group_path: bytes
    variant: str | None
    size: int
    mtime_ns: int
    format: str | None
    width: int | None
    height: int | None
    mode: str | None
    quality: int | None
    animated: bool
    uploaded_at: int

    @property
    def decoded_bytes(self) -> float | None:
        """Bytes of the decoded pixels (width × height × bytes per pixel of its mode)."""
        if not self.width or not self.height or self.mode not in MODE_BYTES:
            return None
        return self.width * self.height * MODE_BYTES[self.mode]


@dataclass(frozen=True)
class EncodeTarget:
    """One re-encoding to measure: its cache name, Pillow format and settings."""

    name: str  # 'webp', 'avif', 'jpeg:85', 'resize:1600'
    format: str  # Pillow format name
    quality: int | None
    lossless: bool
    width: int | None = None  # resize to this width (keeping the aspect ratio)


_SIZES_ENTRY = re.compile(r"^\s*(?:\((?P<media>[^)]*)\)\s*)?(?P<len>[\d.]+)(?P<unit>px|vw)\s*$")
_MAX_WIDTH = re.compile(r"max-width\s*:\s*([\d.]+)px")


def max_width_from_sizes(sizes: str | None) -> int | None:
    """The largest slot width (px) a `sizes` attribute allows, or None when unbounded/unknown."""
    if not sizes:
        return None
    widest = 0.0
    for entry in sizes.split(","):
        match = _SIZES_ENTRY.match(entry.strip())
        if not match:
            return None
        length = float(match.group("len"))
        if match.group("unit") == "px":
            widest = max(widest, length)
            continue
        bound = _MAX_WIDTH.search(match.group("media") or "")
        if bound is None:
            return None  # a vw slot for any viewport width: no upper bound
        widest = max(widest, float(bound.group(1)) * length / 100)
    return round(widest) or None


def recommended_width(facts: ImageFacts, display_width: int | None) -> int | None:
    """2 × the largest display width when the image is oversized against it, else None."""
    if not display_width or not facts.width:
        return None
    target = OVERSIZE_FACTOR * display_width
    return target if facts.width > target else None


def source_quality(facts: ImageFacts) -> int:
    """The lossy quality that matches the source (its JPEG estimate, clamped to 30..95)."""
    default = WEBP_DEFAULT_QUALITY if facts.format == "WEBP" else LOSSY_DEFAULT_QUALITY
    return max(30, min(95, facts.quality or default))


@cache
def avif_supported() -> bool:
    """Whether this Pillow can write AVIF (checked once)."""
    from PIL import features

    return bool(features.check("avif"))


def plan_targets(facts: ImageFacts, display_width: int | None) -> tuple[EncodeTarget, ...]:
    """The re-encodings worth measuring for this image (see the module docstring)."""
    fmt = facts.format
    if facts.animated or fmt not in {"JPEG", "WEBP", *LOSSLESS_FORMATS}:
        return ()
    quality = source_quality(facts)
    targets: list[EncodeTarget] = []
    if fmt == "JPEG":
        targets.append(EncodeTarget("webp", "WEBP", quality, False))
        if avif_supported():
            targets.append(EncodeTarget("avif", "AVIF", quality, False))
        if facts.quality and facts.quality > RECOMPRESS_ABOVE_QUALITY:
            name = f"jpeg:{RECOMPRESS_QUALITY}"
            targets.append(EncodeTarget(name, "JPEG", RECOMPRESS_QUALITY, False))
    elif fmt == "WEBP":
        if avif_supported():
            targets.append(EncodeTarget("avif", "AVIF", quality, False))
    else:
        targets.append(EncodeTarget("webp", "WEBP", None, True))
    width = recommended_width(facts, display_width)
    if width:
        own_format = "PNG" if fmt in LOSSLESS_FORMATS else fmt
        targets.append(
            EncodeTarget(f"resize:{width}", own_format, quality, fmt in LOSSLESS_FORMATS, width)
        )
    return tuple(targets)


@cache
def _base_target_names(fmt: str | None, animated: bool, recompress: bool) -> tuple[str, ...]:
    probe = ImageFacts(0, b"", b"", None, 0, 0, fmt, None, None, None,
                       95 if recompress else None, animated, 0)  # fmt: skip
    return tuple(t.name for t in plan_targets(probe, None))


def target_names(facts: ImageFacts, display_width: int | None) -> tuple[str, ...]:
    """The names of `plan_targets(facts, display_width)`, computed cheaply (for whole
    libraries: which cache entries an image needs)."""
    recompress = bool(facts.quality and facts.quality > RECOMPRESS_ABOVE_QUALITY)
    base = _base_target_names(facts.format, facts.animated, recompress)
    if not base:
        return ()
    width = recommended_width(facts, display_width)
    return (*base, f"resize:{width}") if width else base


def resized_size(
    width: int, height: int, target: int | None, turned: bool
) -> tuple[int, int] | None:
    """The pixel size of a `width`×`height` picture resized for a display width of
    `target` (the stored height is the shown width when EXIF turns the picture a
    quarter), or None: never upscaled. What optimize writes and what measuring predicts."""
    if not target:
        return None
    shown = height if turned else width
    if target >= shown:
        return None
    scale = target / shown
    return max(1, round(width * scale)), max(1, round(height * scale))


# libavif's speed 8 is about 3× faster than its default 6 for files a few percent larger;
# measuring and optimize both encode at it, so a measured saving is the one a plan writes.
AVIF_SPEED = 8


def save_options(fmt: str, quality: int | None, lossless: bool) -> dict[str, object]:
    """Pillow's save() options for a target: what measuring and optimize both encode with."""
    if fmt == "PNG":
        return {"optimize": True}
    if lossless:
        return {"lossless": True, "quality": 80, "method": 4}
    options: dict[str, object] = {"quality": quality or LOSSY_DEFAULT_QUALITY}
    if fmt == "JPEG":
        options.update(optimize=True, progressive=True)
    elif fmt == "WEBP":
        options["method"] = 4
    elif fmt == "AVIF":
        options["speed"] = AVIF_SPEED
    return options


def encoder_mode(mode: str, info: Mapping[Any, object], fmt: str) -> str:
    """A mode the target's encoder takes that keeps the source's colours (a CMYK JPEG
    stays CMYK) and transparency: what measuring and optimize both convert to."""
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in info
    if fmt == "JPEG":
        return mode if mode in ("L", "RGB", "CMYK") else "RGB"
    if fmt == "PNG":
        return mode if mode in ("1", "L", "P", "RGB", "RGBA", "LA") else "RGBA"
    return "RGBA" if has_alpha else "RGB"
