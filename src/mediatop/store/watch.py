"""Telling a face that the store changed: another connection has committed to it.

Headless: `watch_store` calls back with a `StoreChanged` value, and the face (the
dashboard today) turns it into a message of its own. A SQLite store is polled (PRAGMA
data_version); a PostgreSQL store notifies: every commit that changes a table sends
a notification on the channel `mediatop_store` (a trigger of its baseline schema),
and the watcher LISTENs on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.waiting import stopped_within

if TYPE_CHECKING:
    import aiosqlite

STORE_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class StoreChanged:
    """Another connection (this app's scan worker, `mediatop ingest` in another process)
    committed to the store; `data_version` is the store's change counter after it."""

    data_version: int


async def watch_store(
    db_path: Path | str,
    stop: asyncio.Event,
    on_change: Callable[[StoreChanged], object],
    interval: float = STORE_POLL_SECONDS,
    *,
    readonly: bool = False,
    on_watching: Callable[[], object] | None = None,
) -> None:
    """Call `on_change` whenever another connection commits to the store, until `stop`
    is set; `on_watching`, once the watch holds (a commit from then on is seen).

    Polling the change counter costs one tiny query a second and never reads a table.
    `readonly` watches a store this process cannot write through a read-only connection.
    """
    from mediatop.store.connection import connect_async
    from mediatop.store.dialect import is_server_url

    if is_server_url(db_path):
        await _listen(str(db_path), stop, on_change, interval, on_watching)
        return
    path = Path(db_path)
    conn = await connect_async(path, readonly=readonly)
    try:
        still_a_database(path)
        held = file_identity(path)
        last = await data_version(conn)
        if on_watching is not None:
            on_watching()
        while not await stopped_within(stop, interval):
            still_a_database(path)
            if file_identity(path) not in (held, None):
                # Another file was put in its place (a backup moved over it): this
                # connection reads the old one, whose counter never moves again, and
                # keeps its -wal and -shm beside the new one until it closes.
                await conn.close()
                conn = await connect_async(path, readonly=readonly)
                held = file_identity(path)
                last = await data_version(conn)
                on_change(StoreChanged(last))
                continue
            current = await data_version(conn)
            if current != last:
                last = current
                on_change(StoreChanged(current))
    finally:
        # An aiosqlite connection left open keeps its thread alive and hangs the quit.
        await conn.close()


CHANNEL = "mediatop_store"


async def _listen(
    url: str,
    stop: asyncio.Event,
    on_change: Callable[[StoreChanged], object],
    interval: float,
    on_watching: Callable[[], object] | None,
) -> None:
    """Call `on_change` for each notification on CHANNEL (numbered: the counter stands
    for data_version), looking at `stop` at least every `interval` seconds; `on_watching`
    once it listens."""
    import psycopg

    from mediatop.errors import StoreError
    from mediatop.store.pg_connection import describe, first_line

    try:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(f"cannot watch {describe(url)}: {first_line(exc)}") from exc
    changes = 0
    try:
        await conn.execute(f"LISTEN {CHANNEL}")
        if on_watching is not None:
            on_watching()
        while not stop.is_set():
            async for _ in conn.notifies(timeout=interval, stop_after=1):
                changes += 1
                on_change(StoreChanged(changes))
    except psycopg.Error as exc:
        raise StoreError(f"lost {describe(url)}: {first_line(exc)}") from exc
    finally:
        await conn.close()


SQLITE_HEADER = b"SQLite format 3\x00"


def still_a_database(path: Path) -> None:
    """Raise sqlite3.DatabaseError when the file at `path` no longer begins as a SQLite
    database does: overwritten by something other than SQLite. The watch's connection
    would not see it: the change counter and the page it reads come from its cache or
    the WAL, so the store looked fine until a load read the rest."""
    import sqlite3

    # A store removed is not told: a watch started again would create an empty one.
    with contextlib.suppress(FileNotFoundError), path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise sqlite3.DatabaseError("file is not a database")


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at `path` (None when there is none): which file
    a path names, to tell a file renamed into its place from one written in place."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


async def data_version(conn: aiosqlite.Connection) -> int:
    """A number that changes whenever a connection other than `conn` commits."""
    # SQLite-only: PRAGMA data_version (a PostgreSQL store notifies instead: `_listen`).
    cursor = await conn.execute("PRAGMA data_version")
    row = await cursor.fetchone()
    await cursor.close()
    assert row is not None
    return int(row[0])
