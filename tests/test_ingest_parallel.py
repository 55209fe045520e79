"""Big logs parsed and written by forked workers: the same store as the serial path,
exactly once when a worker fails or the ingesting process is SIGKILLed, no orphans."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media_factory import small_served_library
from mediatop.ingest.logs import batch_writer, pipeline, reading
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect
from mediatop.store.checkpoints import Checkpoint
from process_support import children, process_gone

PREFIXES = ("/uploads/",)
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0 \u00e9t\u00e9",  # not ASCII: general path
)
# every table an ingest writes (all their columns but the clock's)
# (ingest_checkpoints: id, log_path, device, inode, fingerprint, fingerprint_len, offset,
# lines, accepted, malformed, node)
TABLES = ("media_usage_events", "media_performance_metrics", "file_totals", "kind_daily",
          "usage_breakdown", "kind_breakdown", "view_windows", "media_misses",
          "ingest_rejects", "ingest_checkpoints", "media_hourly", "kind_hourly",
          "latency_hourly", "kind_breakdown_hourly", "misses_hourly")  # fmt: skip
CLOCK_COLUMNS = ("created_at", "updated_at")
BATCH_LINES = 1500  # a 40,000-line log is about 11 batches


def _store(tmp_path: Path, name: str) -> Path:
    """A scanned store of a small library under tmp_path/media (made once)."""
    root = small_served_library(tmp_path / "media")
    db = tmp_path / name
    conn = connect(db)
    scan_root(conn, root, probe=False)
    # one salt for every store, so that session keys compare
    conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('session_salt', ?)",
                 ("ab" * 16,))  # fmt: skip
    conn.close()
    return db


def _lines(start: int, count: int) -> str:
    """A mix: images, video range requests (collapsed), a document, misses, pages, bots,
    304s, errors, a non-ASCII agent and a few malformed lines."""
    out = []
    for n in range(start, start + count):
        path = ("v/clip.mp4" if n % 7 == 0 else "guide.pdf" if n % 13 == 0
                else "gone.jpg" if n % 17 == 0 else f"img-{n % 10}.jpg")  # fmt: skip
        url = "/index.html" if n % 19 == 0 else f"/uploads/{path}"
        status = 206 if n % 7 == 0 else 304 if n % 11 == 0 else 500 if n % 23 == 0 else 200
        when = f"10/Oct/2024:{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000"
        if n % 997 == 0:
            out.append(f"garbage line {n} from 192.0.2.{n % 50}\n")
            continue
        out.append(
            f'192.0.2.{n % 50} - - [{when}] "GET {url} HTTP/1.1" {status} {n % 5000} '
            f'"https://example.com/p{n % 9}" "{AGENTS[n % len(AGENTS)]}"\n'
        )
    return "".join(out)


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        contents = {}
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            wanted = ", ".join(c for c in columns if c not in CLOCK_COLUMNS)
            contents[table] = conn.execute(
                f"SELECT {wanted} FROM {table} ORDER BY 1, 2, 3"
            ).fetchall()
        return contents
    finally:
        conn.close()


def _ingest(db: Path, log: Path) -> None:
    conn = connect(db)
    try:
        ingest_logs(conn, [log], url_prefixes=PREFIXES, batch_lines=BATCH_LINES)
    finally:
        conn.close()


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Logs over 1 MiB go to 2 workers; yields the number of chunks each run handed out."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1 << 20)
    monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", "2")
    handed: list[int] = []
    run = pipeline.ChunkWriters.run

    def counting(self: pipeline.ChunkWriters, chunks: Any, on_done: Any) -> None:
        handed.append(0)

        def each() -> Iterator[pipeline.Chunk]:
            for chunk in chunks:
                handed[-1] += 1
                yield chunk

        run(self, each(), on_done)

    monkeypatch.setattr(pipeline.ChunkWriters, "run", counting)
    return handed


@pytest.mark.parametrize("compressed", [False, True])
def test_workers_store_exactly_what_the_serial_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: list[int], compressed: bool
) -> None:
    text = _lines(0, 40_000) + "an unfinished last line"
    log = tmp_path / ("big.log.gz" if compressed else "big.log")
    log.write_bytes(gzip.compress(text.encode()) if compressed else text.encode())
    serial, workers = _store(tmp_path, "serial.sqlite3"), _store(tmp_path, "workers.sqlite3")
    _ingest(workers, log)
    assert parallel[0] > 5
    monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", "0")
    _ingest(serial, log)
    assert len(parallel) == 1
    expected, got = _contents(serial), _contents(workers)
    assert len(got["media_usage_events"]) > 30_000 and got["ingest_rejects"]
    assert got == expected


def test_a_failing_worker_stops_the_run_and_a_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: list[int]
) -> None:
    log = tmp_path / "big.log"
    log.write_text(_lines(0, 40_000))
    reference = _store(tmp_path, "reference.sqlite3")
    _ingest(reference, log)
    db = _store(tmp_path, "store.sqlite3")
    save_checkpoint = batch_writer.save_checkpoint
    saved = []

    def failing(conn: sqlite3.Connection, cp: Checkpoint, now: int) -> int:
        if saved:  # the second batch a worker writes fails after its rows went in
            raise sqlite3.OperationalError("disk I/O error")
        saved.append(cp)
        return save_checkpoint(conn, cp, now)

    monkeypatch.setattr(batch_writer, "save_checkpoint", failing)  # forked workers inherit it
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _ingest(db, log)
    stored = _contents(db)
    assert len(stored["ingest_checkpoints"]) == 1
    assert stored["ingest_checkpoints"][0][8] == len(stored["media_usage_events"]) > 0
    monkeypatch.setattr(batch_writer, "save_checkpoint", save_checkpoint)
    _ingest(db, log)
    assert _contents(db) == _contents(reference)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_the_ingesting_process_kills_its_workers_and_a_rerun_stores_once(
    tmp_path: Path,
) -> None:
    log = tmp_path / "big.log"
    log.write_text(_lines(0, 120_000))
    reference = _store(tmp_path, "reference.sqlite3")
    env = {**os.environ, "MEDIATOP_INGEST_WORKERS": "2"}
    db = _store(tmp_path, "store.sqlite3")
    command = [sys.executable, "-m", "mediatop", "ingest", str(tmp_path / "media"), str(log),
               "--db", str(db), "--batch-lines", "2000"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    watcher = sqlite3.connect(db, timeout=30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = watcher.execute("SELECT max(offset) FROM ingest_checkpoints").fetchone()
        if row[0]:
            break
        time.sleep(0.005)
    workers = children(process.pid)
    assert len(workers) == 2, "the log must go to the workers"
    process.send_signal(signal.SIGKILL)  # the ingesting process alone, not its group
    process.wait()
    deadline = time.monotonic() + 10
    while not all(map(process_gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(map(process_gone, workers)), "a worker outlived the ingesting process"
    stored = watcher.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
    time.sleep(0.3)  # nothing may land after the kill
    assert watcher.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] == stored
    watcher.close()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    command[command.index(str(db))] = str(reference)
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert _contents(db) == _contents(reference)
    assert 0 < stored < len(_contents(db)["media_usage_events"])


def test_line_ranges_cut_after_newlines_and_leave_an_unfinished_line(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"one\ntwo two\n" + b"x" * 50 + b"\nthree\nunfinished")
    with log.open("rb") as handle:
        fd, size = handle.fileno(), log.stat().st_size
        spans = list(reading.line_ranges(fd, 0, size, 5))
        assert spans == [(0, 12, None), (12, 63, None), (63, 69, None)]
        assert list(reading.line_ranges(fd, 69, size, 5)) == []
        assert list(reading.line_ranges(fd, 4, 12, 100)) == [(4, 12, None)]


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_log_truncated_while_read_stops_after_the_last_whole_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: list[int], workers: str
) -> None:
    monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", workers)
    log = tmp_path / "big.log"
    log.write_text(_lines(0, 40_000))
    target = BATCH_LINES * reading.LINE_BYTES
    with log.open("rb") as handle:
        spans = list(reading.line_ranges(handle.fileno(), 0, log.stat().st_size, target))
    cut = spans[2][0]  # copytruncate empties the log as the third batch is read
    pread = os.pread

    def truncating(fd: int, size: int, offset: int) -> bytes:
        if size > reading.PROBE_BYTES and offset >= cut:
            os.truncate(log, cut)
        return pread(fd, size, offset)

    monkeypatch.setattr(os, "pread", truncating)  # forked workers inherit it
    db = _store(tmp_path, "store.sqlite3")
    _ingest(db, log)
    assert len(parallel) == (workers == "2")
    stored = _contents(db)
    assert [row[6] for row in stored["ingest_checkpoints"]] == [cut]
    assert len(stored["media_usage_events"]) == stored["ingest_checkpoints"][0][8] > 0
