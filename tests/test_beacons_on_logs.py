"""Beacons and tracked views on top of access logs: a request the log counted is counted
once, whichever source arrives first and however the sources are split into runs."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mediatop.ingest.events.tracked import import_events
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.model import UsageEvent
from mediatop.scan import scan_root
from mediatop.store import connect
from mediatop.store.events import record_usage_events_committed
from migration_support import UNDO_0040

PREFIXES = ("/uploads/",)
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
DAY = 1_728_518_400  # 2024-10-10 00:00 UTC


def _library(tmp_path: Path, name: str) -> tuple[sqlite3.Connection, dict[str, int]]:
    root = tmp_path / name / "media"
    root.mkdir(parents=True)
    for file in ("hero.jpg", "other.jpg", "guide.pdf"):
        (root / file).write_bytes(b"x" * 100)
    conn = connect(tmp_path / name / "store.sqlite3")
    scan_root(conn, root, probe=False)
    return conn, {p.decode(): i for p, i in conn.execute("SELECT path, id FROM media_files")}


def _log_line(path: str, when: str, status: int, size: int, ip: str) -> str:
    return (
        f'{ip} - - [10/Oct/2024:{when} +0000] "GET /uploads/{path} HTTP/1.1" {status} {size} '
        f'"https://example.com/post" "{CHROME}"\n'
    )


# Hour 13 and hour 14 of the day are covered by the log; hour 16 is not.
LOG_HOUR_13 = [
    _log_line("hero.jpg", "13:55:36", 200, 5000, "198.51.100.1"),
    _log_line("hero.jpg", "13:58:00", 304, 0, "198.51.100.2"),
]
LOG_HOUR_14 = [_log_line("other.jpg", "14:10:00", 200, 3000, "198.51.100.3")]
BEACONS = [
    # the beacon of the 13:55:36 request: its client time only
    {"media": "hero.jpg", "eventType": "view", "timestamp": "2024-10-10T13:55:37Z",
     "clientTimeMs": 120, "transferSize": 5300, "device": "mobile", "country": "FR"},
    # hour 14 is covered by the log (a request for another file): client time only
    {"media": "hero.jpg", "eventType": "view", "timestamp": "2024-10-10T14:30:00Z",
     "clientTimeMs": 80, "transferSize": 0, "device": "mobile", "country": "FR"},
    # no log covers hour 16: this view is counted, with its bytes
    {"media": "hero.jpg", "eventType": "view", "timestamp": "2024-10-10T16:05:00Z",
     "clientTimeMs": 200, "transferSize": 5300, "device": "mobile", "country": "DE"},
    # a click is an interaction, counted whatever the log covers
    {"media": "hero.jpg", "eventType": "click", "timestamp": "2024-10-10T13:56:00Z"},
]  # fmt: skip


def _figures(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every rollup table, in a stable order (created_at and ids left out)."""
    tables = {
        "metrics": "SELECT media_id, date, requests, bot_requests, views, downloads, clicks, "
        "shares, not_modified, errors, bandwidth_usage, server_time_sum_ms, server_time_count, "
        "client_time_sum_ms, client_time_count, load_time_avg, error_rate "
        "FROM media_performance_metrics ORDER BY 1, 2",
        "totals": "SELECT * FROM file_totals ORDER BY media_id",
        "kinds": "SELECT * FROM kind_daily ORDER BY kind, date",
        "breakdown": "SELECT media_id, date, dimension, value, count FROM usage_breakdown "
        "ORDER BY 1, 2, 3, 4",
        "kind_breakdown": "SELECT * FROM kind_breakdown ORDER BY 1, 2, 3, 4",
        "latency": "SELECT * FROM latency_histogram ORDER BY 1, 2, 3, 4",
    }
    return {name: conn.execute(sql).fetchall() for name, sql in tables.items()}


def _ingest(conn: sqlite3.Connection, folder: Path, lines: list[str]) -> None:
    log = folder / "access.log"
    with log.open("a") as handle:  # appended: a run reads only the new lines
        handle.write("".join(lines))
    ingest_logs(conn, [log], url_prefixes=PREFIXES)


