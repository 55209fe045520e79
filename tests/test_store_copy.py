"""`mediatop store copy SRC DST`: every table of a scanned, ingested store copied into a
new store, row for row (paths as their exact bytes), so that every report reads the
same, with its progress on stderr; a destination that is not new, or is the source, is
refused."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from mediatop.cli import main
from mediatop.library import REPORTS
from tui_fixtures import build_library, image_bytes, write_access_log, write_file

LATIN1_NAME = b"2025/03/caf\xe9.jpg"  # a name that is not UTF-8
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
PLACES = '{"media": "2024/03/hero-banner.jpg", "type": "post", "id": "7", "responsive": true}\n'


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.fixture
def source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A scanned library with an ingested log (two nodes), a tracked click, a usage
    location and a file whose name is not UTF-8; (root, store)."""
    root = tmp_path / "uploads"
    build_library(root)
    write_file(root, LATIN1_NAME, image_bytes(640, 480, "JPEG", (90, 90, 200)))
    db = tmp_path / "source.sqlite3"
    _run(capsys, "scan", str(root), "--db", str(db), "--quiet")
    log = write_access_log(tmp_path / "access.log")
    with log.open("a") as handle:  # the Latin-1 name as nginx logs its byte: \xE9
        handle.write(
            '198.51.100.9 - - [14/Mar/2026:10:00:00 +0000] "GET /uploads/2025/03/caf\\xE9.jpg '
            f'HTTP/1.1" 200 5000 "-" "{UA}"\n'
            '198.51.100.9 - - [14/Mar/2026:10:01:00 +0000] "GET /uploads/gone.jpg HTTP/1.1" '
            f'404 150 "-" "{UA}"\n'
        )
    _run(capsys, "ingest", str(root), str(log), "--db", str(db), "--node", "web-1")
    other = tmp_path / "web-2.log"
    other.write_text(log.read_text().splitlines(keepends=True)[0])
    _run(capsys, "ingest", str(root), str(other), "--db", str(db), "--node", "web-2")
    _run(capsys, "track", str(root), "--db", str(db), "--media", "2024/05/logo.png",
         "--event", "click")  # fmt: skip
    places = tmp_path / "places.jsonl"
    places.write_text(PLACES)
    _run(capsys, "locations", "import", str(root), str(places), "--db", str(db))
    return root, db


def _tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a fixed order."""
    conn = sqlite3.connect(db)
    try:
        names = [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )]  # fmt: skip
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


def _reports(capsys: pytest.CaptureFixture[str], root: Path, db: Path) -> dict[str, object]:
    """What `mediatop report NAME ROOT --range all --json` prints for every report (the
    file report of the file whose name is not UTF-8)."""
    printed = {}
    for name in REPORTS:
        extra = ["--file", os.fsdecode(LATIN1_NAME)] if name == "file" else []
        printed[name] = json.loads(_run(capsys, "report", name, str(root), "--db", str(db),
                                        "--range", "all", "--json", *extra))  # fmt: skip
    return printed


def test_a_copy_holds_every_row_and_gives_every_report_the_same(
    source: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = source
    copy = tmp_path / "copy.sqlite3"
    summary = json.loads(_run(capsys, "store", "copy", str(db), str(copy), "--json"))
    rows = _tables(db)
    assert _tables(copy) == rows
    assert summary["tables"] == {name: len(stored) for name, stored in rows.items()}
    assert summary["rows"] == sum(len(stored) for stored in rows.values())
    # what the copy is tested on: the log's 20 lines (write_access_log: 9 + 5 + 3 + 2 + 1)
    # and the Latin-1 file's, twice for web-1's first line again as web-2's, plus the
    # click; two nodes' checkpoints; the name's exact bytes
    assert len(rows["media_usage_events"]) == 20 + 1 + 1 + 1
    assert sorted(row[-1] for row in rows["ingest_checkpoints"]) == ["web-1", "web-2"]
    assert any(row[1] == LATIN1_NAME for row in rows["media_files"])
    original = _reports(capsys, root, db)
    assert _reports(capsys, root, copy) == original
    # the reports read what was stored: the Latin-1 file's one request of 5,000 bytes;
    # logo.png's 9 lines, web-2's copy of the first of them and the click
    traffic = original["file"]["traffic"]  # type: ignore[index]
    assert sum(day["bytes"] for day in traffic) == 5000
    assert sum(day["views"] for day in traffic) == 1
    top = original["usage"]["mostUsedFiles"][0]  # type: ignore[index]
    assert (top["filename"], top["views"], top["engagement"]["clicks"]) == (
        "2024/05/logo.png",
        10,
        1,
    )


def test_a_copy_is_refused_into_a_store_that_is_not_new_or_is_the_source(
    source: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = source
    other = tmp_path / "other.sqlite3"
    _run(capsys, "scan", str(root), "--db", str(other), "--quiet", "--no-probe")
    before = _tables(other)
    for destination, why in (
        # its fullest table: the 10 folders (the root, 2024, 2025, 2026 and their 6 months)
        (other, "other.sqlite3 is not empty (scan_dirs holds 10 rows)"),
        (db, "is the store being copied"),
        (tmp_path / "." / "source.sqlite3", "is the store being copied"),
    ):
        capsys.readouterr()
        assert main(["store", "copy", str(db), str(destination)]) == 2
        err = capsys.readouterr().err
        assert why in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert _tables(other) == before
    assert main(["store", "copy", str(tmp_path / "none.sqlite3"), str(tmp_path / "n.sqlite3")]) == 2
    assert "no store at" in capsys.readouterr().err
    assert not (tmp_path / "n.sqlite3").exists()
