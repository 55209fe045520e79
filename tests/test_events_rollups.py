"""record_usage_events / record_video_events and the histogram: the contract others use."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mediatop.model import UsageEvent, UsageLocation
from mediatop.scan import scan_root
from mediatop.store import connect, transaction
from mediatop.store.events import record_usage_events, record_usage_events_committed
from mediatop.store.histogram import MAX_BUCKET, bucket_of, bucket_upper_ms, percentile
from mediatop.store.locations import replace_locations


def _store(tmp_path: Path) -> tuple[sqlite3.Connection, int, int]:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    (root / "b.pdf").write_bytes(b"x")
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    ids = dict(conn.execute("SELECT path, id FROM media_files").fetchall())
    return conn, ids[b"a.jpg"], ids[b"b.pdf"]


def test_beacons_and_tracked_events_fill_every_rollup(tmp_path: Path) -> None:
    conn, image, doc = _store(tmp_path)
    day = 1_728_518_400  # 2024-10-10 00:00 UTC
    events = [
        UsageEvent(image, "view", day + 3600, "beacon", session_id="s1", client_time_ms=120.0,
                   device="mobile", country="ID", status=200, bytes=1000),
        UsageEvent(image, "view", day + 7200, "beacon", session_id="s2", client_time_ms=480.0,
                   device="desktop", status=200, bytes=1000),
        UsageEvent(image, "click", day + 7300, "track", user_id="u1"),
        UsageEvent(doc, "download", day + 60, "import", referrer="https://news.example/x"),
        UsageEvent(doc, "download", day + 90, "import", is_bot=True, device="bot"),
    ]  # fmt: skip
    record_usage_events_committed(conn, events)
    row = conn.execute(
        "SELECT requests, views, clicks, bandwidth_usage, client_time_sum_ms, client_time_count, "
        "load_time_avg, cache_hit_rate, error_rate FROM media_performance_metrics "
        "WHERE media_id = ?",
        (image,),
    ).fetchone()
    assert row == (2, 2, 1, 2000, 600.0, 2, None, None, 0.0)
    assert conn.execute(
        "SELECT downloads, bot_requests, requests, last_used FROM file_totals WHERE media_id = ?",
        (doc,),
    ).fetchone() == (1, 1, 0, day + 60)
    breakdown = {
        (dim, value): n
        for dim, value, n in conn.execute(
            "SELECT dimension, value, count FROM usage_breakdown WHERE media_id = ?", (image,)
        )
    }
    assert breakdown[("country", "ID")] == 1
    assert breakdown[("user_type", "known")] == 1
    # Hour and weekday are kept per kind only (no file report reads them per file):
    # the two views at 01:00 and 02:00 and the click, all on a Thursday (weekday 3).
    assert not {dim for dim, _value in breakdown} & {"hour", "weekday"}
    kind_rows = dict(
        ((dim, value), n)
        for dim, value, n in conn.execute(
            "SELECT dimension, value, count FROM kind_breakdown WHERE kind = 'image'"
        )
    )
    assert kind_rows[("hour", "1")] == 1 and kind_rows[("weekday", "3")] == 3
    hist = dict(
        conn.execute(
            "SELECT bucket, count FROM latency_histogram WHERE scope = ? AND source = 'client'",
            (f"file:{image}",),
        ).fetchall()
    )
    assert sum(hist.values()) == 2
    assert 480 <= percentile(hist, 0.95) < 480 * 1.2  # type: ignore[operator]


def test_a_failed_batch_leaves_no_rollup_behind(tmp_path: Path) -> None:
    conn, image, _doc = _store(tmp_path)
    try:
        with transaction(conn):
            record_usage_events(conn, [UsageEvent(image, "view", 1_728_518_400, "track")])
            raise RuntimeError("crash after the write, before the commit")
    except RuntimeError:
        pass
    assert conn.execute("SELECT count(*) FROM file_totals").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM media_usage_events").fetchone() == (0,)


def test_replace_locations_is_idempotent_per_source(tmp_path: Path) -> None:
    conn, image, _doc = _store(tmp_path)
    rows = [
        UsageLocation(b"a.jpg", "post", "1", "inline", "src", display_width=300),
        UsageLocation(b"gone.jpg", "page", "2", "featured", "src"),
    ]
    for _ in range(2):
        with transaction(conn):
            replace_locations(conn, "src", rows)
    assert conn.execute(
        "SELECT media_id, media_path FROM usage_locations ORDER BY id"
    ).fetchall() == [(image, b"a.jpg"), (None, b"gone.jpg")]


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_every_duration_lies_under_its_bucket_upper_bound(ms: float) -> None:
    bucket = bucket_of(ms)
    assert 0 <= bucket <= MAX_BUCKET
    assert ms < bucket_upper_ms(bucket) or bucket == MAX_BUCKET
    if 0 < bucket < MAX_BUCKET:
        assert ms >= bucket_upper_ms(bucket - 1)


def test_percentiles_of_a_histogram() -> None:
    counts: dict[int, int] = {}
    for ms in range(1, 1001):
        counts[bucket_of(ms)] = counts.get(bucket_of(ms), 0) + 1
    p50, p99 = percentile(counts, 0.5), percentile(counts, 0.99)
    assert p50 is not None and 500 <= p50 <= 500 * 1.19 + 1
    assert p99 is not None and 990 <= p99 <= 990 * 1.19 + 1
    assert percentile({}, 0.5) is None
    assert percentile({bucket_of(-1): 3}, 0.5) == 1.0
    assert math.isfinite(percentile({MAX_BUCKET: 1}, 0.5) or 0)


def test_kind_breakdown_is_usage_breakdown_summed_per_kind(tmp_path: Path) -> None:
    """For the dimensions kept per file; hour and weekday are kept per kind only."""
    conn, image, doc = _store(tmp_path)
    day = 1_728_518_400  # 2024-10-10 00:00 UTC
    events = [
        UsageEvent(image, "view", day + 3600, "beacon", device="mobile", referrer="https://a.example/"),
        UsageEvent(image, "view", day + 86_400, "beacon", device="desktop"),
        UsageEvent(doc, "download", day + 60, "import", device="mobile", referrer="https://a.example/"),
        UsageEvent(doc, "download", day + 90, "import", is_bot=True, device="bot"),
    ]  # fmt: skip
    record_usage_events_committed(conn, events[:2])
    record_usage_events_committed(conn, events[2:])  # a second flush adds to the same rows
    per_kind = conn.execute(
        "SELECT f.kind, b.date, b.dimension, b.value, SUM(b.count) FROM usage_breakdown b "
        "JOIN media_files f ON f.id = b.media_id GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
    ).fetchall()
    stored = conn.execute(
        "SELECT * FROM kind_breakdown WHERE dimension NOT IN ('hour', 'weekday') "
        "ORDER BY 1, 2, 3, 4"
    ).fetchall()
    assert stored == per_kind
    # the two image views (01:00 on 2024-10-10, 00:00 on 2024-10-11), one document download
    hours = conn.execute(
        "SELECT kind, date, value, count FROM kind_breakdown WHERE dimension = 'hour' ORDER BY 1, 2"
    ).fetchall()
    assert hours == [
        ("document", "2024-10-10", "0", 1),
        ("image", "2024-10-10", "1", 1),
        ("image", "2024-10-11", "0", 1),
    ]
    assert ("document", "2024-10-10", "referrer", "a.example", 1) in stored
    assert ("image", "2024-10-11", "device", "desktop", 1) in stored
