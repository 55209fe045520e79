"""One upsert of many rows, the way each backend takes it fastest.

A statement is given as its head (`INSERT INTO t AS stored (a, b)`), its width (values
per row) and its tail (`ON CONFLICT (...) DO UPDATE SET ...`). SQLite runs it once per
row with executemany (in-process, that is its fastest way). PostgreSQL takes the rows
ROWS_PER_STATEMENT at a time as one multi-row VALUES: a round of psycopg's pipeline
per row costs more than the server's work on it. The rows' keys must be distinct (they
are a batch's aggregated keys), as one PostgreSQL statement may not update a row twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any

from mediatop.store.dialect import is_postgres

ROWS_PER_STATEMENT = 200


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
    whole = len(rows) - len(rows) % ROWS_PER_STATEMENT
    if whole:
        step = ROWS_PER_STATEMENT
        conn.executemany(
            f"{head} VALUES {_values(width, step)} {tail}",
            [list(chain.from_iterable(rows[at : at + step])) for at in range(0, whole, step)],
        )
    if whole < len(rows):
        rest = len(rows) - whole
        conn.execute(f"{head} VALUES {_values(width, rest)} {tail}",
                     list(chain.from_iterable(rows[whole:])))  # fmt: skip
