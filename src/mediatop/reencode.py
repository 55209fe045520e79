"""Re-encoding one image: what measuring a saving predicts is what optimize writes.

`measure.savings` re-encodes a library image to learn the size of a target (a WebP, an
AVIF, a JPEG at quality 85, a resize to twice its display width); `cleanup.optimize`
re-encodes it to write that target. Both run this one function, so a measured saving
is the saving a plan applies: the same decode (at a reduced JPEG scale when resizing),
the same mode, the same encoder options, the ICC profile and EXIF block kept, and a
picture that EXIF turns a quarter sized by the width it is shown at. Runs in the
isolated worker pool (`mediatop.workers.pool`), on untrusted files.
"""

from __future__ import annotations

import io
from typing import IO

from mediatop.encode_plan import encoder_mode, resized_size, save_options
from mediatop.model import EXIF_ORIENTATION, QUARTER_TURNS


class PixelLimitError(ValueError):
    """The image has more pixels than the worker may decode."""


def reencode(
    source: str | IO[bytes],
    fmt: str,
    quality: int | None,
    lossless: bool,
    width: int | None,
    max_pixels: int,
) -> bytes:
    """The image at `source` (a path or a file object) encoded as `fmt`, resized for a
    display width of `width` when that is smaller than it is shown (never upscaled)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(source) as im:
        if im.width * im.height > max_pixels:
            raise PixelLimitError(f"{im.width}x{im.height} is over the {max_pixels} pixel limit")
        keep: dict[str, object] = {
            name: im.info[name] for name in ("icc_profile", "exif") if im.info.get(name)
        }
        turned = im.getexif().get(EXIF_ORIENTATION) in QUARTER_TURNS
        new_size = resized_size(im.width, im.height, width, turned)
        if new_size is not None:
            im.draft("RGB", new_size)  # JPEG: decode at a reduced scale, much faster
        picture = im.convert(encoder_mode(im.mode, im.info, fmt))
        if new_size is not None:
            picture = picture.resize(new_size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, fmt, **save_options(fmt, quality, lossless), **keep)
        return out.getvalue()
