"""`mediatop store copy SRC DST`: every table of a scanned, ingested store copied into a
new store, row for row (paths as their exact bytes), so that every report reads the
same, with its progress on stderr; a destination that is not new, or is the source, is
refused. Either side may be a PostgreSQL store (a real server: tests/conftest.py), and
one copied into PostgreSQL takes new rows after the copied ids."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from mediatop.cli import main
from mediatop.library import REPORTS
from pg_server import PgServer
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


def _reports(capsys: pytest.CaptureFixture[str], root: Path, db: Path | str) -> dict[str, object]:
    """What `mediatop report NAME ROOT --range all --json` prints for every report (the
    file report of the file whose name is not UTF-8, the place report of post 7)."""
    subjects = {"file": ["--file", os.fsdecode(LATIN1_NAME)], "place": ["--place", "post:7"]}
    printed = {}
    for name in REPORTS:
        extra = subjects.get(name, [])
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


def _server_tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a PostgreSQL store (its schema version left out, as
    SQLite keeps that in a PRAGMA), in the order `_tables` gives."""
    with psycopg.connect(url) as conn:
        names = [n for (n,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'mediatop_schema'"
        )]  # fmt: skip
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


@pytest.fixture
def second_pg_url(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """A second new PostgreSQL store of the test's own (pg_store_url is the first)."""
    name = "mediatop_copy_second"
    with pg_server.admin() as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name)
    with pg_server.admin() as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_store_goes_to_postgresql_and_back_with_every_row_and_report(
    source: tuple[Path, Path],
    tmp_path: Path,
    pg_store_url: str,
    second_pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, db = source
    back = tmp_path / "back.sqlite3"
    _run(capsys, "store", "copy", str(db), pg_store_url, "--quiet")
    _run(capsys, "store", "copy", pg_store_url, second_pg_url, "--quiet")
    capsys.readouterr()
    assert main(["store", "copy", second_pg_url, str(back)]) == 0
    # progress on stderr, a line per table (not a terminal), then the summary
    err = capsys.readouterr().err
    assert "media_usage_events: 23 of 23 rows" in err and "copied " in err
    rows = _tables(db)
    assert _tables(back) == rows
    for url in (pg_store_url, second_pg_url):  # the same rows, the Latin-1 name's bytes
        assert _server_tables(url) == rows
    assert any(row[1] == LATIN1_NAME for row in _server_tables(second_pg_url)["media_files"])
    original = _reports(capsys, root, db)
    for store in (pg_store_url, second_pg_url, str(back)):
        assert _reports(capsys, root, store) == original


def test_a_store_copied_to_postgresql_takes_new_rows_after_the_copied_ids(
    source: tuple[Path, Path], tmp_path: Path, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = source
    _run(capsys, "store", "copy", str(db), pg_store_url, "--quiet")
    copied = _server_tables(pg_store_url)
    # a new file (a media_files id) and a new log's two lines (two events' ids): each
    # insert takes the id after the copied ones instead of colliding with id 1
    write_file(root, b"2026/01/later.png", image_bytes(32, 32, "PNG", (1, 2, 3)))
    _run(capsys, "scan", str(root), "--db", pg_store_url, "--quiet", "--no-probe")
    later = tmp_path / "later.log"
    later.write_text(
        f'198.51.100.7 - - [15/Mar/2026:10:00:00 +0000] "GET /uploads/2026/01/later.png '
        f'HTTP/1.1" 200 900 "-" "{UA}"\n' * 2
    )
    _run(capsys, "ingest", str(root), str(later), "--db", pg_store_url)
    after = _server_tables(pg_store_url)
    assert len(after["media_files"]) == len(copied["media_files"]) + 1
    assert len(after["media_usage_events"]) == len(copied["media_usage_events"]) + 2
    new_ids = {row[0] for row in after["media_usage_events"]} - {
        row[0] for row in copied["media_usage_events"]
    }
    assert min(new_ids) > max(row[0] for row in copied["media_usage_events"])


def test_a_copy_to_or_from_postgresql_is_refused_when_not_new_or_the_same(
    source: tuple[Path, Path], tmp_path: Path, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _root, db = source
    _run(capsys, "store", "copy", str(db), pg_store_url, "--quiet")
    before = _server_tables(pg_store_url)
    fullest = max(before, key=lambda table: (len(before[table]), table))
    for src, destination, why in (
        # named: the table that holds the most rows (ties: the last name)
        (str(db), pg_store_url, f"is not empty ({fullest} holds {len(before[fullest])} rows)"),
        (pg_store_url, pg_store_url, "is the store being copied"),
        # the same database, whoever logs in (refused before logging in)
        (pg_store_url, pg_store_url.replace("://mediatop@", "://someone@"), "being copied"),
        (pg_store_url, str(db), "source.sqlite3 is not empty"),
    ):
        capsys.readouterr()
        assert main(["store", "copy", src, destination]) == 2
        err = capsys.readouterr().err
        assert why in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert _server_tables(pg_store_url) == before
    # a server that does not answer: one line, no traceback
    assert main(["store", "copy", "postgresql://nobody@127.0.0.1:1/none", str(tmp_path / "n")]) != 0
    err = capsys.readouterr().err
    assert "cannot open postgresql://nobody@127.0.0.1:1/none" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1 and not (tmp_path / "n").exists()
