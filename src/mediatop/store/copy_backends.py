"""What `store.copy` does differently on each backend: the table catalogue, the one
snapshot a source is read in, how rows stream out of a source and into a destination,
and (PostgreSQL) the identity sequences set past the copied ids.

SQLite: sqlite_master, a read transaction (a snapshot), a cursor's fetchmany, one
executemany per batch. PostgreSQL: information_schema, REPEATABLE READ (without it
each statement would see its own moment), a server-side cursor (a client one would
hold a whole table in memory), COPY per batch (many times faster than INSERTs).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

from mediatop.store.dialect import is_postgres

# PostgreSQL's one-row table of the schema version (SQLite keeps it in a PRAGMA): each
# store keeps its own, so it is never copied.
_SCHEMA_TABLE = "mediatop_schema"


def quoted(name: str) -> str:
    """An identifier as SQL names it, whatever it is (`current_time` is a keyword)."""
    return '"' + name.replace('"', '""') + '"'


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The store's tables, by name (each backend's own bookkeeping tables left out)."""
    if is_postgres(conn):
        names = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        ).fetchall()
    else:
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
    # sorted here: the two backends' collations order underscores differently
    return sorted(str(name) for (name,) in names if name != _SCHEMA_TABLE)


def column_names(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of `table`, in the schema's order (from an empty result's cursor)."""
    cursor = conn.execute(f"SELECT * FROM {quoted(table)} LIMIT 0")
    return [column[0] for column in cursor.description or ()]


def row_count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {quoted(table)}").fetchone()[0])


def begin_snapshot(conn: sqlite3.Connection) -> None:
    """Begin the one read transaction the whole copy reads in: one moment of the store,
    even while an ingest goes on."""
    if is_postgres(conn):
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        conn.execute("BEGIN")


def read_batches(
    conn: sqlite3.Connection, sql: str, size: int
) -> Iterator[Sequence[Sequence[Any]]]:
    """The rows of `sql` (no parameters), `size` at a time, without holding them all."""
    if is_postgres(conn):
        from mediatop.store.pg_connection import PgConnection

        yield from cast(PgConnection, conn).stream(sql, size)
        return
    cursor = conn.execute(sql)
    while batch := cursor.fetchmany(size):
        yield batch


def write_batch(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Append `rows` to `table`, in the caller's transaction."""
    names = [quoted(column) for column in columns]
    if is_postgres(conn):
        from mediatop.store.pg_connection import copy_rows

        copy_rows(conn, quoted(table), names, rows)
        return
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO {quoted(table)} ({', '.join(names)}) VALUES ({marks})", rows)


def reset_identities(conn: sqlite3.Connection) -> None:
    """PostgreSQL: set each identity (or serial) column's sequence past the column's
    largest value, so that the next insert without an id does not take a copied one.
    SQLite needs nothing: a rowid is always one past the largest."""
    if not is_postgres(conn):
        return
    columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
    ).fetchall()
    for table, column in columns:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence(?, ?), "
            f"COALESCE((SELECT MAX({quoted(column)}) FROM {quoted(table)}), 0) + 1, false)",
            (quoted(table), column),
        )
