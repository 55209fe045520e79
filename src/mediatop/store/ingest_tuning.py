"""The connection settings of a bulk ingest, and the WAL checkpoints around it.

While ingesting, the WAL is checkpointed every ~200 MB instead of every 4 MB (each
checkpoint syncs the database file), then once at the end; and the page cache is
smaller (ingest writes append-mostly, and it keeps each process under 200 MB).
SQLite-only: these are PRAGMAs. A PostgreSQL store keeps the server's settings (its
WAL is the server's to manage): there each step does nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mediatop.store.dialect import is_postgres

WAL_BYTES_DURING_INGEST = 200 * 2**20
CACHE_KIB_DURING_INGEST = -16_384  # negative: KiB, as PRAGMA cache_size takes it


def tune_for_ingest(conn: sqlite3.Connection) -> tuple[int, int]:
    """Set the ingest's WAL and cache sizes; the settings they replaced (for
    `restore_after_ingest`)."""
    if is_postgres(conn):
        return 0, 0
    # SQLite-only: PRAGMAs
    previous = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    previous_cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    page_bytes = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_BYTES_DURING_INGEST // page_bytes}")
    conn.execute(f"PRAGMA cache_size = {CACHE_KIB_DURING_INGEST}")
    return previous, previous_cache


def restore_after_ingest(conn: sqlite3.Connection, previous: tuple[int, int]) -> None:
    """Put back the settings `tune_for_ingest` replaced, and copy the WAL into the
    database without waiting for readers."""
    if is_postgres(conn):
        return
    # SQLite-only: PRAGMAs
    conn.execute(f"PRAGMA wal_autocheckpoint = {int(previous[0])}")
    conn.execute(f"PRAGMA cache_size = {int(previous[1])}")
    checkpoint_wal(conn)


def checkpoint_wal(conn: sqlite3.Connection) -> None:
    """Copy what the WAL holds into the database, as far as readers allow (a passive
    checkpoint never blocks a writer)."""
    if is_postgres(conn):
        return
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # SQLite-only: the WAL


def database_path(conn: sqlite3.Connection) -> Path | str:
    """The file of the connection's main database (for another process to open); a
    PostgreSQL store's URL."""
    if is_postgres(conn):
        return str(getattr(conn, "url", ""))
    # SQLite-only: the store is one file
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))
