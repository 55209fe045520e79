"""Opening the store: WAL, busy timeout, numbered migrations on PRAGMA user_version.

`connect` is for sync callers (CLI batch work, workers); `connect_async` gives an
aiosqlite connection for the TUI and the server. Both run the same migrations and
refuse a store written by a newer mediatop or a file that is not a SQLite database.
A store this process cannot write is refused to writers with a message naming the file
or folder at fault, and opened by readers without writing anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mediatop.config import default_node, default_store_folder
from mediatop.errors import StoreCorruptError, StoreError, StoreReadOnlyError, StoreTooNewError
from mediatop.store.access import WRITE_ADVICE, read_uri, write_problem
from mediatop.store.dialect import is_postgres, is_server_url
from mediatop.store.migration_files import SCHEMA_VERSION, migrations

if TYPE_CHECKING:
    import aiosqlite

BUSY_TIMEOUT_MS = 30_000


# SQLite's primary result codes for a file that is not a sound database.
_NOT_A_DATABASE = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


# SQLite's default build caps a mapping at about 2 GiB; the first 2 GiB of a larger
# store are mapped, the rest read as usual.
READ_MMAP_BYTES = 2**31
# A lean reader's page cache (negative: KiB, as PRAGMA cache_size takes it).
LEAN_CACHE_KIB = -8192


# The page size of a new store (SQLite-only; an existing store keeps its own). Larger
# pages than the default 4 KiB: ingest appends millions of rows, and a WAL checkpoint
# copies a quarter as many pages (bench/ingest.py: 5-6% less CPU); the ranged reports
# read as fast (bench/report.py).
NEW_STORE_PAGE_BYTES = 16384


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:  # setting the journal mode writes the file's header
        # takes effect only on a file with no tables yet, before WAL is set
        conn.execute(f"PRAGMA page_size = {NEW_STORE_PAGE_BYTES}")
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
    pending = [(number, sql) for number, sql in migrations("sqlite") if number > current]
    if current == 0 and pending:
        # A new store: every migration in one transaction. Their Python steps have
        # nothing to carry over (no events to roll up, no checkpoints to adopt), and a
        # first scan then starts ~25 ms sooner.
        script = "\n".join(sql for _, sql in pending)
        last = pending[-1][0]
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {last};\nCOMMIT;")
        return
    for number, sql in pending:
        if number in (HOURLY_ROLLUPS, CHECKPOINT_NODES):
            _migrate_with_step(conn, number, sql)
            continue
        # executescript commits first, so each migration runs in its own explicit
        # transaction and bumps user_version inside it: a crash leaves the old version.
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")


# The migration that adds the hourly rollups; they are rebuilt from the raw events in
# the same transaction (store.hourly_rebuild), which SQL alone cannot do.
HOURLY_ROLLUPS = 32
# The migration that gives each checkpoint a node; those stored before are this host's
# (store.checkpoints.adopt_checkpoints), which SQL alone cannot know either.
CHECKPOINT_NODES = 41


def _migration_step(conn: sqlite3.Connection, number: int) -> None:
    """What migration `number` does in Python after its SQL, in its transaction."""
    if number == HOURLY_ROLLUPS:
        from mediatop.store.hourly_rebuild import rebuild_hourly_rollups

        rebuild_hourly_rollups(conn)
    else:
        from mediatop.store.checkpoints import adopt_checkpoints

        adopt_checkpoints(conn, default_node())


def _migrate_with_step(conn: sqlite3.Connection, number: int, sql: str) -> None:
    try:
        # executescript commits a transaction open before it, not one it begins itself.
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
        _migration_step(conn, number)
        conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _upgrade(path: Path, version: int) -> None:
    """Run the pending migrations of an older store (for a read-only opener)."""
    problem = write_problem(path)
    if problem:
        raise StoreReadOnlyError(
            f"{path} was written by an older mediatop (store version {version}) and must be "
            f"upgraded before it can be read, but {problem}; run `mediatop scan ROOT --db "
            f"{path}` once as a user who may write it"
        )
    try:
        connect(path).close()
    except StoreCorruptError:
        raise
    except StoreError as exc:
        raise StoreError(
            f"{path} was written by an older mediatop and could not be upgraded ({exc}); "
            "run `mediatop scan` once with write access to it"
        ) from exc


def connect(path: Path | str, *, readonly: bool = False, lean: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the store at `path`.

    Raises StoreError subclasses with a user-facing message for a store that is too
    new, corrupt or unreadable. The connection is in autocommit mode: use
    `transaction()` for writes so that each batch is one transaction.

    A `lean` reader neither maps the file nor keeps a large page cache: a process that
    stays open (the dashboard) would otherwise hold every page its reads touched, some
    400 MB of a 10M-event store, as its own memory.
    """
    if is_server_url(path):
        return _connect_server(str(path), readonly=readonly)
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; a store is a file (pass --db FILE)")
    _check_readable(path) if readonly else _check_writable(path)
    try:
        if not readonly and not path.parent.is_dir():
            if path.parent != default_store_folder():
                # A mistyped --db must not leave a tree of new folders behind.
                raise StoreError(f"cannot create store {path}: folder {path.parent} not found")
            path.parent.mkdir(parents=True, exist_ok=True)
        uri = read_uri(path) if readonly else f"{path.resolve().as_uri()}?mode=rwc"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc
    try:
        _configure(conn, readonly)
        if readonly:
            # Readers map the file instead of copying its pages into a cache of their
            # own: a report's fresh connection (a forked half of one) then starts from
            # the OS page cache at once. Writers never shrink the file (no VACUUM),
            # which is what makes a mapping unsafe.
            if lean:
                conn.execute(f"PRAGMA cache_size = {LEAN_CACHE_KIB}")
            else:
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
                _upgrade(path, version)
                return connect(path, readonly=True, lean=lean)
        else:
            _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _refusal(path, exc, readonly) from exc
    except StoreError:
        conn.close()
        raise
    return conn


