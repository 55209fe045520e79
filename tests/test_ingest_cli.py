"""The ingest command line: summaries, JSON, and clear errors instead of tracebacks."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from mediatop.cli import main
from mediatop.store import connect

LINE = (
    '198.51.100.1 - - [10/Oct/2024:13:55:36 +0000] "GET /uploads/a.jpg HTTP/1.1" 200 10 '
    '"-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
)


def _root(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--db", str(db)]) == 0
    return root, db


def test_ingest_json_summary(tmp_path: Path, capsys) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(LINE * 3 + "junk\n")
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["linesRead"] == 4 and out["accepted"] == 3 and out["malformed"] == {"unparsable": 1}


def test_ingest_text_summary_goes_to_stderr(tmp_path: Path, capsys) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "access.log.gz"
    with gzip.open(log, "wt") as handle:
        handle.write(LINE)
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "1 accepted" in captured.err


def test_ingest_errors_are_one_line_messages(tmp_path: Path, capsys) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(LINE)
    assert main(["ingest", str(root), str(tmp_path / "nope.log"), "--db", str(db)]) == 2
    assert main(["ingest", str(root), str(log), "--db", str(db), "--format", "weird"]) == 2
    assert main(["ingest", str(root), str(log), "--db", str(db), "--format", "$status"]) == 2
    assert main(["ingest", str(root), str(log), "--db", str(db), "--format", ""]) == 2
    assert main(["ingest", str(root), str(tmp_path), "--db", str(db)]) == 2
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert main(["ingest", str(root), str(broken), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no such log file" in err and "needs $remote_addr" in err
    assert "unknown log format ''" in err and "is a folder, not a log file" in err


def _stored(db: Path) -> tuple[int, ...]:
    """Events, misses, checkpoints and store_meta rows (the session salt) in the store."""
    conn = sqlite3.connect(db)
    try:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("media_usage_events", "media_misses", "ingest_checkpoints", "store_meta")
        )
    finally:
        conn.close()


def test_events_before_the_first_scan_are_refused_and_nothing_is_stored(
    tmp_path: Path, capsys
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    log = tmp_path / "access.log"
    log.write_text(LINE * 2)  # two people's views of a.jpg
    events = tmp_path / "events.jsonl"
    events.write_text('{"media": "a.jpg", "eventType": "click", "timestamp": 1728568536}\n')
    db = tmp_path / "store.sqlite3"
    common = ["--db", str(db)]
    # no store yet: refused, and no store file is created
    assert main(["ingest", str(root), str(log), *common]) == 2
    assert not db.exists()
    assert f"scan {root} first" in capsys.readouterr().err
    # a store that exists but has never scanned its root (here: made by opening it)
    connect(db).close()
    assert main(["ingest", str(root), str(log), *common]) == 2
    assert main(["import-events", str(root), str(events), *common]) == 2
    assert main(["track", str(root), "--media", "a.jpg", "--event", "view", *common]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(f"scan {root} first" in line for line in err)
    assert _stored(db) == (0, 0, 0, 0)  # no event, miss, checkpoint or salt
    # after the scan the same log and events are read whole: 2 views, 1 click
    assert main(["scan", str(root), *common, "--no-probe"]) == 0
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), *common, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["linesRead"], summary["accepted"], summary["misses"]) == (2, 2, 0)
    assert main(["import-events", str(root), str(events), *common, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["usageEvents"] == 1


def test_the_library_refuses_events_into_an_unscanned_store(tmp_path: Path) -> None:
    from mediatop.errors import NotScannedError
    from mediatop.ingest.events.tracked import import_events, track_event
    from mediatop.ingest.logs.logfile import ingest_logs

    log = tmp_path / "access.log"
    log.write_text(LINE)
    events = tmp_path / "events.jsonl"
    events.write_text('{"media": "a.jpg", "eventType": "view"}\n')
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    prefixes = ("/uploads/",)
    with pytest.raises(NotScannedError, match="scan ROOT first"):
        ingest_logs(conn, [log], url_prefixes=prefixes)
    with pytest.raises(NotScannedError, match="scan ROOT first"):
        import_events(conn, events, url_prefixes=prefixes)
    with pytest.raises(NotScannedError, match="scan ROOT first"):
        track_event(conn, {"media": "a.jpg", "eventType": "view"}, url_prefixes=prefixes)
    conn.close()
    assert _stored(db) == (0, 0, 0, 0)


def test_a_log_the_format_cannot_read_is_refused_whole_and_read_later_with_the_right_one(
    tmp_path: Path, capsys
) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(LINE * 3)
    wrong = '$remote_addr [$time_local] $status "$request"'
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db), "--format", wrong]) == 2
    err = capsys.readouterr().err
    assert "none of the first 3 lines" in err and "nothing of it was read" in err
    assert "Traceback" not in err
    assert main(["ingest", str(root), str(log), "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accepted"] == 3  # nothing was lost


def test_the_refused_log_line_is_shown_with_its_control_characters_visible(
    tmp_path: Path, capsys
) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "notes.txt"
    log.write_text("\x1b]52;c;aGk=\x07 not a log line\nanother\n")
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "not a log line" in err


def test_a_log_that_starts_with_junk_but_has_readable_lines_is_read(tmp_path: Path, capsys) -> None:
    root, db = _root(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("junk\n" * 50 + LINE)
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] == 1 and out["malformed"] == {"unparsable": 50}
