"""A small picture of an image, for the file screen's preview.

The image is decoded in the pool for untrusted decoding (`workers.pool`: a time limit,
a memory limit, a crash costs only the worker) and comes back as raw RGB pixels a few
dozen wide, which the face draws without decoding anything itself. Only regular files
under the root are read (`rootfs.resolve_inside`), and images over the pixel limit of
the savings measurer are refused before they are decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mediatop.measure.rootfs import resolve_inside
from mediatop.measure.savings import DEFAULT_MAX_PIXELS
from mediatop.reencode import PixelLimitError

THUMBNAIL_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Thumbnail:
    """An image scaled to fit a box, as `width` × `height` RGB pixels (3 bytes each)."""

    width: int
    height: int
    rgb: bytes


def _thumbnail_worker(task: tuple[str, int, int]) -> Thumbnail:
    """The image at `path` scaled to fit `max_width` × `max_height` (in a worker process)."""
    from PIL import Image

    path, max_width, max_height = task
    Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
    with Image.open(path) as im:
        width, height = im.size
        if width * height > DEFAULT_MAX_PIXELS:
            raise PixelLimitError(f"{width}x{height} is over the {DEFAULT_MAX_PIXELS} pixel limit")
        im.draft("RGB", (max_width, max_height))  # JPEG: decode at a reduced scale
        picture = im.convert("RGB")
        picture.thumbnail((max_width, max_height))
        return Thumbnail(picture.width, picture.height, picture.tobytes())


def make_thumbnail(root: Path, relative: bytes, max_width: int, max_height: int) -> Thumbnail:
    """A thumbnail of the library image at `relative`; ValueError says why there is none
    (not a file under the root, not decodable, too big, too slow)."""
    from mediatop.workers.pool import run_isolated

    path = resolve_inside(root, relative)
    if path is None:
        raise ValueError("not a regular file under the media folder")
    task = (str(path), max(1, max_width), max(1, max_height))
    outcomes, _ = run_isolated(_thumbnail_worker, [task], workers=1, timeout_s=THUMBNAIL_TIMEOUT_S)
    outcome = outcomes[0]
    if outcome.result is None:
        raise ValueError(outcome.error or "the image could not be read")
    return outcome.result
