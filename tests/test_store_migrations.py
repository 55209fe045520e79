"""The store: created by numbered migrations, refuses stores too new or corrupt."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mediatop.cli import main
from mediatop.store import (
    SCHEMA_VERSION,
    StoreCorruptError,
    StoreError,
    StoreTooNewError,
    connect,
)
from mediatop.store.migration_files import migrations
from migration_support import UNDO_0040

SEED_COLUMNS = {
    "media_usage_events": {
        "id", "media_id", "event_type", "user_id", "session_id", "referrer", "user_agent",
        "timestamp",
    },
    "video_engagement_events": {
        "id", "video_id", "user_id", "session_id", "event_type", "current_time", "duration",
        "quality", "buffering", "timestamp",
    },
    "media_performance_metrics": {
        "id", "media_id", "date", "load_time_avg", "cache_hit_rate", "bandwidth_usage",
        "error_rate", "created_at",
    },
}  # fmt: skip
ADDED_TABLES = {
    "media_files", "usage_locations", "file_totals", "kind_daily", "latency_histogram",
    "ingest_checkpoints", "cleanup_journal", "scan_dirs", "library_state", "library_facts",
}  # fmt: skip


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_fresh_store_has_latest_version_and_every_table(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables >= ADDED_TABLES
    for table, columns in SEED_COLUMNS.items():
        assert columns <= _columns(conn, table), table


def test_a_reader_upgrades_a_store_an_older_mediatop_wrote(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    conn = connect(path)
    conn.executescript(
        UNDO_0040
        + "DROP TABLE library_facts; DROP TABLE library_state; "
        + "ALTER TABLE latency_histogram DROP COLUMN min_ms; "
        + "ALTER TABLE latency_histogram DROP COLUMN max_ms; "
        + "PRAGMA user_version = 20;"
    )
    conn.close()
    reader = connect(path, readonly=True)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert reader.execute("SELECT generation FROM library_state").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError):  # still read-only
        reader.execute("DELETE FROM library_facts")


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()


def test_a_new_store_made_in_one_go_is_the_store_the_migrations_build_one_by_one(
    tmp_path: Path,
) -> None:
    # A new store runs every migration in one transaction; an old one runs each in its
    # own, with the Python steps of 0032 (hourly rollups) and 0041 (checkpoint nodes).
    new = connect(tmp_path / "new.sqlite3")
    (first_number, first_sql), *later = migrations("sqlite")
    assert first_number == 1 and len(later) > 20
    stepped_path = tmp_path / "stepped.sqlite3"
    with contextlib.closing(sqlite3.connect(stepped_path)) as at_version_1:
        at_version_1.execute("PRAGMA page_size = 16384")  # what connect gives a new store
        at_version_1.executescript(f"{first_sql}\nPRAGMA user_version = 1;")
    stepped = connect(stepped_path)
    assert stepped.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert new.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert _schema(new) == _schema(stepped)
    assert len(_schema(new)) > 40


def test_up_to_date_store_reopens_without_migrating_again(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    conn = connect(path)
    conn.execute("INSERT INTO store_meta VALUES ('marker', 'kept')")
    conn.close()
    again = connect(path)
    assert again.execute("SELECT value FROM store_meta WHERE key='marker'").fetchone() == ("kept",)
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_from_a_newer_mediatop_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreTooNewError, match="newer mediatop"):
        connect(path)


def test_corrupt_store_file_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreCorruptError, match="not a usable mediatop store"):
        connect(path)


@pytest.mark.parametrize("readonly", [False, True])
def test_a_folder_given_as_the_store_is_refused_with_a_message(
    tmp_path: Path, readonly: bool
) -> None:
    with pytest.raises(StoreError, match="is a folder; a store is a file"):
        connect(tmp_path, readonly=readonly)


@pytest.mark.parametrize("damage", ["too-new", "corrupt"])
def test_cli_reports_a_bad_store_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    db = tmp_path / "s.sqlite3"
    if damage == "too-new":
        connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        db.write_bytes(b"\0garbage" * 64)
    code = main(["scan", str(root), "--db", str(db), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.startswith("mediatop: ")
    assert "Traceback" not in captured.err


def test_missing_store_for_a_report_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    code = main(["report", "overview", str(root), "--db", str(tmp_path / "none.db"), "--json"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "run `mediatop scan` first" in captured.err


def test_a_db_in_a_missing_folder_is_refused_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    db = tmp_path / "typo" / "deeper" / "s.sqlite3"
    code = main(["scan", str(root), "--db", str(db), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"folder {db.parent} not found" in captured.err
    assert not (tmp_path / "typo").exists()


def test_the_default_store_folder_is_created_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = tmp_path / "media"
    root.mkdir()
    assert main(["scan", str(root), "--quiet"]) == 0
    assert list((tmp_path / "state" / "mediatop").glob("media-*.sqlite3"))


def test_readers_map_the_store_and_writers_do_not(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    writer = connect(db)
    reader = connect(db, readonly=True)
    try:
        assert writer.execute("PRAGMA mmap_size").fetchone()[0] == 0
        assert reader.execute("PRAGMA mmap_size").fetchone()[0] > 0
    finally:
        reader.close()
        writer.close()


_CANCEL_AT_EVERY_STEP = """
import asyncio, sys
from mediatop.store import connect_async