def _connect_server(url: str, *, readonly: bool) -> sqlite3.Connection:
    """A PostgreSQL store's connection (store.pg_connection), created and migrated."""
    from mediatop.store.pg_migrations import open_migrated

    # Typed as the SQLite connection the store's modules take: it offers the subset of
    # it they use, and they branch on store.dialect where the SQL differs.
    return cast("sqlite3.Connection", open_migrated(url, readonly=readonly))


def _refusal(path: Path, exc: sqlite3.DatabaseError, readonly: bool) -> StoreError:
    """What to say when SQLite fails on a store: only a file that is not a sound database
    is to be moved aside; any other failure (a permission, a lock) is named as it is."""
    if getattr(exc, "sqlite_errorcode", 26) & 0xFF in _NOT_A_DATABASE:
        return StoreCorruptError(
            f"{path} is not a usable mediatop store ({exc}); move it aside or pass another --db"
        )
    problem = write_problem(path)
    return StoreError(
        f"cannot {'read' if readonly else 'open'} the store {path} ({exc})"
        + (f": {problem}" if problem else "")
    )


def _check_writable(path: Path) -> None:
    """Refuse, naming the file or folder at fault, a store this process cannot write."""
    problem = write_problem(path)
    if problem is None:
        return
    if path.exists() and path.stat().st_size == 0:
        raise StoreReadOnlyError(
            f"{path} is an empty file (0 bytes), not a mediatop store yet, and it cannot "
            f"become one: {problem}; run the command as a user who may write it, or pass "
            "another --db"
        )
    if path.exists():
        raise StoreReadOnlyError(f"cannot write the store {path}: {problem}; {WRITE_ADVICE}")
    raise StoreReadOnlyError(
        f"cannot create the store {path}: {problem}; run the command as a user who may "
        "write there, or pass --db with a store elsewhere"
    )


def _check_readable(path: Path) -> None:
    """Refuse a store a reader cannot open: missing, or empty (0 bytes) and unwritable.

    SQLite reads an empty file as an empty database: one this process may write is made
    a new store (the reader's migrations do that); one it may not is said to be empty.
    """
    if not path.exists():
        problem = write_problem(path)
        if problem:
            raise StoreError(
                f"no store at {path}, and `mediatop scan` cannot make one there: {problem}"
            )
        raise StoreError(f"no store at {path}; run `mediatop scan` first")
    if path.stat().st_size == 0:
        problem = write_problem(path)
        if problem:
            raise StoreError(
                f"{path} is an empty file (0 bytes), not a mediatop store yet, and it cannot "
                f"become one: {problem}; run `mediatop scan ROOT --db {path}` as a user who "
                "may write it, or pass another --db"
            )


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind `conn`'s main database ('' for an in-memory store); a PostgreSQL
    store's URL, which `connect` opens again."""
    if is_postgres(conn):
        return str(getattr(conn, "url", ""))
    return str(conn.execute("PRAGMA database_list").fetchone()[2])


# The folder beside the store where cleanup keeps quarantined files (mediatop.cleanup).
QUARANTINE_SUFFIX = b".quarantine"
# SQLite-only: the files SQLite keeps beside a database (WAL, shared memory, journal),
# the quarantine folder and the ingests' lock file (store/log_readers.py): a scan of a
# root that holds the store leaves them all out.
READERS_LOCK_SUFFIX = b"-readers.lock"
STORE_FILE_SUFFIXES = (b"", b"-wal", b"-shm", b"-journal", QUARANTINE_SUFFIX, READERS_LOCK_SUFFIX)


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


async def connect_async(path: Path | str, *, readonly: bool = False) -> aiosqlite.Connection:
    """An aiosqlite connection to a store that `connect` has created and migrated.

    Migrations run once through a short-lived sync connection so that both paths
    share one implementation. Close the returned connection on exit, or the app
    hangs on quit waiting for aiosqlite's thread. `readonly` opens it as `connect`'s
    readers do, so a store this process cannot write can still be watched.
    """
    import aiosqlite

    path = Path(path)
    connect(path, readonly=readonly).close()
    if readonly:
        conn = await aiosqlite.connect(read_uri(path), uri=True, isolation_level=None)
    else:
        conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        # Cancelled here (a quit while the watcher starts), the connection would only
        # be closed when collected, and a kept traceback holds it past the exit.
        conn.stop()
        raise
    return conn
