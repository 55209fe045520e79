"""The store as a whole, for the faces: copying a library's store into a new one.

`MediaLibrary` inherits this; `MediaLibrary.copy_store(SRC, DST)` needs no library
open, as `mediatop store copy` has no root.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.errors import MissingInputError, StoreCopyRefused, StoreWriteError

if TYPE_CHECKING:
    from mediatop.store.copy import CopyProgress, StoreCopy


class StoreLibrary:
    """Whole-store operations."""

    @staticmethod
    def copy_store(
        source: Path,
        destination: Path,
        *,
        progress: Callable[[CopyProgress], None] | None = None,
    ) -> StoreCopy:
        """Copy every table of the store at `source` into a new store at `destination`
        (created; an existing one must hold nothing a new store would not). Refused with
        StoreCopyRefused for a destination that is not new or is the source itself,
        MissingInputError for a source that does not exist; StoreError for a store that
        cannot be opened. A copy that fails part-way leaves part of the store at
        `destination`, and says so."""
        from mediatop.store import connect
        from mediatop.store.copy import copy_store, refuse_unless_new

        if not source.is_file():
            raise MissingInputError(f"no store at {source}")
        if destination.exists() and os.path.samefile(source, destination):
            raise StoreCopyRefused(f"{destination} is the store being copied: name a new store")
        reader = connect(source, readonly=True)
        try:
            writer = connect(destination)
            try:
                refuse_unless_new(writer, str(destination))
                return copy_store(reader, writer, progress)
            except sqlite3.Error as exc:
                raise StoreWriteError(
                    f"the copy into {destination} stopped ({exc}); what it copied is left "
                    "there: remove it before copying again"
                ) from exc
            finally:
                writer.close()
        finally:
            reader.close()
