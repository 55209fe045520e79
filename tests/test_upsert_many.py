"""store.upsert_many on both backends: a few rows (one multi-row VALUES on PostgreSQL)
and many (COPY into a staging table, then one INSERT ... SELECT ... ON CONFLICT) add to
the stored rows exactly as a row-at-a-time upsert does, inside a transaction and out,
twice in one transaction."""

from __future__ import annotations

from mediatop.store import connect, transaction
from mediatop.store.upsert_many import ROWS_PER_STATEMENT, upsert_many

HEAD = "INSERT INTO kind_breakdown_hourly AS stored (kind, date, hour, dimension, value, count)"
TAIL = (
    "ON CONFLICT(kind, date, hour, dimension, value) "
    "DO UPDATE SET count = stored.count + excluded.count"
)
MANY = 450  # more than ROWS_PER_STATEMENT (200): the staging path on PostgreSQL


def _rows(count: int, add: int) -> list[tuple[str, str, int, str, str, int]]:
    """`count` distinct keys (hour h = n % 24, value 'v{n}'), the n-th adding n + add."""
    return [("image", "2024-10-10", n % 24, "device", f"v{n:04d}", n + add) for n in range(count)]


def test_many_and_few_rows_add_to_the_stored_counts(store_url: str) -> None:
    assert MANY > ROWS_PER_STATEMENT
    conn = connect(store_url)
    try:
        upsert_many(conn, HEAD, 6, TAIL, _rows(MANY, 0))  # autocommit: stored n
        with transaction(conn):
            upsert_many(conn, HEAD, 6, TAIL, _rows(MANY, 1))  # + (n + 1)
            upsert_many(conn, HEAD, 6, TAIL, _rows(3, 10))  # + (n + 10) for n < 3
        upsert_many(conn, HEAD, 6, TAIL, [])
        stored = conn.execute(
            "SELECT value, count FROM kind_breakdown_hourly ORDER BY value"
        ).fetchall()
    finally:
        conn.close()
    # value v{n}: n + (n + 1) = 2n + 1, and for n < 3 another n + 10: 3n + 11
    expected = [(f"v{n:04d}", 3 * n + 11 if n < 3 else 2 * n + 1) for n in range(MANY)]
    assert stored == expected
    # in all: sum of 2n + 1 over n < 450 = 2 × 101,025 + 450 = 202,500, plus 10 + 11 + 12
    assert sum(count for _v, count in stored) == 202_500 + 33
