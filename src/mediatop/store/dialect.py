"""Which SQL a store speaks, and the small helpers for the common differences.

A store is SQLite (a file) or PostgreSQL (a `postgresql://` URL); the store modules
keep both statements side by side where they differ and pick one with `is_postgres`.
This module imports neither driver: telling the two apart costs one isinstance check.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

Dialect = Literal["sqlite", "postgres"]

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(store: Path | str) -> bool:
    """Whether `store` (a --db value) names a PostgreSQL store rather than a file."""
    return isinstance(store, str) and store.startswith(SERVER_SCHEMES)


def dialect(conn: sqlite3.Connection) -> Dialect:
    """The SQL `conn` speaks: a PostgreSQL store's connection says so itself."""
    return "sqlite" if isinstance(conn, sqlite3.Connection) else "postgres"


def is_postgres(conn: sqlite3.Connection) -> bool:
    return not isinstance(conn, sqlite3.Connection)


def insert_or_ignore(conn: sqlite3.Connection, into: str) -> tuple[str, str]:
    """The head and tail of an insert that skips rows whose key exists: SQLite's
    `INSERT OR IGNORE INTO t ...`, PostgreSQL's `INSERT INTO t ... ON CONFLICT DO NOTHING`."""
    if is_postgres(conn):
        return f"INSERT INTO {into}", " ON CONFLICT DO NOTHING"
    return f"INSERT OR IGNORE INTO {into}", ""


def greatest(conn: sqlite3.Connection) -> str:
    """The larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST."""
    return "GREATEST" if is_postgres(conn) else "MAX"


def least(conn: sqlite3.Connection) -> str:
    """The smaller of two values: SQLite's two-argument MIN, PostgreSQL's LEAST."""
    return "LEAST" if is_postgres(conn) else "MIN"
