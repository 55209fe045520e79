"""An image's preview on its file screen, drawn in half blocks (rich-pixels): two pixels
per cell, so it works in any colour terminal, over SSH too, with no graphics protocol.

The pixels come from the library surface (`MediaLibrary.thumbnail`), decoded in the
sandboxed pool; this widget only draws raw RGB values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from mediatop.tui.plain import plain

if TYPE_CHECKING:
    from mediatop.library_types import Thumbnail

# The box the thumbnail fits: cells wide, and twice the cells high in pixels.
PREVIEW_COLUMNS = 48
PREVIEW_ROWS = 16


class ImagePreview(Static):
    """The thumbnail of an image, or why there is none."""

    def show_thumbnail(self, thumbnail: Thumbnail) -> None:
        from PIL import Image
        from rich_pixels import HalfcellRenderer, Pixels

        # Raw pixels made by the sandboxed worker: nothing is decoded here.
        picture = Image.frombytes("RGB", (thumbnail.width, thumbnail.height), thumbnail.rgb)
        self.update(Pixels.from_image(picture, renderer=HalfcellRenderer()))

    def show_problem(self, message: str) -> None:
        self.update(plain(message, "dim"))

    def show_waiting(self) -> None:
        self.update(Text("Drawing the preview…", style="dim"))
