"""Events per source (the Ingest screen's list) are counted as events are written, and
a store made before the count was kept is counted once, from its raw events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mediatop.model import VideoEngagementEvent
from mediatop.store import connect
from mediatop.store.queries.browse import EventSource, event_sources
from migration_support import UNDO_0049
from test_analytics_usage_fixtures import make_store, tracked, ts, view


def _fill(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Three log requests (10, 5 and 2 days ago), two tracked clicks (3 and 1 day ago),
    one beacon view (4 days ago), in two batches; two player events (6 days ago)."""
    store = make_store(tmp_path, store_url=store_url)
    image = store.add("a.jpg", 1_000)
    video = store.add("v.mp4", 9_000)
    store.events([view(image, 10), view(image, 5), tracked(image, "click", 3)])
    store.events(
        [view(image, 2), view(image, 4, source="beacon", status=None), tracked(image, "click", 1)]
    )
    store.video_events(
        [VideoEngagementEvent(video, event, 0.0, 60.0, ts(6), session_id="s") for event in
         ("play", "pause")]
    )  # fmt: skip
    return store


def test_each_source_is_counted_with_its_latest_event(tmp_path: Path, store_url: str) -> None:
    store = _fill(store_url, tmp_path)

    assert event_sources(store.conn) == [
        EventSource("log", 3, ts(2)),
        EventSource("player", 2, ts(6)),
        EventSource("track", 2, ts(1)),
        EventSource("beacon", 1, ts(4)),
    ]


def test_a_store_from_before_the_count_is_counted_from_its_events(tmp_path: Path) -> None:
    store = _fill(str(tmp_path / "store.sqlite3"), tmp_path)
    path = store.settings.store
    store.conn.close()
    older = sqlite3.connect(path)
    older.executescript(UNDO_0049 + "PRAGMA user_version = 48")
    older.close()

    conn = connect(path)  # migrates: 0049 counts the events stored
    try:
        assert [(s.source, s.events, s.last_event_at) for s in event_sources(conn)] == [
            ("log", 3, ts(2)), ("player", 2, ts(6)), ("track", 2, ts(1)), ("beacon", 1, ts(4))
        ]  # fmt: skip
    finally:
        conn.close()
