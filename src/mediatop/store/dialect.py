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


def json_ids(conn: sqlite3.Connection) -> str:
    """A subquery of the integers in a JSON array passed as one parameter (any number of
    ids): SQLite's json_each, PostgreSQL's json_array_elements_text."""
    if is_postgres(conn):
        return "(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json)))"
    return "(SELECT value FROM json_each(?))"


def json_texts(conn: sqlite3.Connection) -> str:
    """A subquery of the strings in a JSON array passed as one parameter."""
    if is_postgres(conn):
        return "(SELECT value FROM json_array_elements_text(CAST(? AS json)))"
    return "(SELECT value FROM json_each(?))"


def indexed_by(conn: sqlite3.Connection, index: str) -> str:
    """SQLite's INDEXED BY, naming the index a read must use; nothing on PostgreSQL,
    whose planner picks its own."""
    return "" if is_postgres(conn) else f" INDEXED BY {index}"


def ordered_join(conn: sqlite3.Connection) -> str:
    """A join whose left side SQLite must read first (CROSS JOIN ... ON fixes the order);
    PostgreSQL's planner picks the order, and its CROSS JOIN takes no ON."""
    return "JOIN" if is_postgres(conn) else "CROSS JOIN"


def utc_day(conn: sqlite3.Connection, column: str) -> str:
    """'YYYY-MM-DD' (UTC) of a column of Unix seconds."""
    if is_postgres(conn):
        return f"to_char(to_timestamp({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"date({column}, 'unixepoch')"


def distinct_from(conn: sqlite3.Connection) -> str:
    """The inequality that takes NULL as a value: SQLite's IS NOT, PostgreSQL's
    IS DISTINCT FROM."""
    return "IS DISTINCT FROM" if is_postgres(conn) else "IS NOT"


def same_as(conn: sqlite3.Connection) -> str:
    """The equality that takes NULL as a value: SQLite's IS, PostgreSQL's
    IS NOT DISTINCT FROM."""
    return "IS NOT DISTINCT FROM" if is_postgres(conn) else "IS"


def joined_ids(conn: sqlite3.Connection, column: str) -> str:
    """An aggregate of a group's integers as one comma-separated string: SQLite's
    group_concat, PostgreSQL's string_agg."""
    if is_postgres(conn):
        return f"string_agg(CAST({column} AS TEXT), ',')"
    return f"group_concat({column})"


def whole_part(conn: sqlite3.Connection, expression: str) -> str:
    """The integer part of a number, cut toward zero: SQLite's CAST AS INTEGER does so,
    PostgreSQL's rounds, so there it is trunc first."""
    if is_postgres(conn):
        return f"CAST(trunc({expression}) AS BIGINT)"
    return f"CAST({expression} AS INTEGER)"


def json_object_pairs(conn: sqlite3.Connection, param: str) -> str:
    """The (integer key, integer value) pairs of a JSON object passed as `param`, with the
    FROM that reads them (the SELECT's own keyword left to the caller)."""
    if is_postgres(conn):
        return (
            f"CAST(key AS BIGINT), CAST(value AS BIGINT) FROM json_each_text(CAST({param} AS json))"
        )
    return f"CAST(key AS INTEGER), value FROM json_each({param})"
