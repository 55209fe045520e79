"""Demo traffic: deterministic, labelled, and loaded through the real ingest paths."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from mediatop.demo.traffic import (
    DEMO_HOST,
    LOG_LINES,
    load_demo_inputs,
    write_demo_inputs,
)
from mediatop.scan import scan_root
from mediatop.store import connect

SAMPLE = Path(__file__).resolve().parents[1] / "sample_media"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
# The file a demo log line asks for, relative to the uploads folder, query dropped.
_LINE_PATH = re.compile(r'"GET /wp-content/uploads/([^ ?]+)')


def test_demo_inputs_are_deterministic_and_labelled(tmp_path: Path) -> None:
    one = write_demo_inputs(SAMPLE, tmp_path / "one", NOW)
    two = write_demo_inputs(SAMPLE, tmp_path / "two", NOW)
    assert one.access_log.read_bytes() == two.access_log.read_bytes()
    assert one.events_jsonl.read_bytes() == two.events_jsonl.read_bytes()
    lines = one.access_log.read_text().splitlines()
    # The generator draws LOG_LINES requests and stops once it has written that many
    # lines; the last request written may be a play of up to three range requests.
    assert LOG_LINES <= len(lines) <= LOG_LINES + 2
    assert all(DEMO_HOST in line or '"-"' in line for line in lines[:500])
    assert any("Googlebot" in line for line in lines) and any(" 206 " in line for line in lines)
    assert any("?download=1" in line for line in lines)


def test_demo_traffic_fills_the_store_and_leaves_unused_files(tmp_path: Path) -> None:
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, SAMPLE, probe=False)
    inputs = write_demo_inputs(SAMPLE, tmp_path / "in", NOW)
    summary = load_demo_inputs(conn, inputs)
    # Recounted from the log: a line is accepted when it names a file of the library,
    # else it is a miss (the generator's links to files deleted long ago).
    library = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file()}
    named = [_LINE_PATH.search(line)[1] for line in inputs.access_log.read_text().splitlines()]  # type: ignore[index]
    assert summary["ingest"]["linesRead"] == len(named)  # type: ignore[index]
    assert summary["ingest"]["accepted"] == sum(path in library for path in named)  # type: ignore[index]
    assert summary["ingest"]["misses"] == sum(path not in library for path in named)  # type: ignore[index]
    assert summary["ingest"]["malformedTotal"] == 0  # type: ignore[index]
    assert summary["events"]["rejected"] == 0  # type: ignore[index]
    files = conn.execute("SELECT count(*) FROM media_files").fetchone()[0]
    referenced = conn.execute(
        "SELECT count(DISTINCT media_id) FROM usage_locations WHERE media_id IS NOT NULL"
    ).fetchone()[0]
    assert 0 < referenced < files
    assert conn.execute("SELECT sum(plays) FROM video_daily").fetchone()[0] > 0
    assert conn.execute("SELECT sum(bot_requests) FROM file_totals").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM usage_locations WHERE is_lazy = 1").fetchone()[0] > 0
