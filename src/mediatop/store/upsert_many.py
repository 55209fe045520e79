"""One upsert of many rows, the way each backend takes it fastest.

A statement is given as its head (`INSERT INTO t AS stored (a, b)`), its width (values
per row) and its tail (`ON CONFLICT (...) DO UPDATE SET ...`). SQLite runs it once per
row with executemany (in-process, that is its fastest way). PostgreSQL takes a few rows
as one multi-row VALUES, and more (a big batch's per-file hours) by COPY into a staging
table of the session's own (emptied first), then one `INSERT ... SELECT ... ON CONFLICT`:
a round of psycopg's pipeline per row, or a text of parameters to quote per row, costs
more than the server's work on it. Inside `store.held_writes.held_until_end` the
statement that writes the table is held back to the scope's end (the COPY is not). The
rows are written in the order given (the staging table keeps it in a column of its
own), which is key order (store.lock_order). The rows' keys must be distinct (they are
a batch's aggregated keys), as one PostgreSQL statement may not update a row twice.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any

from mediatop.store.dialect import is_postgres
from mediatop.store.held_writes import before_staging, hold_move, run_or_hold

ROWS_PER_STATEMENT = 200
_HEAD = re.compile(r"INSERT INTO (\w+) AS stored \(([^)]*)\)")


def _values(width: int, rows: int) -> str:
    one = "(" + ",".join("?" * width) + ")"
    return ",".join([one] * rows)


def upsert_many(
    conn: sqlite3.Connection, head: str, width: int, tail: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Run `head VALUES (...) tail` for each of `rows`."""
    if not is_postgres(conn):
        conn.executemany(f"{head} VALUES {_values(width, 1)} {tail}", rows)
        return
    if len(rows) > ROWS_PER_STATEMENT:
        _through_staging(conn, head, tail, rows)
    elif rows:
        run_or_hold(conn, f"{head} VALUES {_values(width, len(rows))} {tail}",
                    list(chain.from_iterable(rows)))  # fmt: skip


def _through_staging(
    conn: sqlite3.Connection, head: str, tail: str, rows: Sequence[Sequence[Any]]
) -> None:
    """COPY `rows` into the table's staging table (created once a session: a temporary
    table of the target's columns and types, plus the rows' order; emptied first), then
    move them all into the table in that order in one statement."""
    found = _HEAD.fullmatch(head.strip())
    if found is None:
        raise ValueError(f"upsert_many: a head it cannot read: {head!r}")
    from mediatop.store.pg_connection import copy_rows  # psycopg: only a PostgreSQL store's

    table, columns = found[1], found[2]
    names = [name.strip() for name in columns.split(",")]
    staging = f"staging_{table}"
    conn.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "
        f"SELECT {columns}, 0::bigint AS position FROM {table} WITH NO DATA"
    )
    before_staging(conn, staging)
    # Emptied here, not by the move: a temporary table is never vacuumed, so rows deleted
    # from it leave their pages behind, and every later move would read them all again.
    conn.execute(f"TRUNCATE {staging}")
    copy_rows(conn, staging, [*names, "position"],
              ((*row, position) for position, row in enumerate(rows)))  # fmt: skip
    hold_move(conn, staging, f"{head} SELECT {columns} FROM {staging} ORDER BY position {tail}")


_VALUES = re.compile(r"\s+VALUES\s*\(([?,\s]*)\)\s*")


@functools.lru_cache(maxsize=64)
def _split(sql: str) -> tuple[str, int, str]:
    found = _VALUES.search(sql)
    if found is None:
        raise ValueError(f"upsert_rows: no VALUES (?, ...) in {sql!r}")
    return sql[: found.start()].strip(), found[1].count("?"), sql[found.end() :]


def upsert_rows(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """`conn.executemany(sql, rows)` for an upsert written whole (`INSERT INTO t AS stored
    (...) VALUES (?, ...) ON CONFLICT ...`): as it is on SQLite, by `upsert_many` on
    PostgreSQL."""
    if not is_postgres(conn):
        conn.executemany(sql, rows)
        return
    head, width, tail = _split(sql)
    upsert_many(conn, head, width, tail, rows)