async def main(db):
    kept = []  # as Textual keeps a cancelled worker's error, and with it the frames
    for steps in range(60):
        task = asyncio.create_task(connect_async(db))
        for _ in range(steps % 30):  # each a turn of the loop while aiosqlite's thread works
            await asyncio.sleep(0)
        if task.done():
            await (await task).close()
            continue
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as cancel:
            kept.append(cancel)
    print(len(kept), "cancelled")

asyncio.run(main(sys.argv[1]))
"""


def test_an_async_connection_cancelled_at_any_step_lets_the_process_exit(tmp_path: Path) -> None:
    """A quit can cancel the store watcher while it connects. aiosqlite's thread is not a
    daemon, so a connection half made and never closed kept the app from exiting."""
    db = tmp_path / "store.sqlite3"
    connect(db).close()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CANCEL_AT_EVERY_STEP, str(db)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("the process did not exit: a cancelled connection left its thread running")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[0]) > 10


def test_misses_an_older_mediatop_mixed_are_dropped_on_upgrade(tmp_path: Path) -> None:
    """Before migration 31 a miss row mixed people, crawlers, pages and served requests;
    nothing tells them apart, so the upgrade drops those counts rather than guess."""
    path = tmp_path / "s.sqlite3"
    conn = connect(path)
    conn.executescript(
        "DROP TABLE media_misses; CREATE TABLE media_misses (path BLOB NOT NULL, "
        "date TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0, last_status INTEGER, "
        "PRIMARY KEY(path, date)) WITHOUT ROWID; "
        "INSERT INTO media_misses VALUES (x'6f6c642e6a7067', '2024-10-10', 5, 404); "
        "ALTER TABLE latency_histogram DROP COLUMN min_ms; "
        "ALTER TABLE latency_histogram DROP COLUMN max_ms; "
        + UNDO_0040
        + "PRAGMA user_version = 21;"
    )
    conn.close()
    upgraded = connect(path)
    assert upgraded.execute("SELECT COUNT(*) FROM media_misses").fetchone() == (0,)
    assert {"human_not_found", "bot_not_found", "human_served", "bot_served"} <= _columns(
        upgraded, "media_misses"
    )


def test_a_new_store_has_16_kib_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """New stores get 16 KiB pages; a store made with SQLite's default 4 KiB pages keeps
    them (WAL mode cannot change a page size) and is migrated and written as before."""
    new = connect(tmp_path / "new.sqlite3")
    assert new.execute("PRAGMA page_size").fetchone()[0] == 16384
    assert new.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    new.close()

    old_path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(old_path)
    old.execute("PRAGMA page_size = 4096")
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE IF NOT EXISTS made_before (x)")
    old.close()
    reopened = connect(old_path)
    assert reopened.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    reopened.execute("INSERT INTO made_before VALUES (1)")
    reopened.close()


def test_an_upgrade_takes_other_files_out_of_image_groups(tmp_path: Path) -> None:
    """Before migration 50 a video named like a generated size joined the group of the
    shorter name; an image's generated size stays in its original's group."""
    path = tmp_path / "s.sqlite3"
    conn = connect(path)
    rows = [
        (b"promo.mp4", b"promo.mp4", None, "video"),
        (b"promo-1920x1080.mp4", b"promo.mp4", "1920x1080", "video"),
        (b"hero.jpg", b"hero.jpg", None, "image"),
        (b"hero-300x200.jpg", b"hero.jpg", "300x200", "image"),
    ]
    conn.executemany(
        "INSERT INTO media_files (path, group_path, variant, kind, mime, ext, size, mtime_ns, "
        "first_seen, uploaded_at, uploaded_source) "
        "VALUES (?, ?, ?, ?, '', '', 1, 1, 1, 1, 'mtime')",
        rows,
    )
    conn.execute("PRAGMA user_version = 49")
    conn.commit()
    conn.close()
    upgraded = connect(path)
    found = {
        bytes(p): (bytes(g), v)
        for p, g, v in upgraded.execute("SELECT path, group_path, variant FROM media_files")
    }
    assert found == {
        b"promo.mp4": (b"promo.mp4", None),
        b"promo-1920x1080.mp4": (b"promo-1920x1080.mp4", None),
        b"hero.jpg": (b"hero.jpg", None),
        b"hero-300x200.jpg": (b"hero.jpg", "300x200"),
    }
