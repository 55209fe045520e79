"""The ranked walks over file_totals (store.queries.rollups.files_by_total): every bound
they follow is read through an index of its own on SQLite (migrations 0016 and 0046), so
the walk's first page costs an index probe instead of a sort of every file; the order
is the same on both backends."""

from __future__ import annotations

import sqlite3

import pytest

from mediatop.store import connect
from mediatop.store.queries.rollups import FILE_TOTAL_BOUNDS, files_by_total

# media_id, requests, views, downloads, clicks, shares, errors, bytes
TOTALS = [
    (1, 1, 0, 0, 0, 0, 0, 500),
    (2, 0, 3, 1, 0, 0, 0, 900),
    (3, 0, 0, 0, 0, 0, 2, 0),
    (4, 0, 0, 0, 0, 0, 0, 0),
    (5, 0, 0, 0, 1, 1, 0, 500),
]


def _store(store_url: str) -> sqlite3.Connection:
    conn = connect(store_url)
    conn.executemany(
        "INSERT INTO file_totals (media_id, requests, views, downloads, clicks, shares, "
        "errors, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        TOTALS,
    )
    return conn


def test_each_walk_goes_by_its_total_highest_first_then_by_id(store_url: str) -> None:
    conn = _store(store_url)
    try:
        walked = {
            bound: [tuple(row) for row in files_by_total(conn, bound, 10)]
            for bound in FILE_TOTAL_BOUNDS
        }
    finally:
        conn.close()
    # bytes: 900 (2), then 500 twice by id (1, 5); 3 and 4 have none
    assert walked["bytes"] == [(2, 900), (1, 500), (5, 500)]
    # human events = requests + views + downloads + clicks + shares + errors:
    # 1 -> 1, 2 -> 3 + 1 = 4, 3 -> 2, 4 -> 0 (left out), 5 -> 1 + 1 = 2
    assert walked["human_events"] == [(2, 4), (3, 2), (5, 2), (1, 1)]
    assert walked["views"] == [(2, 3)]
    assert walked["downloads"] == [(2, 1)]


@pytest.mark.parametrize("bound", sorted(FILE_TOTAL_BOUNDS))
def test_each_walk_reads_an_index_not_every_file(tmp_path, bound: str) -> None:
    conn = _store(str(tmp_path / "store.sqlite3"))
    statements: list[str] = []
    try:
        conn.set_trace_callback(statements.append)
        files_by_total(conn, bound, 10).close()
        conn.set_trace_callback(None)
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statements[-1]}")]
    finally:
        conn.close()
    assert any("INDEX file_totals_" in step for step in plan), plan
    assert not any(step.startswith("SCAN file_totals") for step in plan), plan
