"""The PostgreSQL store: its schema matches SQLite's, its version is kept, a URL that
cannot be used gets one line at the CLI, names that are not UTF-8 round-trip, and the
same input gives the same `report --json` on both backends (real CLI runs, a real tree,
a real log and real JSONL events)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest

from media_factory import photo, write_bytes_name
from mediatop.errors import StoreTooNewError
from mediatop.store import SCHEMA_VERSION, connect
from mediatop.store.pg_connection import postgres_sql
from pg_server import PgServer

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_media"


# Migration 0045: two indexes only PostgreSQL's plans use (its SQLite half adds none).
POSTGRES_ONLY_INDEXES = {"media_files_present_group", "file_totals_last_used"}


def _sqlite_schema(path: Path) -> tuple[dict[str, list[str]], set[str]]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {t: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables}
    indexes = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    conn.close()
    return columns, indexes


def test_a_postgres_store_has_the_tables_columns_and_indexes_of_a_sqlite_one(
    tmp_path: Path, pg_store_url: str
) -> None:
    connect(tmp_path / "s.sqlite3").close()
    columns, indexes = _sqlite_schema(tmp_path / "s.sqlite3")
    with psycopg.connect(pg_store_url) as pg:
        pg_columns: dict[str, list[str]] = {}
        for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ):
            pg_columns.setdefault(table, []).append(column)
        pg_indexes = {
            r[0]
            for r in pg.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
            if not r[0].endswith(("_pkey", "_key"))  # made by PRIMARY KEY / UNIQUE
        }
    # The PostgreSQL store keeps its version in a table of its own.
    assert pg_columns.pop("mediatop_schema") == ["version"]
    assert {t: sorted(c) for t, c in pg_columns.items()} == columns
    assert pg_indexes == indexes | POSTGRES_ONLY_INDEXES


def test_the_schema_version_is_kept_and_a_newer_store_is_refused(pg_store_url: str) -> None:
    conn = connect(pg_store_url)
    assert conn.execute("SELECT version FROM mediatop_schema").fetchone()[0] == SCHEMA_VERSION
    conn.execute("UPDATE mediatop_schema SET version = ?", (SCHEMA_VERSION + 1,))
    conn.close()
    with pytest.raises(StoreTooNewError, match="newer mediatop"):
        connect(pg_store_url)


def test_placeholders_are_translated_outside_literals_quoted_names_and_comments() -> None:
    sql = "SELECT '?', \"a?\", ?, :name, x::text, 'a%' FROM t WHERE p LIKE '%?%' AND q = ?"
    assert postgres_sql(sql) == (
        "SELECT '?', \"a?\", %s, %(name)s, x::text, 'a%%' FROM t WHERE p LIKE '%%?%%' AND q = %s"
    )
    assert postgres_sql("SELECT ? -- isn't it?\n, ?") == "SELECT %s -- isn't it?\n, %s"


def _mediatop(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mediatop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"postgresql://mediatop@127.0.0.1:{_closed_port()}/nothere", "cannot open postgresql://"),
        ("postgresql://mediatop@127.0.0.1/x?nosuch=1", "cannot read the store URL"),
        ("postgresql://mediatop@127.0.0.1:1:2:3/x", 'invalid integer value "1:2:3"'),
    ],
    ids=["closed port", "unknown option", "bad port"],  # stable across pytest-xdist workers
)
def test_a_store_url_that_cannot_be_used_gets_one_line_and_exit_1(
    tmp_path: Path, url: str, said: str
) -> None:
    done = _mediatop("report", "overview", str(tmp_path), "--db", url, "--json")
    assert done.returncode == 1
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_an_unknown_role_is_named_in_one_line(tmp_path: Path, pg_server: PgServer) -> None:
    url = pg_server.url("postgres").replace("mediatop@", "nobody_here@")
    done = _mediatop("scan", str(tmp_path), "--db", url, env={"MEDIATOP_DB": ""})
    assert done.returncode == 1
    assert 'role "nobody_here" does not exist' in done.stderr
    assert "Traceback" not in done.stderr


def test_mediatop_db_names_a_postgres_store(tmp_path: Path, pg_store_url: str) -> None:
    photo(tmp_path / "a.jpg", 40, 30)
    done = _mediatop("scan", str(tmp_path), "--quiet", env={"MEDIATOP_DB": pg_store_url})
    assert done.returncode == 0, done.stderr
    with psycopg.connect(pg_store_url) as pg:
        assert pg.execute("SELECT path FROM media_files").fetchall() == [(b"a.jpg",)]


def test_names_that_are_not_utf8_round_trip_through_a_postgres_store(
    tmp_path: Path, pg_store_url: str
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    name = write_bytes_name(root, b"caf\xe9 \xff.bin", b"12345")
    done = _mediatop("scan", str(root), "--db", pg_store_url, "--quiet")
    assert done.returncode == 0, done.stderr
    conn = connect(pg_store_url, readonly=True)
    assert conn.execute("SELECT path, size FROM media_files").fetchall() == [(name, 5)]
    conn.close()
    listed = _mediatop("report", "overview", str(root), "--db", pg_store_url, "--json")
    assert listed.returncode == 0, listed.stderr


# --- the same input, the same reports --------------------------------------------------

# Two files of sample_media/ the traffic below asks for, by kind.
_IMAGE = "2024/01/team-photo-2024.jpg"
_VIDEO = "2024/03/product-demo.mp4"
# The reports that measure before they read (hashes, image savings) run first, one by
# one in this order, so that each backend measures the same files at the same step.
_MEASURING = ("duplicates", "images", "media")
_READING = ("overview", "usage", "performance", "videos", "documents", "audio",
            "optimization", "insights", "misses")  # fmt: skip
# The scan's own clock differs between the two runs: every other figure must not.
_SCAN_TIMES = {"firstSeen", "probedAt"}


def _access_log(path: Path, files: list[str]) -> Path:
    """A combined log, 2026-11-01 on, one request every 7 minutes cycling through the
    files, statuses, agents and referrers (a miss and a malformed line among them)."""
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
              "Googlebot/2.1 (+http://www.google.com/bot.html)"]  # fmt: skip
    statuses = [200, 200, 206, 304, 404, 200, 500]
    lines = []
    for i in range(600):
        minute = i * 7
        stamp = f"{1 + minute // 1440:02d}/Nov/2026:{minute // 60 % 24:02d}:{minute % 60:02d}:00"
        target = [*files, "missing/gone.jpg"][i % (len(files) + 1)]
        lines.append(
            f'10.0.0.{i % 9} - - [{stamp} +0000] "GET /wp-content/uploads/{target} HTTP/1.1" '
            f'{statuses[i % 7]} {100 + i} "https://example.com/p/{i % 4}" "{agents[i % 3]}" '
            f"0.{i % 10}{i % 7}"
        )
    lines.insert(300, "not a log line")
    path.write_text("\n".join(lines) + "\n")
    return path


def _events(path: Path) -> Path:
    """Player sessions on the video (plays, seeks, pauses, some completed) and tracked
    clicks and shares on the image."""
    rows: list[dict[str, Any]] = []
    for s in range(12):
        start = 1793577600 + s * 5000  # 2026-11-02 on
        rows.append({"path": _VIDEO, "eventType": "play", "currentTime": 0, "duration": 90,
                     "sessionId": f"v{s}", "timestamp": start, "quality": "720p"})  # fmt: skip
        rows.append({"path": _VIDEO, "eventType": "seek", "currentTime": 10 + s * 6,
                     "seekFrom": 5 + s, "duration": 90, "sessionId": f"v{s}",
                     "timestamp": start + 20, "buffering": s % 3 == 0})  # fmt: skip
        ending = "complete" if s % 4 == 0 else "pause"
        rows.append({"path": _VIDEO, "eventType": ending, "currentTime": 90 if s % 4 == 0
                     else 13.7 * (s + 1) % 90, "duration": 90, "sessionId": f"v{s}",
                     "timestamp": start + 60})  # fmt: skip
        rows.append({"path": _IMAGE, "eventType": ("click", "share")[s % 2],
                     "timestamp": start + 90, "userId": f"u{s % 5}"})  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _without_scan_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_scan_times(v) for k, v in value.items() if k not in _SCAN_TIMES}
    if isinstance(value, list):
        return [_without_scan_times(v) for v in value]
    return value


def _fill(root: Path, db: str, log: Path, events: Path) -> None:
    # Every image's savings are measured up front (optimize plan --measure all): a
    # report measures at most a few under a time budget, which a busy machine may
    # cut short on one backend and not the other.
    plan = str(log.parent / "plan.json")
    for args in (("scan", str(root), "--quiet"), ("ingest", str(root), str(log)),
                 ("import-events", str(root), str(events)),
                 ("optimize", "plan", str(root), "--measure", "all", "-o", plan)):  # fmt: skip
        done = _mediatop(*args, "--db", db)
        assert done.returncode == 0, done.stderr


def _reports(root: Path, db: str, file_ids: list[int]) -> dict[str, Any]:
    asks = [(name, []) for name in _READING] + [("file", ["--file", str(i)]) for i in file_ids]

    def run(ask: tuple[str, list[str]]) -> tuple[str, Any]:
        name, extra = ask
        done = _mediatop("report", name, str(root), *extra, "--db", db, "--range", "all", "--json")
        assert done.returncode == 0, f"{name}: {done.stderr}"
        return f"{name} {' '.join(extra)}", _without_scan_times(json.loads(done.stdout))

    measured = dict(run((name, [])) for name in _MEASURING)
    with ThreadPoolExecutor(3) as pool:
        return measured | dict(pool.map(run, asks))


@pytest.mark.slow
def test_every_report_is_the_same_json_on_sqlite_and_postgres(
    tmp_path: Path, pg_store_url: str
) -> None:
    root = tmp_path / "media"
    shutil.copytree(SAMPLE, root)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    log = _access_log(tmp_path / "access.log", files)
    events = _events(tmp_path / "events.jsonl")
    sqlite_db = str(tmp_path / "store.sqlite3")
    _fill(root, sqlite_db, log, events)
    _fill(root, pg_store_url, log, events)
    # One file of each kind the file report tells apart, by id (the same on both: both
    # scans number the same walk).
    conn = connect(sqlite_db, readonly=True)
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT MIN(id) FROM media_files GROUP BY kind UNION SELECT id FROM media_files "
            "WHERE path IN (?, ?)",
            (_IMAGE.encode(), _VIDEO.encode()),
        )
    ]
    conn.close()
    on_sqlite = _reports(root, sqlite_db, ids)
    on_postgres = _reports(root, pg_store_url, ids)
    # The input left its trace (so that equality says something): files were used, the
    # videos watched, a path missed.
    assert on_sqlite["usage "]["mostUsedFiles"]
    assert on_sqlite["videos "]["overview"]["totalWatchTime"] > 0
    assert on_sqlite["misses "]["mostMissed"][0]["path"] == "missing/gone.jpg"
    for name in on_sqlite:
        assert on_postgres[name] == on_sqlite[name], name


def test_a_user_who_may_only_read_gets_reports_and_a_one_line_refusal_to_write(
    tmp_path: Path, pg_server: PgServer, pg_store_url: str
) -> None:
    photo(tmp_path / "a.jpg", 40, 30)
    assert _mediatop("scan", str(tmp_path), "--db", pg_store_url, "--quiet").returncode == 0
    database = pg_store_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_store_url, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS reader")
        admin.execute("CREATE ROLE reader LOGIN")
        admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    as_reader = pg_server.url(database).replace("mediatop@", "reader@")
    report = _mediatop("report", "overview", str(tmp_path), "--db", as_reader, "--json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["totalFiles"] == 1
    # The reports that measure first (hashes, savings) show what is stored instead.
    for name in ("duplicates", "images"):
        measuring = _mediatop("report", name, str(tmp_path), "--db", as_reader, "--json")
        assert measuring.returncode == 0, measuring.stderr
    photo(tmp_path / "b.jpg", 40, 30)  # something for the scan to write
    scan = _mediatop("scan", str(tmp_path), "--db", as_reader, "--quiet")
    assert scan.returncode == 1
    assert "permission denied for table" in scan.stderr
    assert len(scan.stderr.strip().splitlines()) == 1
