"""`--follow` tails a log through rotation; the worker-process path stores what the
serial path stores."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from media_factory import small_served_library
from mediatop.ingest.logs import pipeline
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect

PREFIXES = ("/uploads/",)
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def _store(tmp_path: Path, name: str) -> sqlite3.Connection:
    root = small_served_library(tmp_path / "media")
    conn = connect(tmp_path / name)
    scan_root(conn, root, probe=False)
    return conn


def _lines(start: int, count: int) -> str:
    out = []
    for n in range(start, start + count):
        path = "v/clip.mp4" if n % 7 == 0 else f"img-{n % 10}.jpg"
        status = 206 if n % 7 == 0 else (304 if n % 11 == 0 else 200)
        out.append(
            f"192.0.2.{n % 50} - - [10/Oct/2024:{n // 3600 % 24:02d}:{n // 60 % 60:02d}:"
            f'{n % 60:02d} +0000] "GET /uploads/{path} HTTP/1.1" {status} {n % 5000} '
            f'"https://example.com/p{n % 9}" "{UA}"\n'
        )
    return "".join(out)


def test_follow_reads_appends_and_a_rename_rotation_until_stopped(tmp_path: Path) -> None:
    conn = _store(tmp_path, "store.sqlite3")
    log = tmp_path / "access.log"
    log.write_text(_lines(0, 5))
    done = threading.Event()
    result = {}

    def follow() -> None:
        own = connect(tmp_path / "store.sqlite3")
        result["tally"] = ingest_logs(own, [log], url_prefixes=PREFIXES, follow=True,
                                      stop=done.is_set)  # fmt: skip
        own.close()

    thread = threading.Thread(target=follow)
    thread.start()

    def stored() -> int:
        return int(conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0])

    def wait_for(n: int) -> None:
        deadline = time.monotonic() + 10
        while stored() < n and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored() == n

    wait_for(5)
    with log.open("a") as handle:
        handle.write(_lines(5, 3))
    wait_for(8)
    with log.open("a") as handle:
        handle.write(_lines(8, 2))
    log.rename(tmp_path / "access.log.1")
    log.write_text(_lines(10, 4))
    wait_for(14)
    done.set()
    thread.join(timeout=10)
    assert result["tally"].accepted == 14


ROLLUP_QUERIES = (
    "SELECT media_id, date, requests, views, not_modified, bandwidth_usage "
    "FROM media_performance_metrics ORDER BY media_id, date",
    "SELECT * FROM file_totals ORDER BY media_id",
    "SELECT * FROM usage_breakdown ORDER BY media_id, date, dimension, value",
    "SELECT * FROM kind_daily ORDER BY kind, date",
    "SELECT count(*), sum(bytes), sum(timestamp) FROM media_usage_events",
)


def test_worker_processes_store_the_same_as_the_serial_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "big.log"
    log.write_text(_lines(0, 40_000))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1 << 20)
    results = []
    for workers, name in (("0", "serial.sqlite3"), ("2", "parallel.sqlite3")):
        monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", workers)
        conn = _store(tmp_path, name)
        tally = ingest_logs(conn, [log], url_prefixes=PREFIXES, batch_lines=5000)
        assert tally.accepted == 40_000
        results.append([conn.execute(q).fetchall() for q in ROLLUP_QUERIES])
        conn.close()
    assert results[0] == results[1]
    assert os.environ["MEDIATOP_INGEST_WORKERS"] == "2"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hup"])
def test_a_follow_told_to_stop_or_hung_up_on_stops_after_storing_what_it_read(
    tmp_path: Path, signum: signal.Signals
) -> None:
    _store(tmp_path, "store.sqlite3").close()
    log = tmp_path / "access.log"
    log.write_text(_lines(0, 5))
    follow = subprocess.Popen(
        [sys.executable, "-m", "mediatop", "ingest", str(tmp_path / "media"), str(log),
         "--db", str(tmp_path / "store.sqlite3"), "--follow", "--url-prefix", "/uploads/"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watcher = sqlite3.connect(tmp_path / "store.sqlite3", timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if watcher.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] == 5:
            break
        time.sleep(0.02)
    follow.send_signal(signum)
    _, stderr = follow.communicate(timeout=10)
    assert follow.returncode == 0, stderr
    assert "5 lines read from 1 log(s)" in stderr and "Traceback" not in stderr
    assert watcher.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] == 5
