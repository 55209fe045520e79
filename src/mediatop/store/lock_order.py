"""The one order in which every writer touches rollup rows on PostgreSQL: by key.

Writers that share a store (several `mediatop ingest` processes, one per web node, the
server's beacons, `import-events`) add to the same rollup rows: a file's hour, a kind's
day. Each batch runs the same statements in the same order of tables, and on a database
that locks rows (PostgreSQL) each statement writes its rows sorted by key, so a writer
only ever waits for rows that come after every row it holds: no two writers can wait on
each other in a cycle, and none deadlocks. SQLite takes one lock for the whole store, so
there no order can deadlock and the rows go as they come, unsorted (sorting every
rollup's keys was a few per cent of an ingest's CPU).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import TypeVar

from mediatop.store.dialect import is_postgres

K = TypeVar("K")
V = TypeVar("V")

_KEY = itemgetter(0)


def in_key_order(conn: sqlite3.Connection, rows: Mapping[K, V]) -> Iterable[tuple[K, V]]:
    """The (key, value) pairs of `rows` in the order a writer on `conn` writes them:
    sorted by key on PostgreSQL, as they are on SQLite."""
    if is_postgres(conn):
        return sorted(rows.items(), key=_KEY)
    return rows.items()
