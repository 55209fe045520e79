"""Image probe: format, dimensions, mode, animation, progressive, JPEG quality, bits per pixel.

Reads headers only (Pillow's `Image.open` decodes nothing until asked). The
decompression-bomb guard is Pillow's own MAX_IMAGE_PIXELS, turned into an error, so a
20000×20000 PNG is recorded as refused rather than decoded.

Width and height are the picture's as a browser shows it: an EXIF orientation that
turns it a quarter (5 to 8, a phone photo held upright) swaps the stored two, so that
"wider than it is shown" compares like with like; `extra["orientation"]` keeps any
orientation other than the plain 1.
"""

from __future__ import annotations

import contextlib
import re
import struct
import warnings
from typing import Any, BinaryIO

from mediatop.model import EXIF_ORIENTATION, QUARTER_TURNS, ProbeResult

MAX_IMAGE_PIXELS = 80_000_000  # above ~80 megapixels a web image is a bomb or a mistake
SVG_HEAD_BYTES = 65_536

# The IJG standard luminance quantisation table; a JPEG's table is this one scaled by
# its quality setting, so the ratio of the sums gives the quality back.
_STD_LUMINANCE_SUM = sum(
    (16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
     14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
     18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
     49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99)
)  # fmt: skip


def estimate_jpeg_quality(luminance_table: list[int]) -> int:
    """The IJG quality (1-100) whose scaled standard table best matches this one."""
    scale = 100.0 * sum(luminance_table) / _STD_LUMINANCE_SUM
    quality = (200.0 - scale) / 2.0 if scale <= 100 else 5000.0 / scale
    return max(1, min(100, round(quality)))


def _svg_probe(source: BinaryIO) -> ProbeResult:
    head = source.read(SVG_HEAD_BYTES).decode("utf-8", errors="replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.IGNORECASE | re.DOTALL)
    if not tag:
        return ProbeResult(format="SVG", error="no <svg> element in the first 64 KiB")
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(0)))

    def length(name: str) -> int | None:
        number = re.match(r"\s*([\d.]+)\s*(px)?\s*$", attrs.get(name, ""))
        return round(float(number.group(1))) if number else None

    width, height = length("width"), length("height")
    view_box = attrs.get("viewBox", "").replace(",", " ").split()
    if (width is None or height is None) and len(view_box) == 4:
        with contextlib.suppress(ValueError):
            width, height = round(float(view_box[2])), round(float(view_box[3]))
    return ProbeResult(format="SVG", width=width, height=height, extra={"vector": True})


def _orientation(image: Any) -> int | None:
    """The EXIF orientation tag from the header's EXIF block (a JPEG's APP1, a WebP or
    PNG eXIf chunk, a TIFF's tags), never decoding a pixel; None without one."""
    from PIL import Image

    block = image.info.get("exif")
    if isinstance(block, bytes) and block:
        exif = Image.Exif()
        try:
            exif.load(block)  # under probe_image's filter: a damaged block only warns
        except (SyntaxError, ValueError, OSError, struct.error):
            return None  # a damaged EXIF block: no orientation to honour
        value = exif.get(EXIF_ORIENTATION)
    else:
        value = getattr(image, "tag_v2", {}).get(EXIF_ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def probe_image(source: BinaryIO, size: int) -> ProbeResult:
    """Header facts of the image open in `source` (named as the file: see scan.opened)."""
    if source.name.lower().endswith(".svg"):
        return _svg_probe(source)
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a damaged header's warnings: the probe goes on
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"Image size ({width * height} pixels)")
                frames = int(getattr(image, "n_frames", 1) or 1)
                info = image.info
                quality = None
                tables = getattr(image, "quantization", None)
                if image.format == "JPEG" and tables:
                    quality = estimate_jpeg_quality(list(tables[0]))
                progressive = bool(info.get("progressive") or info.get("progression"))
                extra: dict[str, Any] = {"interlaced": True} if info.get("interlace") else {}
                orientation = _orientation(image)
                if orientation not in (None, 1):
                    extra["orientation"] = orientation
                shown = (height, width) if orientation in QUARTER_TURNS else (width, height)
                return ProbeResult(
                    format=image.format,
                    width=shown[0],
                    height=shown[1],
                    mode=image.mode,
                    animated=bool(getattr(image, "is_animated", False)),
                    frames=frames,
                    progressive=progressive if image.format == "JPEG" else None,
                    quality=quality,
                    bits_per_pixel=round(size * 8 / (width * height), 4)
                    if width and height
                    else None,
                    extra=extra,
                )
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Pillow's own words name its hard limit (twice this one) above that: ours
            # says the limit that refused it.
            found = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = f"{int(found[1]):,} pixels, " if found else ""
            limit = MAX_IMAGE_PIXELS // 1_000_000
            return ProbeResult(error=f"refused: {pixels}over the {limit} MP limit (a bomb guard)")
        except UnidentifiedImageError:
            return ProbeResult(error="not an image Pillow can read")