def _import(conn: sqlite3.Connection, folder: Path, events: list[dict[str, object]]) -> None:
    jsonl = folder / "events.jsonl"
    with jsonl.open("a") as handle:
        handle.write("".join(json.dumps(e) + "\n" for e in events))
    report = import_events(conn, jsonl, url_prefixes=PREFIXES)
    assert report.errors == ()


def _hero_figures(conn: sqlite3.Connection, hero: int) -> tuple[object, ...]:
    return conn.execute(
        "SELECT requests, views, clicks, not_modified, bandwidth_usage, client_time_sum_ms, "
        "client_time_count FROM media_performance_metrics WHERE media_id = ? AND date = ?",
        (hero, "2024-10-10"),
    ).fetchone()


def test_a_beacon_for_a_logged_hour_brings_its_timing_in_either_order(tmp_path: Path) -> None:
    beacon_first, ids = _library(tmp_path, "beacon-first")
    _import(beacon_first, tmp_path / "beacon-first", BEACONS)
    _ingest(beacon_first, tmp_path / "beacon-first", LOG_HOUR_13 + LOG_HOUR_14)

    log_first, _ = _library(tmp_path, "log-first")
    _ingest(log_first, tmp_path / "log-first", LOG_HOUR_13 + LOG_HOUR_14)
    _import(log_first, tmp_path / "log-first", BEACONS)

    # split: hour 13 of the log, then the beacons (hour 14 is not yet covered, so the
    # 14:30 beacon counts as a view for now), then hour 14 of the log takes it back
    split, _ = _library(tmp_path, "split")
    _ingest(split, tmp_path / "split", LOG_HOUR_13)
    _import(split, tmp_path / "split", BEACONS[:2])
    _import(split, tmp_path / "split", BEACONS[2:])
    _ingest(split, tmp_path / "split", LOG_HOUR_14)

    hero = ids["hero.jpg"]
    # requests: the log's 200 and 304 for hero = 2 (beacons and clicks are no requests);
    # views: those 2 + the 16:05 beacon (hour 16 has no log) = 3;
    # clicks 1; not modified 1 (the 304);
    # bytes: 5000 + 0 (304) + 5300 (the 16:05 beacon's transferSize) = 10300;
    # client time: all three beacons, 120 + 80 + 200 = 400 ms over 3
    expected = (2, 3, 1, 1, 10300, 400.0, 3)
    for conn in (beacon_first, log_first, split):
        assert _hero_figures(conn, hero) == expected
    figures = _figures(log_first)
    assert _figures(beacon_first) == figures
    assert _figures(split) == figures
    countries = [row[3:] for row in figures["breakdown"] if row[2] == "country"]
    assert countries == [("DE", 1)]  # the FR beacons were the log's requests
    devices = [row[3:] for row in figures["breakdown"] if row[0] == hero and row[2] == "device"]
    assert devices == [("desktop", 2), ("mobile", 1), ("other", 1)]  # log 2, beacon, click
    # last used: the 16:05 beacon (16 * 3600 + 5 * 60 = 57900 s into the day)
    assert log_first.execute(
        "SELECT last_used FROM file_totals WHERE media_id = ?", (hero,)
    ).fetchone() == (DAY + 57_900,)


def test_beacon_requests_count_only_where_no_log_covers_their_hour(tmp_path: Path) -> None:
    """Source 'beacon' (a request the browser reported) is a request only outside the
    log's hours, as its view is; the same in both orders."""
    results = []
    for order in ("beacon-first", "log-first"):
        conn, ids = _library(tmp_path, order)
        hero = ids["hero.jpg"]
        logged = [UsageEvent(hero, "view", DAY + 10 * 3600 + 5, "log", status=200, bytes=700,
                             session_id="s1", device="desktop")]  # fmt: skip
        beacons = [
            UsageEvent(hero, "view", DAY + 10 * 3600 + 6, "beacon", status=200, bytes=800,
                       client_time_ms=50.0, device="desktop"),
            UsageEvent(hero, "view", DAY + 12 * 3600, "beacon", status=200, bytes=800,
                       client_time_ms=70.0, device="desktop"),
        ]  # fmt: skip
        for batch in (beacons, logged) if order == "beacon-first" else (logged, beacons):
            record_usage_events_committed(conn, batch)
        results.append(_figures(conn))
        # requests: the logged one + the 12:00 beacon (hour 12 has no log) = 2;
        # views 2; bytes 700 + 800 = 1500; client time 50 + 70 = 120 ms over 2
        assert _hero_figures(conn, hero) == (2, 2, 0, 0, 1500, 120.0, 2)
    assert results[0] == results[1]


