"""Exactly once under SIGKILL, and two writers (ingest + track) at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from mediatop.ingest.events.tracked import track_event
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect

PREFIXES = ("/wp-content/uploads/", "/uploads/")
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"


def _library(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "media"
    (root / "2024").mkdir(parents=True)
    for index in range(20):
        (root / "2024" / f"img-{index}.jpg").write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, root, probe=False)
    conn.close()
    return root, db


def _write_log(path: Path, lines: int) -> None:
    with path.open("w") as handle:
        for n in range(lines):
            handle.write(
                f"198.51.100.{n % 200} - - [10/Oct/2024:{n // 3600 % 24:02d}:{n // 60 % 60:02d}:"
                f'{n % 60:02d} +0000] "GET /uploads/2024/img-{n % 20}.jpg HTTP/1.1" 200 {n} '
                f'"-" "{UA}"\n'
            )


def test_sigkill_mid_ingest_then_rerun_stores_every_line_exactly_once(tmp_path: Path) -> None:
    root, db = _library(tmp_path)
    log = tmp_path / "access.log"
    total = 60_000
    _write_log(log, total)
    command = [sys.executable, "-m", "mediatop", "ingest", str(root), str(log), "--db", str(db),
               "--batch-lines", "2000"]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    watcher = sqlite3.connect(db, timeout=30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = watcher.execute("SELECT max(offset) FROM ingest_checkpoints").fetchone()
        if row[0] and row[0] > 0:
            break
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    stored = watcher.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
    assert 0 < stored < total, "the kill must land mid-ingest"
    watcher.close()
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    conn = connect(db)
    assert conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] == total
    assert conn.execute("SELECT sum(views) FROM file_totals").fetchone()[0] == total
    assert (
        conn.execute("SELECT sum(requests) FROM media_performance_metrics").fetchone()[0] == total
    )
    assert conn.execute("SELECT sum(bytes) FROM file_totals").fetchone()[0] == sum(range(total))


def test_ingest_and_track_at_once_never_report_a_locked_database(tmp_path: Path) -> None:
    _root, db = _library(tmp_path)
    log = tmp_path / "access.log"
    _write_log(log, 30_000)
    errors: list[BaseException] = []

    def ingest() -> None:
        conn = connect(db)
        try:
            ingest_logs(conn, [log], url_prefixes=PREFIXES, batch_lines=1000)
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=ingest)
    thread.start()
    conn = connect(db)
    tracked = 0
    while thread.is_alive() or tracked < 50:
        track_event(conn, {"media": "2024/img-1.jpg", "eventType": "click"}, url_prefixes=PREFIXES)
        tracked += 1
    thread.join()
    assert errors == []
    assert (
        conn.execute("SELECT count(*) FROM media_usage_events WHERE source = 'log'").fetchone()[0]
        == 30_000
    )
    assert conn.execute("SELECT sum(clicks) FROM file_totals").fetchone()[0] == tracked


def test_ingest_and_track_commands_in_separate_processes(tmp_path: Path) -> None:
    root, db = _library(tmp_path)
    log = tmp_path / "access.log"
    _write_log(log, 80_000)
    base = [sys.executable, "-m", "mediatop"]
    ingest = subprocess.Popen(
        [*base, "ingest", str(root), str(log), "--db", str(db), "--batch-lines", "3000"],
        stderr=subprocess.PIPE,
        text=True,
    )
    tracked = 0
    while ingest.poll() is None or tracked < 3:
        done = subprocess.run(
            [*base, "track", str(root), "--db", str(db), "--media", "2024/img-3.jpg",
             "--event", "download"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        tracked += 1
    _out, err = ingest.communicate()
    assert ingest.returncode == 0 and "locked" not in err
    conn = connect(db)
    assert (
        conn.execute("SELECT count(*) FROM media_usage_events WHERE source = 'log'").fetchone()[0]
        == 80_000
    )
    assert conn.execute("SELECT sum(downloads) FROM file_totals").fetchone()[0] == tracked
