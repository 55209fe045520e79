"""A tracked event (a beacon, `track`, `import-events`) whose session, user, device or
country is longer than MAX_KEY_TEXT is refused on either store, saying which field, and
the rest of its batch is stored: on PostgreSQL, whose index entries hold at most 2704
bytes, one such event failed the whole batch (a beacon batch: every request in it)."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest

from media_factory import wav
from mediatop.ingest.events.tracked import import_events
from mediatop.scan import scan_root
from mediatop.store import connect

# 3,500 letters that PostgreSQL cannot compress below its index's 2704 bytes
LONG = "".join(random.Random(3).choices(string.ascii_letters, k=3500))


@pytest.mark.parametrize(
    ("event_type", "field"),
    [("view", "device"), ("view", "country"), ("play", "sessionId"), ("play", "userId")],
)
def test_an_event_with_a_key_too_long_to_store_is_refused_alone(
    tmp_path: Path, store_url: str, event_type: str, field: str
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    wav(root / "talk.wav")
    conn = connect(store_url)
    scan_root(conn, root, probe=False)
    event = {"media": "talk.wav", "eventType": event_type, "currentTime": 1, "duration": 2}
    lines = [{**event, field: LONG}, {**event, field: LONG[:200]}]
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = import_events(conn, events, url_prefixes=("/uploads/",))
    conn.close()
    assert report.errors == ((1, f"{field} is longer than 200 characters"),)
    assert report.usage_events + report.video_events == 1  # the 200-letter one