def test_a_crawlers_beacon_is_a_crawler_request_only_where_no_log_covers_its_hour(
    tmp_path: Path,
) -> None:
    """A beacon sent by a crawler (a rendering crawler runs the page's script) is one
    crawler request outside the log's hours; in a covered hour the log has it already."""
    results = []
    for order in ("beacon-first", "log-first"):
        conn, ids = _library(tmp_path, order)
        hero = ids["hero.jpg"]
        logged = [
            UsageEvent(hero, "view", DAY + 10 * 3600 + 5, "log", status=200, bytes=700,
                       session_id="s1", device="bot", is_bot=True),
            UsageEvent(hero, "view", DAY + 10 * 3600 + 9, "log", status=200, bytes=700,
                       session_id="s2", device="desktop"),
        ]  # fmt: skip
        crawler_beacons = [
            UsageEvent(hero, "view", DAY + 10 * 3600 + 6, "beacon", status=200, bytes=800,
                       client_time_ms=50.0, device="bot", is_bot=True),
            UsageEvent(hero, "view", DAY + 12 * 3600, "beacon", status=200, bytes=800,
                       client_time_ms=70.0, device="bot", is_bot=True),
        ]  # fmt: skip
        for batch in (
            (crawler_beacons, logged) if order == "beacon-first" else (logged, crawler_beacons)
        ):
            record_usage_events_committed(conn, batch)
        # crawler requests: the logged one + the 12:00 beacon (hour 12 has no log) = 2;
        # the person's request, view and 700 bytes only; no crawler's client time
        assert conn.execute(
            "SELECT requests, bot_requests, views, bandwidth_usage, client_time_count "
            "FROM media_performance_metrics WHERE media_id = ?",
            (hero,),
        ).fetchone() == (1, 2, 1, 700, 0)
        assert conn.execute(
            "SELECT count FROM usage_breakdown WHERE media_id = ? AND dimension = 'user_type' "
            "AND value = 'bot'",
            (hero,),
        ).fetchall() == [(2,)]
        results.append(_figures(conn))
    assert results[0] == results[1]


