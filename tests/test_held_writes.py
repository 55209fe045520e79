"""A batch's writes to shared rows are held to its end on PostgreSQL (store.held_writes):
another writer adds to the same rows meanwhile without waiting, the held statements
run in the order they were issued, and a log batch that claims its hours last still
takes back the beacon views those hours held, on either backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediatop.model import UsageEvent
from mediatop.scan import scan_root
from mediatop.store import connect, transaction
from mediatop.store.events import record_usage_events_committed
from mediatop.store.held_writes import held_until_end
from mediatop.store.upsert_many import ROWS_PER_STATEMENT, upsert_rows

DAY = 1_728_518_400  # 2024-10-10 00:00 UTC
TEN = DAY + 10 * 3600  # 10:00 that day

ADD_VIEWS = (
    "INSERT INTO kind_daily AS stored (kind, date, views) VALUES (?, ?, ?) "
    "ON CONFLICT(kind, date) DO UPDATE SET views = stored.views + excluded.views"
)


@pytest.mark.parametrize("rows", [1, ROWS_PER_STATEMENT + 100])
def test_another_writer_adds_to_a_held_row_without_waiting(pg_store_url: str, rows: int) -> None:
    """One row (a multi-row VALUES) and 300 rows (through the staging table): inside the
    scope nothing is written to kind_daily, so another writer's upsert of the same row
    neither waits nor times out; at the scope's end both additions are there."""
    holder, other = connect(pg_store_url), connect(pg_store_url)
    other.execute("SET lock_timeout = '2s'")  # a wait on a row lock would fail the test
    dates = [f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(rows)]
    with transaction(holder):
        with held_until_end(holder):
            upsert_rows(holder, ADD_VIEWS, [("image", date, 1) for date in dates])
            with transaction(other):
                upsert_rows(other, ADD_VIEWS, [("image", dates[-1], 10)])
            # still held: the holder itself sees only the other writer's committed 10
            assert holder.execute("SELECT count(*), sum(views) FROM kind_daily").fetchone() == (
                1,
                10,
            )
        # the scope ended: its rows are written, in the holder's transaction
        assert holder.execute("SELECT count(*) FROM kind_daily").fetchone() == (rows,)
    # each date has its 1 view, and the last one the other writer's 10 besides: 1 + 10
    found = dict(other.execute("SELECT date, views FROM kind_daily").fetchall())
    assert found[dates[-1]] == 11
    assert sum(found.values()) == rows + 10
    holder.close()
    other.close()


@pytest.mark.parametrize("order", ["beacon first", "log first"])
def test_a_log_batch_claiming_its_hour_last_takes_back_the_beacon_view(
    store_url: str, tmp_path: Path, order: str
) -> None:
    """A beacon view at 10:00:06 (mobile, from FR, 800 bytes, 50 ms) and the log's request
    for it at 10:00:05 (desktop, 700 bytes). Hour 10 is covered by the log, so the beacon
    brings only its client time, whichever is written first: beacon first, it is counted
    (hour 10 uncovered then) and taken back when the log batch claims the hour, which on
    PostgreSQL happens after that batch has staged its rows (they are staged again)."""
    root = tmp_path / "media"
    root.mkdir()
    (root / "hero.jpg").write_bytes(b"x" * 100)
    conn = connect(store_url)
    scan_root(conn, root, probe=False)
    hero = conn.execute("SELECT id FROM media_files").fetchone()[0]
    beacon = UsageEvent(hero, "view", TEN + 6, "beacon", status=200, bytes=800,
                        client_time_ms=50.0, device="mobile", country="FR")  # fmt: skip
    logged = UsageEvent(hero, "view", TEN + 5, "log", session_id="s1", status=200, bytes=700,
                        device="desktop")  # fmt: skip
    for event in (beacon, logged) if order == "beacon first" else (logged, beacon):
        record_usage_events_committed(conn, [event])
    # the log's request: 1 request, 1 view, 700 bytes; the beacon's 50 ms over 1 timing
    assert conn.execute(
        "SELECT requests, views, bandwidth_usage, client_time_sum_ms, client_time_count "
        "FROM media_performance_metrics WHERE media_id = ?",
        (hero,),
    ).fetchone() == (1, 1, 700, 50.0, 1)
    assert conn.execute(
        "SELECT requests, views, bandwidth_usage FROM media_hourly WHERE media_id = ?", (hero,)
    ).fetchone() == (1, 1, 700)
    # the log's use alone: the beacon's mobile and FR rows, taken back to 0, are deleted
    # (after the upserts that took them back, which were held to the batch's end)
    assert sorted(
        conn.execute(
            "SELECT dimension, value, count FROM usage_breakdown WHERE media_id = ?", (hero,)
        ).fetchall()
    ) == [("device", "desktop", 1), ("referrer", "(direct)", 1), ("user_type", "anonymous", 1)]
    assert conn.execute("SELECT count(*) FROM uncovered_uses").fetchone() == (0,)
    conn.close()
