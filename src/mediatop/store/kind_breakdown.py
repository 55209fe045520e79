"""The kind_breakdown rollup: usage_breakdown summed per kind of file.

A report over a whole kind (the documents' access patterns) reads it instead of one
usage_breakdown row per file, day and value. `upsert_kind_breakdown` runs in the same
transaction as the usage_breakdown upsert it mirrors, so the two always agree.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping


def upsert_kind_breakdown(
    conn: sqlite3.Connection,
    rows: Mapping[tuple[int, str, str, str], int],
    kinds: Mapping[int, str],
) -> None:
    """Add usage_breakdown deltas {(media_id, date, dimension, value): n} per kind."""
    per_kind: Counter[tuple[str, str, str, str]] = Counter()
    for (media_id, day, dimension, value), count in rows.items():
        per_kind[(kinds.get(media_id, "other"), day, dimension, value)] += count
    conn.executemany(
        "INSERT INTO kind_breakdown (kind, date, dimension, value, count) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, date, dimension, value) "
        "DO UPDATE SET count = count + excluded.count",
        [(*key, count) for key, count in per_kind.items()],
    )
