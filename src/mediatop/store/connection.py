"""Opening the store: WAL, busy timeout, numbered migrations on PRAGMA user_version.

`connect` is for sync callers (CLI batch work, workers); `connect_async` gives an
aiosqlite connection for the TUI and the server. Both run the same migrations and
refuse a store written by a newer mediatop or a file that is not a SQLite database.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiosqlite

BUSY_TIMEOUT_MS = 30_000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """A store that cannot be used; the message is meant for the user."""


class StoreTooNewError(StoreError):
    """The store was written by a newer mediatop than this one."""


class StoreCorruptError(StoreError):
    """The file is not a usable SQLite database."""


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("mediatop.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


# SQLite's default build caps a mapping at about 2 GiB; the first 2 GiB of a larger
# store are mapped, the rest read as usual.
READ_MMAP_BYTES = 2**31

MIGRATIONS = _migrations()
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA temp_store = MEMORY")
    # 64 MiB of page cache: a 100k-file library's tables and indexes stay in memory
    # during a scan instead of spilling to the WAL mid-transaction.
    conn.execute("PRAGMA cache_size = -65536")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreTooNewError(
            f"{path} was written by a newer mediatop (store version {current}, this one "
            f"knows up to {SCHEMA_VERSION}); upgrade mediatop or use another --db"
        )
    pending = [(number, sql) for number, sql in MIGRATIONS if number > current]
    for number, sql in pending:
        if number == HOURLY_ROLLUPS:
            _migrate_with_rebuild(conn, number, sql)
            continue
        # executescript commits first, so each migration runs in its own explicit
        # transaction and bumps user_version inside it: a crash leaves the old version.
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")


# The migration that adds the hourly rollups; they are rebuilt from the raw events in
# the same transaction (store.hourly_rebuild), which SQL alone cannot do.
HOURLY_ROLLUPS = 32


def _migrate_with_rebuild(conn: sqlite3.Connection, number: int, sql: str) -> None:
    from mediatop.store.hourly_rebuild import rebuild_hourly_rollups

    try:
        # executescript commits a transaction open before it, not one it begins itself.
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
        rebuild_hourly_rollups(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _upgrade(path: Path) -> None:
    """Run the pending migrations of an older store (for a read-only opener)."""
    try:
        connect(path).close()
    except StoreCorruptError:
        raise
    except StoreError as exc:
        raise StoreError(
            f"{path} was written by an older mediatop and could not be upgraded ({exc}); "
            "run `mediatop scan` once with write access to it"
        ) from exc


def default_store_folder() -> Path:
    """Where stores live unless --db says otherwise: the user's state directory."""
    from platformdirs import user_state_path

    return user_state_path("mediatop")


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the store at `path`.

    Raises StoreError subclasses with a user-facing message for a store that is too
    new, corrupt or unreadable. The connection is in autocommit mode: use
    `transaction()` for writes so that each batch is one transaction.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; a store is a file (pass --db FILE)")
    if readonly and not path.exists():
        raise StoreError(f"no store at {path}; run `mediatop scan` first")
    try:
        if not readonly and not path.parent.is_dir():
            if path.parent != default_store_folder():
                # A mistyped --db must not leave a tree of new folders behind.
                raise StoreError(f"cannot create store {path}: folder {path.parent} not found")
            path.parent.mkdir(parents=True, exist_ok=True)
        uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc
    try:
        _configure(conn)
        if readonly:
            # Readers map the file instead of copying its pages into a cache of their
            # own: a report's fresh connection (a forked half of one) then starts from
            # the OS page cache at once. Writers never shrink the file (no VACUUM),
            # which is what makes a mapping unsafe.
            conn.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreTooNewError(
                    f"{path} was written by a newer mediatop (store version {version})"
                )
            if version < SCHEMA_VERSION:
                # An older mediatop wrote it: a reader would miss the newer tables.
                # Migrate through a short write connection, then read as asked.
                conn.close()
                _upgrade(path)
                return connect(path, readonly=True)
        else:
            _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreCorruptError(
            f"{path} is not a usable mediatop store ({exc}); move it aside or pass another --db"
        ) from exc
    except StoreError:
        conn.close()
        raise
    return conn


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind `conn`'s main database ('' for an in-memory store)."""
    return str(conn.execute("PRAGMA database_list").fetchone()[2])


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


async def connect_async(path: Path | str) -> aiosqlite.Connection:
    """An aiosqlite connection to a store that `connect` has created and migrated.

    Migrations run once through a short-lived sync connection so that both paths
    share one implementation. Close the returned connection on exit, or the app
    hangs on quit waiting for aiosqlite's thread.
    """
    import aiosqlite

    connect(path).close()
    conn = await aiosqlite.connect(Path(path), isolation_level=None)
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        # Cancelled here (a quit while the watcher starts), the connection would only
        # be closed when collected, and a kept traceback holds it past the exit.
        conn.stop()
        raise
    return conn
