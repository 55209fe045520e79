"""`mediatop track` and `import-events`: validation, line numbers, rollups and video sessions."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from pathlib import Path

from mediatop.cli import main
from mediatop.ingest.events.tracked import import_events
from mediatop.scan import scan_root
from mediatop.store import connect
from test_analytics_usage_fixtures import make_store

PREFIXES = ("/wp-content/uploads/", "/uploads/")


def _library(tmp_path: Path) -> tuple[Path, Path, sqlite3.Connection]:
    root = tmp_path / "media"
    (root / "2024").mkdir(parents=True)
    for name in ("hero.jpg", "clip.mp4"):
        (root / "2024" / name).write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, root, probe=False)
    return root, db, conn


def _id(conn: sqlite3.Connection, path: bytes) -> int:
    return int(conn.execute("SELECT id FROM media_files WHERE path = ?", (path,)).fetchone()[0])


def test_track_command_records_one_event_with_its_rollups(tmp_path: Path, capsys) -> None:
    root, db, conn = _library(tmp_path)
    code = main(["track", str(root), "--db", str(db), "--media", "2024/hero.jpg",
                 "--event", "share", "--user", "u1", "--json"])  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["eventType"] == "share"
    hero = _id(conn, b"2024/hero.jpg")
    assert conn.execute("SELECT shares, last_used FROM file_totals").fetchone()[0] == 1
    assert conn.execute(
        "SELECT count FROM usage_breakdown WHERE media_id = ? AND value = 'known'", (hero,)
    ).fetchone() == (1,)


def test_track_command_refuses_bad_input_without_a_traceback(tmp_path: Path, capsys) -> None:
    root, db, _conn = _library(tmp_path)
    assert (
        main(["track", str(root), "--db", str(db), "--media", "nope.jpg", "--event", "view"]) == 2
    )
    assert main(["track", str(root), "--db", str(db), "--media", "2024/hero.jpg",
                 "--event", "like"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "not in the library" in err and "is not one of" in err and "Traceback" not in err


def test_text_sqlite_cannot_store_is_kept_visible_not_refused(tmp_path: Path, capsys) -> None:
    """An argument that is not UTF-8 reaches Python as surrogates, and JSON may escape a
    lone surrogate; SQLite takes neither, which stopped `track` with a traceback."""
    root, db, conn = _library(tmp_path)
    referrer = os.fsdecode(b"https://example.com/caf\xe9")
    assert main(["track", str(root), "--db", str(db), "--media", "2024/hero.jpg",
                 "--event", "view", "--referrer", referrer]) == 0  # fmt: skip
    events = tmp_path / "events.jsonl"
    events.write_text('{"media": "2024/hero.jpg", "eventType": "click", "userAgent": "\\ud800",'
                      ' "sessionId": "s\\udcff"}\n')  # fmt: skip
    report = import_events(conn, events, url_prefixes=PREFIXES)
    assert (report.usage_events, report.errors) == (1, ())
    stored = conn.execute(
        "SELECT referrer, user_agent FROM media_usage_events ORDER BY id"
    ).fetchall()  # fmt: skip
    assert stored == [("https://example.com/caf\\xe9", None), (None, "\\ud800")]
    assert "Traceback" not in capsys.readouterr().err


def test_jsonl_with_bad_lines_reports_line_numbers_and_stores_the_good(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    clip = _id(conn, b"2024/clip.mp4")
    events = tmp_path / "events.jsonl"
    good_usage = {"mediaId": _id(conn, b"2024/hero.jpg"), "eventType": "click",
                  "timestamp": "2024-10-10T12:00:00Z", "sessionId": "s1"}  # fmt: skip
    session = [
        {"videoId": clip, "eventType": "play", "currentTime": 0, "duration": 60,
         "sessionId": "v1", "timestamp": 1728561600, "quality": "720p"},
        {"videoId": clip, "eventType": "progress", "currentTime": 20, "duration": 60,
         "sessionId": "v1", "timestamp": 1728561620},
        {"videoId": clip, "eventType": "seek", "currentTime": 40, "seekFrom": 25,
         "duration": 60, "sessionId": "v1", "timestamp": 1728561625, "buffering": True},
        {"videoId": clip, "eventType": "pause", "currentTime": 45, "duration": 60,
         "sessionId": "v1", "timestamp": 1728561630},
    ]  # fmt: skip
    lines = [
        json.dumps(good_usage),
        "{not json",
        json.dumps({"mediaId": 99999, "eventType": "view"}),
        json.dumps({"media": "2024/hero.jpg", "eventType": "explode"}),
        json.dumps({"videoId": clip, "eventType": "play", "duration": 60}),
        "[1, 2]",
        *(json.dumps(e) for e in session),
    ]
    events.write_text("\n".join(lines) + "\n")
    report = import_events(conn, events, url_prefixes=PREFIXES)
    assert (report.usage_events, report.video_events) == (1, 4)
    assert [n for n, _ in report.errors] == [2, 3, 4, 5, 6]
    assert "currentTime is required" in dict(report.errors)[5]
    row = conn.execute(
        "SELECT max_position, last_position, last_event_type, watch_seconds, seeks, "
        "buffering_events, quality FROM video_sessions WHERE video_id = ?",
        (clip,),
    ).fetchone()
    assert row == (45.0, 45.0, "pause", 30.0, 1, 1, "720p")
    drop = conn.execute(
        "SELECT bucket FROM video_buckets WHERE video_id = ? AND dropoffs > 0", (clip,)
    ).fetchall()
    assert drop == [(4,)]
    assert conn.execute("SELECT plays FROM video_daily").fetchone() == (1,)

    # the session continues in a later import: the drop-off moves, plays stay 1
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({**session[0], "eventType": "complete", "currentTime": 60,
                                "timestamp": 1728561700}) + "\n")  # fmt: skip
    import_events(conn, more, url_prefixes=PREFIXES)
    assert conn.execute(
        "SELECT count(*) FROM video_buckets WHERE video_id = ? AND dropoffs > 0", (clip,)
    ).fetchone() == (0,)
    assert conn.execute("SELECT plays, completions FROM video_daily").fetchone() == (1, 1)


def test_a_line_that_is_not_utf8_is_named_so_and_a_bom_is_read(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    hero = _id(conn, b"2024/hero.jpg")
    line = json.dumps({"mediaId": hero, "eventType": "view", "timestamp": 1728561600})
    events = tmp_path / "events.jsonl"
    events.write_bytes(
        b"\xef\xbb\xbf" + line.encode() + b"\n"
        + b'{"media": "2024/caf\xe9.jpg", "eventType": "view"}\n'
        + line.encode() + b"\n"
    )  # fmt: skip
    report = import_events(conn, events, url_prefixes=PREFIXES)
    assert report.usage_events == 2
    assert report.errors == ((2, "not UTF-8: byte 0xe9 at column 20"),)


def test_import_events_command_exit_code_and_json(tmp_path: Path, capsys) -> None:
    root, db, _conn = _library(tmp_path)
    events = tmp_path / "events.jsonl"
    events.write_text('{"media": "2024/hero.jpg", "eventType": "view"}\nnot json\n')
    assert main(["import-events", str(root), "--db", str(db), str(events), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["usageEvents"] == 1 and out["rejected"] == 1 and out["errors"][0]["line"] == 2


def test_importing_a_file_again_adds_nothing_and_appends_add_only_new_lines(
    tmp_path: Path,
) -> None:
    _root, _db, conn = _library(tmp_path)
    events = tmp_path / "events.jsonl"
    click = '{"media": "2024/hero.jpg", "eventType": "click"}\n'
    events.write_text(click * 3 + "oops\n")
    first = import_events(conn, events, url_prefixes=PREFIXES)
    assert (first.usage_events, first.errors[0][0]) == (3, 4)
    again = import_events(conn, events, url_prefixes=PREFIXES)
    assert (again.lines, again.usage_events, again.errors) == (0, 0, ())
    with events.open("a") as handle:
        handle.write(click + '{"media": "2024/hero.jpg", "eventType": "play"}\n')
    more = import_events(conn, events, url_prefixes=PREFIXES)
    assert more.usage_events == 1
    assert more.errors[0][0] == 6 and "player event" in more.errors[0][1]
    assert conn.execute("SELECT clicks FROM file_totals").fetchone() == (4,)


def test_a_jsonl_gz_imported_again_adds_nothing_and_grown_adds_only_its_new_lines(
    tmp_path: Path,
) -> None:
    _root, _db, conn = _library(tmp_path)
    events = tmp_path / "events.jsonl.gz"
    click = b'{"media": "2024/hero.jpg", "eventType": "click"}\n'
    events.write_bytes(gzip.compress(click * 3))
    first = import_events(conn, events, url_prefixes=PREFIXES)
    assert (first.lines, first.usage_events) == (3, 3)
    again = import_events(conn, events, url_prefixes=PREFIXES)
    assert (again.lines, again.usage_events, again.errors) == (0, 0, ())
    events.write_bytes(gzip.compress(click * 5))  # rewritten whole with two lines more
    grown = import_events(conn, events, url_prefixes=PREFIXES)
    assert (grown.lines, grown.usage_events, grown.errors) == (2, 2, ())
    assert conn.execute("SELECT clicks FROM file_totals").fetchone() == (5,)


def test_figures_an_event_cannot_have_are_refused_by_field(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    clip, hero = _id(conn, b"2024/clip.mp4"), _id(conn, b"2024/hero.jpg")
    week = 7 * 86400
    play = {"videoId": clip, "eventType": "progress", "sessionId": "v", "duration": 60,
            "currentTime": 1, "timestamp": 1728561600}  # fmt: skip
    view = {"mediaId": hero, "eventType": "view", "timestamp": 1728561600}
    lines = [
        {**play, "duration": 1e300},  # 2: would cut 1e300 one-second buckets
        {**play, "currentTime": week + 1},  # 3
        {**play, "seekFrom": week + 1, "eventType": "seek"},  # 4
        {**view, "transferSize": 10**30},  # 5: beyond SQLite's integers
        {**view, "clientTimeMs": 3_600_001},  # 6
        {**view, "timestamp": "0001-01-01T00:00:00Z"},  # 7
        {**view, "timestamp": "9999-12-31T23:59:59Z"},  # 8
        {**play, "duration": week, "currentTime": week},  # 9: a week is allowed
        {**view, "transferSize": 10**15},  # 10: a petabyte is allowed
    ]
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in [view, *lines]) + "\n")
    report = import_events(conn, events, url_prefixes=PREFIXES)
    errors = dict(report.errors)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8]
    assert "duration must be at most 604,800" in errors[2]
    assert "currentTime must be at most 604,800" in errors[3]
    assert "seekFrom must be at most 604,800" in errors[4]
    assert "transferSize must be at most 1,000,000,000,000,000" in errors[5]
    assert "clientTimeMs must be at most 3,600,000" in errors[6]
    assert "timestamp is before 1970" in errors[7]
    assert "timestamp is too far in the future" in errors[8]
    assert (report.usage_events, report.video_events) == (2, 1)


def test_a_nul_in_event_text_is_stored_visible_on_either_store(
    tmp_path: Path, store_url: str
) -> None:
    """PostgreSQL's text refuses NUL: one event with a JSON "\\u0000" failed its whole
    batch there (a beacon batch: every request in it). It is kept as the text \\x00."""
    store = make_store(tmp_path, store_url=store_url)
    (store.root / "2024").mkdir()
    (store.root / "2024" / "hero.jpg").write_bytes(b"x")
    scan_root(store.conn, store.root, probe=False)
    lines = [
        {"media": "2024/hero.jpg", "eventType": "click", "userAgent": "bot\0x", "userId": "\0"},
        {"media": "2024/hero.jpg", "eventType": "share", "userId": "u2"},
    ]
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert '"\\u0000"' in events.read_text()  # as JSON carries it
    report = import_events(store.conn, events, url_prefixes=PREFIXES)
    assert (report.usage_events, report.errors) == (2, ())
    stored = store.conn.execute(
        "SELECT event_type, user_agent, user_id FROM media_usage_events ORDER BY id"
    ).fetchall()
    assert [tuple(row) for row in stored] == [
        ("click", "bot\\x00x", "\\x00"),
        ("share", None, "u2"),
    ]


def test_a_jsonl_gz_cut_off_stores_its_complete_lines_and_then_the_rest(
    tmp_path: Path, capsys
) -> None:
    root, db, conn = _library(tmp_path)
    click = b'{"media": "2024/hero.jpg", "eventType": "click"}\n'
    whole = gzip.compress(click * 4, compresslevel=0, mtime=0)
    events = tmp_path / "events.jsonl.gz"
    # a stored deflate block: a 10-byte gzip header, 5 bytes of block header, then the
    # lines as they are; cut 20 bytes into the third line (copied while gzip wrote it)
    events.write_bytes(whole[: 10 + 5 + 2 * len(click) + 20])
    assert main(["import-events", str(root), str(events), "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        f"mediatop: cannot read events file {events}: the file ends early (its gzip data is "
        "cut off); its complete lines before the cut are stored\n"
    )
    assert conn.execute("SELECT clicks FROM file_totals").fetchone() == (2,)
    events.write_bytes(whole)  # gzip has finished writing it: the broken line comes whole
    rest = import_events(conn, events, url_prefixes=PREFIXES)
    assert (rest.lines, rest.usage_events, rest.errors) == (2, 2, ())
    assert conn.execute("SELECT clicks FROM file_totals").fetchone() == (4,)


def test_a_line_too_long_to_be_an_event_is_one_bad_line_read_in_bounded_memory(
    tmp_path: Path,
) -> None:
    import tracemalloc

    _root, _db, conn = _library(tmp_path)
    click = b'{"media": "2024/hero.jpg", "eventType": "click"}\n'
    events = tmp_path / "events.jsonl"
    with events.open("wb") as handle:  # a 24 MiB event between two good ones
        handle.write(click)
        handle.write(b'{"media": "2024/hero.jpg", "eventType": "click", "title": "')
        for _ in range(24):
            handle.write(b"a" * (1 << 20))
        handle.write(b'"}\n')
        handle.write(click)
    tracemalloc.start()
    try:
        report = import_events(conn, events, url_prefixes=PREFIXES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (report.lines, report.usage_events) == (3, 2)
    assert [number for number, _ in report.errors] == [2]
    assert "longer than 1,048,576 bytes" in report.errors[0][1]
    assert peak < 16 << 20, peak  # the 24 MiB line was never held whole
