"""Three web nodes ingesting their logs into one store at once, one of them killed with
SIGKILL part-way and run again: every line is counted exactly once, in the raw events
and in every rollup the lines share (the same files in the same hours). On SQLite and on
PostgreSQL (`store_url`), where the writers lock rows under READ COMMITTED."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from mediatop.scan import scan_root
from mediatop.store import connect

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
FILES = 5
LINES = 6000  # per log; one line a second from 13:00:00: hours 13 and 14 of one day
NODES = ("web-1", "web-2", "web-3")


def _library(tmp_path: Path, db: str) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    for index in range(FILES):
        (root / f"f{index}.jpg").write_bytes(b"x")
    conn = connect(db)
    scan_root(conn, root, probe=False)
    conn.close()
    return root


def _write_log(path: Path, node_index: int) -> None:
    """Node k's log (k = 0, 1, 2): line n asks for f{n % 5}.jpg with 10·(k+1) + n % 5
    bytes, at 13:00:00 + n seconds, the same times in every log."""
    with path.open("w") as handle:
        for n in range(LINES):
            stamp = f"10/Oct/2024:{13 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000"
            size = 10 * (node_index + 1) + n % FILES
            handle.write(
                f'198.51.100.{n % 200} - - [{stamp}] "GET /uploads/f{n % FILES}.jpg HTTP/1.1" '
                f'200 {size} "-" "{UA}"\n'
            )


def _command(root: Path, db: str, log: Path, node: str) -> list[str]:
    return [sys.executable, "-m", "mediatop", "ingest", str(root), str(log), "--db", db,
            "--node", node, "--batch-lines", "200"]  # fmt: skip


def _lines_of(watcher: sqlite3.Connection, node: str) -> int:
    row = watcher.execute(
        "SELECT coalesce(sum(lines), 0) FROM ingest_checkpoints WHERE node = ?", (node,)
    ).fetchone()
    return int(row[0])


def test_three_nodes_at_once_one_killed_and_rerun_count_every_line_once(
    tmp_path: Path, store_url: str
) -> None:
    db = store_url
    root = _library(tmp_path, db)
    logs = {}
    for index, node in enumerate(NODES):
        # every node's log has the same path relative to its own machine: here, folders
        logs[node] = tmp_path / node / "access.log"
        logs[node].parent.mkdir()
        _write_log(logs[node], index)
    env = {**os.environ, "MEDIATOP_INGEST_WORKERS": "0"}
    running = {
        node: subprocess.Popen(
            _command(root, db, logs[node], node),
            env=env,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for node in NODES
    }
    watcher = connect(db, readonly=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _lines_of(watcher, "web-2") == 0:
        time.sleep(0.002)
    os.killpg(running["web-2"].pid, signal.SIGKILL)
    running["web-2"].wait()
    assert 0 < _lines_of(watcher, "web-2") < LINES, "the kill must land mid-ingest"
    watcher.close()
    rerun = subprocess.run(_command(root, db, logs["web-2"], "web-2"), env=env,
                           capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    for node in ("web-1", "web-3"):
        _out, err = running[node].communicate(timeout=60)
        assert running[node].returncode == 0, err
    conn = connect(db, readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] == 3 * LINES
        checkpoints = conn.execute(
            "SELECT node, lines, accepted FROM ingest_checkpoints ORDER BY node"
        ).fetchall()
        assert checkpoints == [(node, LINES, LINES) for node in NODES]
        # Per file f{i}: each log asks for it on 6000 / 5 = 1200 lines, so 3 × 1200 = 3600
        # requests (and views); bytes 1200 × ((10 + i) + (20 + i) + (30 + i)) = 72,000 +
        # 3,600·i.
        expected = [(f"f{i}.jpg".encode(), 3600, 3600, 72_000 + 3_600 * i) for i in range(FILES)]
        assert (
            conn.execute(
                "SELECT f.path, t.requests, t.views, t.bytes FROM file_totals t "
                "JOIN media_files f ON f.id = t.media_id ORDER BY f.path"
            ).fetchall()
            == expected
        )
        # the daily and hourly rollups hold the same totals, split by day and by hour: the
        # lines n < 3600 are at 13:xx, the other 2,400 at 14:xx, in every log: per file
        # 3 × 720 = 2,160 requests at 13:00 and 3 × 480 = 1,440 at 14:00
        assert conn.execute(
            "SELECT f.path, sum(m.requests), sum(m.bandwidth_usage) "
            "FROM media_performance_metrics m JOIN media_files f ON f.id = m.media_id "
            "GROUP BY f.path ORDER BY f.path"
        ).fetchall() == [(path, requests, nbytes) for path, requests, _v, nbytes in expected]
        assert conn.execute(
            "SELECT hour, sum(requests) FROM media_hourly GROUP BY hour ORDER BY hour"
        ).fetchall() == [(13, FILES * 2160), (14, FILES * 1440)]
        assert conn.execute("SELECT sum(requests) FROM kind_daily").fetchone()[0] == 3 * LINES
    finally:
        conn.close()


def test_only_the_first_writer_to_record_a_log_hour_takes_it(store_url: str) -> None:
    from mediatop.store import transaction
    from mediatop.store.log_coverage import claim_log_hours

    first, second = connect(store_url), connect(store_url)
    with transaction(first):
        assert claim_log_hours(first, {10, 11, 12}) == {10, 11, 12}
    # a second ingester whose log covers 11..13 (read before the first committed, it
    # would still find them new): only 13 is its own
    with transaction(second):
        assert claim_log_hours(second, {11, 12, 13}) == {13}
    assert claim_log_hours(first, set(range(1000, 2200))) == set(range(1000, 2200))  # chunked
    first.close()
    second.close()