log_events = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3599), st.sampled_from(("hero.jpg", "guide.pdf")),
              st.sampled_from((200, 206, 304, 404)), st.sampled_from(("s1", "s2")),
              st.booleans()),
    max_size=12,
)  # fmt: skip
tracked_events = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3599), st.sampled_from(("hero.jpg", "guide.pdf")),
              st.sampled_from(("view", "download", "click")),
              st.sampled_from(("import", "beacon", "track")),
              st.sampled_from((None, "FR", "DE")), st.integers(0, 5000), st.booleans()),
    max_size=12,
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(log_events, tracked_events, st.data())
def test_figures_do_not_depend_on_order_or_runs(
    logged: list[tuple], tracked: list[tuple], data: st.DataObject
) -> None:
    """Log lines (in time order, as a log is read) and tracked events, written all log
    first, all tracked first, and interleaved in random runs: the same rollups."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        _, ids = _library(base, "names")
        log = sorted(
            (UsageEvent(ids[name], "view" if name.endswith(".jpg") else "download",
                       DAY + hour * 3600 + second, "log", session_id=session, status=status,
                       bytes=second, device="bot" if bot else "desktop", is_bot=bot)
             for hour, second, name, status, session, bot in logged),
            key=lambda event: event.timestamp,
        )  # fmt: skip
        events = [
            UsageEvent(ids[name], etype, DAY + hour * 3600 + second, source, country=country,
                       bytes=size, client_time_ms=float(size % 700),
                       device="bot" if bot else "mobile", is_bot=bot)
            for hour, second, name, etype, source, country, size, bot in tracked
        ]  # fmt: skip
        runs_of_log = _runs(log, data.draw(st.integers(1, 4)))
        runs_of_events = _runs(events, data.draw(st.integers(1, 4)))
        interleaved = data.draw(st.permutations(["log"] * len(runs_of_log)
                                                + ["event"] * len(runs_of_events)))  # fmt: skip
        orders = {
            "log first": [log, events],
            "tracked first": [events, log],
            "interleaved": [
                (runs_of_log if which == "log" else runs_of_events).pop(0) for which in interleaved
            ],
        }
        figures = {}
        for name, batches in orders.items():
            conn, _ = _library(base, name)
            for batch in batches:
                record_usage_events_committed(conn, batch)
            figures[name] = _figures(conn)
            conn.close()
        assert figures["tracked first"] == figures["log first"]
        assert figures["interleaved"] == figures["log first"]


def _runs(events: list[UsageEvent], count: int) -> list[list[UsageEvent]]:
    """`events` cut into `count` consecutive runs (some may be empty)."""
    size = -(-len(events) // count) or 1
    return [events[at : at + size] for at in range(0, size * count, size)]


def test_an_upgraded_store_knows_the_hours_its_logs_already_cover(tmp_path: Path) -> None:
    conn, ids = _library(tmp_path, "old")
    hero = ids["hero.jpg"]
    logged = UsageEvent(hero, "view", DAY + 9 * 3600, "log", status=200, bytes=700,
                        session_id="s1", device="desktop")  # fmt: skip
    record_usage_events_committed(conn, [logged])
    # the store as the version before 0030 left it: no coverage tables
    conn.executescript(
        "DROP TABLE log_hours; DROP TABLE uncovered_uses; "
        # what the later migrations (31: misses apart, 33: latency ranges) added, undone
        "ALTER TABLE latency_histogram DROP COLUMN min_ms; "
        "ALTER TABLE latency_histogram DROP COLUMN max_ms; "
        + UNDO_0040
        + "PRAGMA user_version = 21;"
    )
    conn.close()
    conn = connect(tmp_path / "old" / "store.sqlite3")
    beacon = UsageEvent(hero, "view", DAY + 9 * 3600 + 1, "import", bytes=800,
                        client_time_ms=90.0)  # fmt: skip
    record_usage_events_committed(conn, [beacon])
    # hour 9 was covered by the log stored before the upgrade: 1 request, 1 view,
    # 700 bytes; the beacon brings its 90 ms only
    assert _hero_figures(conn, hero) == (1, 1, 0, 0, 700, 90.0, 1)


def test_a_document_preview_is_a_view_but_not_a_second_request(tmp_path: Path) -> None:
    """The log counts every document request as a download; the site's viewer reports
    the same open as a view: a view beside the download, with no request or bytes."""
    log = [_log_line("guide.pdf", "13:20:00", 200, 100_000, "198.51.100.5")]
    preview = [{"media": "guide.pdf", "eventType": "view", "timestamp": "2024-10-10T13:20:02Z",
                "clientTimeMs": 900, "transferSize": 100_300}]  # fmt: skip
    results = []
    for order in ("preview-first", "log-first"):
        conn, ids = _library(tmp_path, order)
        steps = [(_import, preview), (_ingest, log)]
        for step, items in steps if order == "preview-first" else reversed(steps):
            step(conn, tmp_path / order, items)  # type: ignore[operator]
        # 1 request (the log's), 1 download (the log's), 1 view (the preview),
        # 100000 bytes (the log's; not the preview's 100300), client time 900 ms over 1
        assert conn.execute(
            "SELECT requests, downloads, views, bandwidth_usage, client_time_sum_ms, "
            "client_time_count FROM media_performance_metrics WHERE media_id = ?",
            (ids["guide.pdf"],),
        ).fetchone() == (1, 1, 1, 100_000, 900.0, 1)
        results.append(_figures(conn))
    assert results[0] == results[1]
