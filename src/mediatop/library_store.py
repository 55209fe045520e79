"""The store as a whole, for the faces: copying a library's store into a new one.

`MediaLibrary` inherits this; `MediaLibrary.copy_store(SRC, DST)` needs no library
open, as `mediatop store copy` has no root. Either store may be a SQLite file or a
`postgresql://` URL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.errors import MissingInputError, StoreCopyRefused, StoreError, StoreWriteError

if TYPE_CHECKING:
    from mediatop.store.copy import CopyProgress, StoreCopy


def _store(name: Path | str) -> Path | str:
    """A --db value as `store.connect` takes it: a server URL as it is, else a path."""
    from mediatop.store.dialect import is_server_url

    return str(name) if is_server_url(str(name)) else Path(name)


class StoreLibrary:
    """Whole-store operations."""

    @staticmethod
    def store_name(store: Path | str) -> str:
        """A store as a message shows it: a file's path, a server URL without its password."""
        from mediatop.store.pg_connection import describe

        opened = _store(store)
        return describe(opened) if isinstance(opened, str) else str(opened)

    @staticmethod
    def copy_store(
        source: Path | str,
        destination: Path | str,
        *,
        progress: Callable[[CopyProgress], None] | None = None,
    ) -> StoreCopy:
        """Copy every table of the store at `source` (a file or a `postgresql://` URL)
        into a new store at `destination` (created; an existing one must hold nothing a
        new store would not). Refused with StoreCopyRefused for a destination that is not
        new or is the source itself, MissingInputError for a source file that does not
        exist; StoreError for a store that cannot be opened. A copy that fails part-way
        leaves part of the store at `destination`, and says so."""
        from mediatop.store import connect
        from mediatop.store.copy import copy_store, refuse_unless_new

        source, destination = _store(source), _store(destination)
        _refuse_same(source, destination)
        reader = connect(source, readonly=True)
        try:
            writer = connect(destination)
            try:
                refuse_unless_new(writer, StoreLibrary.store_name(destination))
                return copy_store(reader, writer, progress)
            except (sqlite3.Error, StoreError) as exc:
                raise StoreWriteError(
                    f"the copy into {StoreLibrary.store_name(destination)} stopped ({exc}); "
                    "what it copied is left there: remove it before copying again"
                ) from exc
            finally:
                writer.close()
        finally:
            reader.close()


def _refuse_same(source: Path | str, destination: Path | str) -> None:
    """Refuse a missing source file, and a destination that is the source."""
    if isinstance(source, Path) and not source.is_file():
        raise MissingInputError(f"no store at {source}")
    if isinstance(source, Path) and isinstance(destination, Path):
        same = destination.exists() and os.path.samefile(source, destination)
    elif isinstance(source, str) and isinstance(destination, str):
        from mediatop.store.pg_connection import database_of

        same = database_of(source) == database_of(destination)
    else:
        same = False
    if same:
        name = StoreLibrary.store_name(destination)
        raise StoreCopyRefused(f"{name} is the store being copied: name a new store")
