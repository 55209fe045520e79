"""`24h`, `7d`... are the last N×24 hours, counted in whole UTC hours; --from/--to whole days.

A fixed clock at 14:30 UTC, mid-hour, and events a minute either side of each edge. The
rule (README, "Time ranges"): a relative range ends now and starts on the hour N×24
hours before the end of the current hour, here 24h = [2026-11-19 15:00, 2026-11-20
14:30] and 7d = [2026-11-13 15:00, 2026-11-20 14:30]; each figure tested here agrees with
a recount of the raw events in that span, worked out below from the events written here.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest

from mediatop.analytics.context import ReportContext
from mediatop.analytics.documents.report import documents_report
from mediatop.analytics.file.report import file_engagement
from mediatop.analytics.insights.report import insights_report
from mediatop.analytics.performance.report import bandwidth, kind_sums, load_times
from mediatop.analytics.usage.report import download_stats
from mediatop.cli import main
from mediatop.model import UsageEvent
from mediatop.store import connect, transaction
from mediatop.store.checkpoints import add_misses
from mediatop.store.connection import HOURLY_ROLLUPS
from mediatop.store.events import record_usage_events
from mediatop.store.files import SeenFile, insert_new
from mediatop.timerange import parse_range
from migration_support import UNDO_0040
from test_analytics_usage_fixtures import Store, make_store

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
MINUTE = 60
HOUR = 3600


def at(*fields: int) -> int:
    """A UTC timestamp from (year, month, day, hour, minute)."""
    return int(datetime(*fields, tzinfo=UTC).timestamp())  # type: ignore[misc]


NOW_TS = int(NOW.timestamp())
# a.jpg: human log views of 100 bytes; server time 100 ms inside 24h, 5000 ms outside.
A_VIEWS = {
    "24h ago - 1 min": (NOW_TS - 24 * HOUR - MINUTE, 5000.0),  # 11-19 14:29
    "23 h 50 min ago": (NOW_TS - 23 * HOUR - 50 * MINUTE, 5000.0),  # 11-19 14:40, rounded off
    "23 h ago": (NOW_TS - 23 * HOUR, 100.0),  # 11-19 15:30
    "1 min ago": (NOW_TS - MINUTE, 100.0),  # 11-20 14:29
    "yesterday 00:30": (at(2026, 11, 19, 0, 30), 5000.0),
    "7d start - 1 min": (at(2026, 11, 13, 14, 59), 5000.0),
    "7d start": (at(2026, 11, 13, 15, 0), 5000.0),
    "7d first day 00:30": (at(2026, 11, 13, 0, 30), 5000.0),
}
# b.pdf: downloads of 1000 bytes.
B_DOWNLOADS = (at(2026, 11, 19, 16, 0), at(2026, 11, 19, 10, 0))
A_ERROR = at(2026, 11, 20, 3, 0)  # a 404 for a.jpg, inside 24h


@pytest.fixture
def edges(tmp_path) -> tuple[Store, int, int]:
    store = make_store(tmp_path)
    a = store.add("a.jpg", 100)
    b = store.add("b.pdf", 1000)
    events = [
        UsageEvent(a, "view", ts, "log", status=200, bytes=100, session_id="s1",
                   device="desktop", server_time_ms=ms)
        for ts, ms in A_VIEWS.values()
    ]  # fmt: skip
    events.append(UsageEvent(a, "view", A_ERROR, "log", status=404, bytes=0, session_id="s1"))
    events += [
        UsageEvent(b, "download", ts, "log", status=200, bytes=1000, session_id="s2",
                   device="mobile")
        for ts in B_DOWNLOADS
    ]  # fmt: skip
    store.events(events)
    return store, a, b


def _ctx(store: Store, spec: str = "24h", **bounds: str) -> ReportContext:
    return ReportContext(store.conn, store.settings, parse_range(spec, now=NOW, **bounds), NOW, {})


def test_24h_starts_on_the_hour_so_nothing_older_than_24_hours_counts() -> None:
    time_range = parse_range("24h", now=NOW)
    # It ends after the current second (NOW is a whole second).
    end = NOW + timedelta(seconds=1)
    assert (time_range.start, time_range.end) == (datetime(2026, 11, 19, 15, tzinfo=UTC), end)
    # 15:00..23:59 of the 19th from its hours, 00:00..14:59 of the 20th from its hours.
    slots = time_range.slots()
    assert slots.days is None
    assert slots.hours == (("2026-11-19", 15, 23), ("2026-11-20", 0, 14))
    assert parse_range("7d", now=NOW).slots().days == ("2026-11-14", "2026-11-19")


def test_a_range_ending_on_the_hour_takes_in_its_first_second() -> None:
    # At 12:00:00.000 the current hour is 12: a request stored at 12:00:00 counts, so
    # 24h is that hour so far and the 23 whole hours before it, from 13:00 yesterday.
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    time_range = parse_range("24h", now=noon)
    assert time_range.contains(int(noon.timestamp()))
    assert time_range.start == datetime(2026, 11, 19, 13, tzinfo=UTC)
    assert time_range.slots().hours == (("2026-11-19", 13, 23), ("2026-11-20", 0, 12))


def test_24h_counts_views_requests_bytes_and_errors_of_the_last_24_hours(edges) -> None:
    store, a, _b = edges
    ctx = _ctx(store)
    # a.jpg in [11-19 15:00, 11-20 14:30]: views at 23 h and 1 min ago = 2 (the 404 is
    # an error, not a view). The old whole-day rule also counted 14:29, 14:40 and 00:30
    # of the 19th: 5.
    assert file_engagement(ctx, a).views == 2
    sums = kind_sums(ctx)
    # image requests: 2 views + the 404 = 3; errors 1; document requests: the 16:00
    # download = 1 (the 10:00 one is before the start).
    assert (sums["image"][0], sums["image"][7]) == (3, 1)
    assert sums["document"][0] == 1
    # bytes: 2 × 100 (a.jpg) + 1 × 1000 (b.pdf) = 1200.
    assert bandwidth(ctx, 10).total_bytes == 1200
    assert download_stats(ctx, 10).total_downloads == 1


def test_24h_latency_reads_only_the_requests_of_the_last_24_hours(edges) -> None:
    store, _a, _b = edges
    (image,) = [row for row in load_times(_ctx(store), None) if row.type == "image"]
    # Server times inside 24h: 100 ms and 100 ms (the 404 has none): mean 100, and no
    # percentile reaches the 5000 ms samples of the hours before the start.
    assert (image.server_samples, image.server_mean_ms) == (2, 100.0)
    assert image.server_p99_ms is not None and image.server_p99_ms < 5000


def test_7d_starts_on_the_hour_seven_days_back(edges) -> None:
    store, a, b = edges
    ctx = _ctx(store, "7d")
    # [11-13 15:00, 11-20 14:30]: every a.jpg view but 14:59 and 00:30 of the 13th = 6.
    assert file_engagement(ctx, a).views == 6
    assert file_engagement(ctx, b).downloads == 2


def test_from_to_counts_whole_utc_days(edges) -> None:
    store, a, b = edges
    ctx = _ctx(store, start="2026-11-19", end="2026-11-19")
    # The 19th, 00:00..23:59: a.jpg views at 00:30, 14:29, 14:40, 15:30 = 4; b.pdf 2.
    assert file_engagement(ctx, a).views == 4
    assert file_engagement(ctx, b).downloads == 2
    assert ctx.time_range.slots().days == ("2026-11-19", "2026-11-19")
    assert ctx.time_range.slots().hours == ()


def test_compare_previous_24h_is_the_24_hours_before(edges) -> None:
    store, a, b = edges
    previous = parse_range("24h", now=NOW).previous()
    assert (previous.start, previous.end) == (
        datetime(2026, 11, 18, 15, tzinfo=UTC),
        datetime(2026, 11, 19, 15, tzinfo=UTC),
    )
    ctx = _ctx(store).for_range(previous)
    # [11-18 15:00, 11-19 15:00): a.jpg at 00:30, 14:29, 14:40 of the 19th = 3; b.pdf 10:00.
    assert file_engagement(ctx, a).views == 3
    assert file_engagement(ctx, b).downloads == 1


def test_breakdowns_by_kind_and_misses_keep_to_the_range(edges) -> None:
    store, _a, _b = edges
    ctx = _ctx(store)
    patterns = {
        (p.dimension, p.value): p.count for p in documents_report(ctx).usage.access_patterns
    }
    # b.pdf's one download inside 24h, at 16:00 from a mobile device.
    assert patterns[("device", "mobile")] == 1
    assert patterns[("hour", "16")] == 1
    assert patterns[("hour", "10")] == 0  # the 10:00 download is before the start
    with transaction(store.conn):
        add_misses(
            store.conn,
            # keys: (path, hour slot, by a crawler, answered below 400)
            Counter(
                {(b"gone.jpg", "2026-11-19T14", 0, 0): 1, (b"gone.jpg", "2026-11-19T15", 0, 0): 2}
            ),
            {(b"gone.jpg", "2026-11-19T14"): 404, (b"gone.jpg", "2026-11-19T15"): 404},
        )
    serving = [i for i in insights_report(ctx).insights if "humanMissingRequests" in i.figures]
    # 24h holds the two requests of 15:xx, not the one of 14:xx.
    assert serving[0].figures["humanMissingRequests"] == 2


def _hourly_rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4").fetchall()
        for table in ("media_hourly", "kind_hourly", "latency_hourly", "kind_breakdown_hourly")
    }


def test_a_store_from_before_hourly_rollups_gets_them_rebuilt_from_its_events(edges) -> None:
    store, a, _b = edges
    video = store.add("v.mp4", 10_000)
    # One visitor's range requests 10 min apart collapse into one play; 40 min later, a
    # second. The rebuild replays the same rule: its hourly rows equal those ingest wrote.
    store.events(
        [
            UsageEvent(video, "view", NOW_TS - offset, "log", status=206, bytes=500,
                       session_id="v1")
            for offset in (3 * HOUR, 3 * HOUR - 10 * MINUTE, 3 * HOUR - 50 * MINUTE)
        ]
    )  # fmt: skip
    written = _hourly_rows(store.conn)
    assert sum(row[5] for row in written["media_hourly"] if row[0] == video) == 2
    path = store.settings.db_path
    store.conn.executescript(
        "DROP TABLE media_hourly; DROP TABLE kind_hourly; DROP TABLE latency_hourly; "
        "DROP TABLE kind_breakdown_hourly; DROP TABLE misses_hourly; "
        # and what migration 33 (latency ranges) added after them
        "ALTER TABLE latency_histogram DROP COLUMN min_ms; "
        "ALTER TABLE latency_histogram DROP COLUMN max_ms; "
        + UNDO_0040
        + f"PRAGMA user_version = {HOURLY_ROLLUPS - 1};"
    )
    store.conn.close()
    store.conn = connect(path)
    assert _hourly_rows(store.conn) == written
    assert file_engagement(_ctx(store), a).views == 2  # as above: 23 h and 1 min ago


def _cli_store(tmp_path) -> tuple[str, str]:
    root = tmp_path / "media"
    root.mkdir()
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    now = int(datetime.now(UTC).timestamp())
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    early = int(datetime.combine(yesterday, time(0, 0, 30), UTC).timestamp())
    seen = SeenFile(b"a.jpg", b"a.jpg", None, "image", "x", ".jpg", 100, 0, None, 0, "path")
    with transaction(conn):
        insert_new(conn, [seen], 0)
        record_usage_events(
            conn,
            [
                UsageEvent(1, "view", when, "log", status=200, bytes=100, session_id="s")
                for when in (now - 23 * HOUR, now - MINUTE, early, now - 25 * HOUR)
            ],
        )
    conn.close()
    return str(root), str(db)


def test_cli_report_24h_json_counts_the_last_24_hours(tmp_path, capsys) -> None:
    root, db = _cli_store(tmp_path)
    code = main(["report", "usage", root, "--db", db, "--range", "24h", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (item,) = json.loads(out)["mostUsedFiles"]
    # The CLI reads the real clock; the events follow it. 23 h ago and 1 min ago count;
    # 25 h ago and 00:30 yesterday do not (24h starts at 01:00 yesterday at the earliest),
    # though the whole-day rule counted both (25 h ago: from 01:00 on).
    assert item["views"] == 2
