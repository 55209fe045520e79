"""A beacon batch and a log batch on the same hour at once, on either backend: whichever
commits first, the tracked view is counted once (as the log's request). On PostgreSQL
the two transactions run side by side under READ COMMITTED, so neither may decide on
the hour's coverage from a read the other's uncommitted claim or use would change:
the later one waits for the earlier (store.log_coverage's hour locks)."""

from __future__ import annotations

import threading
import time

from mediatop.store import connect, transaction
from mediatop.store.log_coverage import resolve_coverage
from mediatop.store.rollups import UsageRollup, hour_of
from mediatop.store.rollups_vector import BYTES, REQ, VIEWS

HOUR = 480_000  # an hour (epoch // 3600) in 2024
TS = HOUR * 3600 + 60
# a beacon view of image 1 at TS: one request of 500 bytes, status 200
VIEW = (TS, 1, "image", "view", "desktop", "(direct)", None, "anonymous", 1, 500, 200)
WAIT = 0.5  # seconds the second batch is given to (wrongly) go ahead


def _beacon_batch() -> UsageRollup:
    rollup = UsageRollup()
    rollup.tracked = [VIEW]
    return rollup


def _log_batch() -> UsageRollup:
    rollup = UsageRollup()
    rollup.log_hours = {HOUR}
    return rollup


def _resolve_in_thread(store_url: str, rollup: UsageRollup) -> threading.Thread:
    def run() -> None:
        conn = connect(store_url)
        with transaction(conn):
            resolve_coverage(conn, rollup)
        conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _uncovered(store_url: str) -> int:
    conn = connect(store_url, readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM uncovered_uses").fetchone()[0])
    finally:
        conn.close()


def test_a_log_batch_takes_back_a_beacon_view_committed_after_its_claim(store_url: str) -> None:
    beacon, log = _beacon_batch(), _log_batch()
    conn = connect(store_url)
    with transaction(conn):
        resolve_coverage(conn, beacon)  # no log covers HOUR yet: the view counts whole
        claimer = _resolve_in_thread(store_url, log)
        time.sleep(WAIT)
        assert claimer.is_alive(), "the log batch must wait for the beacon batch's commit"
    conn.close()
    claimer.join(timeout=30)
    # the beacon added 1 view, 1 request, 500 bytes; the log batch takes all three back
    counted = beacon.metrics[(1, hour_of(TS))]
    assert (counted[VIEWS], counted[REQ], counted[BYTES]) == (1, 1, 500)
    taken = log.metrics[(1, hour_of(TS))]
    assert (taken[VIEWS], taken[REQ], taken[BYTES]) == (-1, -1, -500)
    assert log.took_back
    assert _uncovered(store_url) == 0


def test_a_beacon_batch_sees_a_log_claim_committed_after_its_read(store_url: str) -> None:
    beacon, log = _beacon_batch(), _log_batch()
    conn = connect(store_url)
    with transaction(conn):
        resolve_coverage(conn, log)  # claims HOUR; nothing to take back
        counter = _resolve_in_thread(store_url, beacon)
        time.sleep(WAIT)
        assert counter.is_alive(), "the beacon batch must wait for the log batch's commit"
    conn.close()
    counter.join(timeout=30)
    # HOUR is covered: an image's view there brings no view, request or bytes
    assert (1, hour_of(TS)) not in beacon.metrics
    assert not log.took_back
    assert _uncovered(store_url) == 0
