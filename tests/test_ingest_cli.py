"""The ingest command line: summaries, JSON, and clear errors instead of tracebacks."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from mediatop.cli import main

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
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert main(["ingest", str(root), str(broken), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no such log file" in err and "needs $remote_addr" in err


def test_ingest_before_any_scan_says_to_scan_first(tmp_path: Path, capsys) -> None:
    root = tmp_path / "media"
    root.mkdir()
    log = tmp_path / "access.log"
    log.write_text(LINE)
    db = tmp_path / "store.sqlite3"
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 0
    assert f"run `mediatop scan {root}` first" in capsys.readouterr().err
