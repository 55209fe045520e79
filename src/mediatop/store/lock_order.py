"""The one order in which every writer touches rollup rows: by key.

Writers that share a store (several `mediatop ingest` processes, one per web node, the
server's beacons, `import-events`) add to the same rollup rows: a file's hour, a kind's
day. Each batch runs the same statements in the same order of tables, and each statement
writes its rows sorted by key, so on a database that locks rows (PostgreSQL) a writer
only ever waits for rows that come after every row it holds: no two writers can wait on
each other in a cycle, and none deadlocks. (SQLite takes one lock for the whole store,
so there the order changes nothing but costs little: a sort of a batch's keys, not of
its lines.)
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any, TypeVar

V = TypeVar("V")

_KEY = itemgetter(0)


def in_key_order(rows: Mapping[Any, V]) -> list[tuple[Any, V]]:
    """The (key, value) pairs of `rows`, sorted by key: the order every writer writes in."""
    return sorted(rows.items(), key=_KEY)
