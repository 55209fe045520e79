"""The library surface's reads for browsing from a screen: the files a page uses, the
exact copies of a file and an image's thumbnail for a preview.

`MediaLibrary` inherits these; a face calls them on it, like every other surface
method. Each opens its own read connection, so any thread may call it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mediatop.errors import ReportError, StoreError
from mediatop.library_live import LiveLibrary

if TYPE_CHECKING:
    from mediatop.measure.thumbnail import Thumbnail


class BrowseLibrary(LiveLibrary):
    """Reads a screen needs to go from one thing to the next."""

    def thumbnail(self, file_id: int, max_width: int, max_height: int) -> Thumbnail:
        """A picture of image `file_id` scaled to fit max_width × max_height pixels,
        decoded in the sandboxed pool; ReportError says why there is none."""
        from mediatop.measure.thumbnail import make_thumbnail
        from mediatop.store.files import get_file

        with self._browsing() as conn:
            media = get_file(conn, file_id)
        if media is None or media.kind != "image" or media.deleted_at is not None:
            raise ReportError(f"no image {file_id} in the library")
        try:
            return make_thumbnail(self.settings.root, media.path, max_width, max_height)
        except ValueError as exc:
            raise ReportError(f"no preview: {exc}") from None

    @contextlib.contextmanager
    def _browsing(self) -> Iterator[sqlite3.Connection]:
        with self._reader() as conn:
            try:
                yield conn
            except sqlite3.Error as exc:
                raise StoreError(f"store error: {exc}") from exc
