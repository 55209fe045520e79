"""Video sessions and per-video rollups, updated from engagement events.

A session is (video_id, session_id); events without a session id are grouped by user
id, else into one 'anonymous' session per video. For every batch, the sessions it
touches are loaded, advanced event by event (in time order) and written back, and
the per-video rollups get the difference:

- video_sessions: start, last event, max/last position, watch seconds (position
  advanced while playing, bounded by wall-clock time), completed (a 'complete' event
  or a position >= 95 % of the duration), seeks, buffering events, quality, device.
- video_daily (by the session's start day): plays (sessions started), completions,
  watch seconds, buffering events, seeks.
- video_buckets (10-second buckets): `dropoffs` = sessions whose last event is a
  pause/stop in that bucket (the seed's calculateDropOffPoints; a session moves
  bucket when it continues), `reached` = sessions whose max position reached the
  bucket (retention curve), and play/pause/seek event counts (the seed's heatmap).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from mediatop.model import VideoEngagementEvent
from mediatop.store.lock_order import in_key_order
from mediatop.store.rollups import hour_of

BUCKET_S = 10
COMPLETE_FRACTION = 0.95
_PLAYING = frozenset(("play", "progress", "seek", "quality_change"))
_DROP_EVENTS = frozenset(("pause", "stop"))
_SESSION_COLUMNS = (
    "started_at, last_event_at, date, duration, max_position, last_position, "
    "last_event_type, watch_seconds, completed, seeks, buffering_events, quality, device, "
    "country, user_id"
)
# A session saved again replaces its stored row (as INSERT OR REPLACE would).
_SESSION_REPLACED = ", ".join(
    f"{column} = excluded.{column}" for column in _SESSION_COLUMNS.split(", ")
)


@dataclass
class _Session:
    started_at: int
    last_event_at: int
    date: str
    duration: float
    max_position: float
    last_position: float
    last_event_type: str
    watch_seconds: float
    completed: int
    seeks: int
    buffering_events: int
    quality: str | None
    device: str | None
    country: str | None
    user_id: str | None

    def drop_bucket(self) -> int | None:
        if self.last_event_type in _DROP_EVENTS:
            return int(self.last_position // BUCKET_S)
        return None


def session_key(event: VideoEngagementEvent) -> str:
    """The session an event belongs to."""
    if event.session_id:
        return event.session_id
    return f"user:{event.user_id}" if event.user_id else "anonymous"


def _load(conn: sqlite3.Connection, video_id: int, session: str) -> _Session | None:
    """One stored session, or None."""
    row = conn.execute(
        f"SELECT {_SESSION_COLUMNS} FROM video_sessions WHERE video_id = ? AND session_id = ?",
        (video_id, session),
    ).fetchone()
    return _Session(*row) if row else None


def _advance(state: _Session, e: VideoEngagementEvent) -> None:
    """Apply one event to a session."""
    if e.timestamp >= state.last_event_at:
        if state.last_event_type in _PLAYING and e.event_type != "play":
            reached = e.seek_from if e.event_type == "seek" and e.seek_from else e.current_time
            advanced = reached - state.last_position
            elapsed = e.timestamp - state.last_event_at
            if 0 < advanced <= elapsed + 5:
                state.watch_seconds += advanced
        state.last_event_at = e.timestamp
        state.last_position = e.current_time
        state.last_event_type = e.event_type
    watched_to = e.seek_from if e.event_type == "seek" and e.seek_from else e.current_time
    if e.event_type != "seek" or e.seek_from:
        state.max_position = max(state.max_position, watched_to or 0.0)
    state.duration = max(state.duration, e.duration)
    if e.event_type == "complete" or (
        e.event_type in ("progress", "pause", "stop")
        and state.duration > 0
        and e.current_time >= COMPLETE_FRACTION * state.duration
    ):
        state.completed = 1
    state.seeks += e.event_type == "seek"
    state.buffering_events += bool(e.buffering)
    state.quality = e.quality or state.quality
    state.device = state.device or e.device
    state.country = state.country or e.country
    state.user_id = state.user_id or e.user_id


def _count_position_moves(
    buckets: Counter[tuple[int, int, str]], video_id: int, old: _Session | None, state: _Session
) -> None:
    """Count in `buckets` how a session moved from `old` (None: new) to `state`: the
    bucket it drops off in (taken from the old one), and the buckets it newly reached."""
    before = old.drop_bucket() if old else None
    after = state.drop_bucket()
    if before != after:
        if before is not None:
            buckets[(video_id, before, "dropoffs")] -= 1
        if after is not None:
            buckets[(video_id, after, "dropoffs")] += 1
    old_top = int(old.max_position // BUCKET_S) if old else -1
    for bucket in range(old_top + 1, int(state.max_position // BUCKET_S) + 1):
        buckets[(video_id, bucket, "reached")] += 1


def record_video_sessions(conn: sqlite3.Connection, events: Sequence[VideoEngagementEvent]) -> None:
    """Advance the sessions these events belong to and update the per-video rollups."""
    grouped: dict[tuple[int, str], list[VideoEngagementEvent]] = {}
    for e in events:
        grouped.setdefault((e.video_id, session_key(e)), []).append(e)
    daily: dict[tuple[int, str], list[float]] = {}
    buckets: Counter[tuple[int, int, str]] = Counter()
    saved = []
    for (video_id, session), batch in in_key_order(conn, grouped):
        batch.sort(key=lambda e: e.timestamp)
        old = _load(conn, video_id, session)
        first = batch[0]
        if old is None:
            state = _Session(
                first.timestamp, first.timestamp, hour_of(first.timestamp)[:10], first.duration,
                0.0, first.current_time, first.event_type, 0.0, 0, 0, 0, None, None, None, None,
            )  # fmt: skip
        else:
            state = _Session(**vars(old))
        for e in batch:
            _advance(state, e)
            if e.event_type in ("play", "pause", "seek"):
                buckets[(video_id, int(max(e.current_time, 0) // BUCKET_S), e.event_type)] += 1
        day = daily.setdefault((video_id, state.date), [0, 0, 0.0, 0, 0])
        day[0] += old is None
        day[1] += state.completed - (old.completed if old else 0)
        day[2] += state.watch_seconds - (old.watch_seconds if old else 0.0)
        day[3] += state.buffering_events - (old.buffering_events if old else 0)
        day[4] += state.seeks - (old.seeks if old else 0)
        _count_position_moves(buckets, video_id, old, state)
        saved.append((video_id, session, *vars(state).values()))
    conn.executemany(
        f"INSERT INTO video_sessions (video_id, session_id, {_SESSION_COLUMNS}) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        f"ON CONFLICT (video_id, session_id) DO UPDATE SET {_SESSION_REPLACED}",
        saved,
    )
    conn.executemany(
        "INSERT INTO video_daily AS stored (video_id, date, plays, completions, watch_seconds, "
        "buffering_events, seeks) VALUES (?,?,?,?,?,?,?) ON CONFLICT(video_id, date) DO UPDATE "
        "SET plays = stored.plays + excluded.plays, "
        "completions = stored.completions + excluded.completions, "
        "watch_seconds = stored.watch_seconds + excluded.watch_seconds, "
        "buffering_events = stored.buffering_events + excluded.buffering_events, "
        "seeks = stored.seeks + excluded.seeks",
        [(video_id, day, *values) for (video_id, day), values in in_key_order(conn, daily)],
    )
    # a tuple, not a set: every writer updates the buckets' columns in one order
    columns = ("dropoffs", "reached", "play", "pause", "seek")
    for column in columns:
        target = {"play": "plays", "pause": "pauses", "seek": "seeks"}.get(column, column)
        conn.executemany(
            f"INSERT INTO video_buckets AS stored (video_id, bucket, {target}) VALUES (?,?,?) "
            f"ON CONFLICT(video_id, bucket) DO UPDATE SET "
            f"{target} = stored.{target} + excluded.{target}",
            [(v, b, n) for (v, b, c), n in in_key_order(conn, buckets) if c == column and n],
        )
