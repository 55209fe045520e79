"""What the video and audio analytics read: player sessions, player events and probes.

The unit is the player session (video_sessions: one row per video and session, kept by
the event writer); sessions belong to a range by the second they started. Raw player
events (video_engagement_events, indexed by video) belong to it by their timestamp.
A `Scope` is one file, or every present file of one kind (videos; audio players can
send the same events).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mediatop.store.dialect import greatest, json_ids, whole_part
from mediatop.store.queries.media import ids_json
from mediatop.timerange import TimeRange

# A viewer: the user id, else the session.
_VIEWER = "COALESCE('u:' || user_id, 's:' || session_id)"


@dataclass(frozen=True)
class Scope:
    """One video (video_id) or every present file of a kind."""

    video_id: int | None = None
    kind: str = "video"

    def _where(self, time_column: str, time_range: TimeRange) -> tuple[str, list[object]]:
        # From the range's first second to its last, not whole days.
        span = f"{time_column} >= ? AND {time_column} < ?"
        bounds = [time_range.start_ts, time_range.end_ts]
        if self.video_id is not None:
            return f"video_id = ? AND {span}", [self.video_id, *bounds]
        files = "SELECT id FROM media_files WHERE kind = ? AND deleted_at IS NULL"
        return f"video_id IN ({files}) AND {span}", [self.kind, *bounds]

    def sessions_where(self, time_range: TimeRange) -> tuple[str, list[object]]:
        """The WHERE clause (and its arguments) of the scope's sessions started in the range."""
        return self._where("started_at", time_range)

    def events_where(self, time_range: TimeRange) -> tuple[str, list[object]]:
        """The WHERE clause (and its arguments) of the scope's player events in the range."""
        return self._where("timestamp", time_range)


def session_sums(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange
) -> tuple[int, int, float, int, int]:
    """Answers: how many sessions of the scope started in the range, by how many viewers
    (user id, else the session), with how many seconds played, how many completed and
    how many buffered at least once?"""
    where, args = scope.sessions_where(time_range)
    row = conn.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT {_VIEWER}), TOTAL(watch_seconds), TOTAL(completed), "
        "TOTAL(CASE WHEN buffering_events > 0 THEN 1 ELSE 0 END) "
        f"FROM video_sessions WHERE {where}",
        args,
    ).fetchone()
    return int(row[0]), int(row[1]), float(row[2]), int(row[3]), int(row[4])


def drop_off_buckets(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange, bucket_s: int
) -> list[tuple[int, int]]:
    """Answers: where (start of the `bucket_s` bucket of the last position) did the scope's
    sessions that ended on a pause or stop end, and how many? Most first, then earliest."""
    where, args = scope.sessions_where(time_range)
    rows = conn.execute(
        f"SELECT {whole_part(conn, f'last_position / {bucket_s}')} * {bucket_s} AS t, COUNT(*) "
        f"FROM video_sessions WHERE {where} AND last_event_type IN ('pause', 'stop') "
        f"GROUP BY t ORDER BY COUNT(*) DESC, t",
        args,
    )
    return [(int(t), int(n)) for t, n in rows]


def longest_and_sessions(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange
) -> tuple[float | None, int]:
    """Answers: over the scope's player events in the range, what is the longest duration
    reported, and how many distinct (video, session) pairs sent them?"""
    where, args = scope.events_where(time_range)
    # Sessions are counted as distinct pairs, not as one string built per event (3x slower).
    longest, sessions = conn.execute(
        f"SELECT (SELECT MAX(duration) FROM video_engagement_events WHERE {where}), "
        f"(SELECT COUNT(*) FROM (SELECT DISTINCT video_id, COALESCE(session_id, "
        f"'u:' || user_id, 'anonymous') FROM video_engagement_events WHERE {where}))",
        (*args, *args),
    ).fetchone()
    return longest, int(sessions)


def event_buckets(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange, bucket_s: int
) -> list[tuple[int, str, int]]:
    """Answers: how many play, pause and seek events of the scope in the range fell in each
    `bucket_s` bucket of the position? Rows (bucket number, event type, count)."""
    where, args = scope.events_where(time_range)
    bucket = whole_part(conn, f'{greatest(conn)}("current_time", 0) / {bucket_s}')
    rows = conn.execute(
        f"SELECT {bucket}, event_type, COUNT(*) "
        f"FROM video_engagement_events WHERE {where} AND event_type IN ('play', 'pause', 'seek') "
        f"GROUP BY 1, 2",
        args,
    )
    return [(int(bucket), etype, int(n)) for bucket, etype, n in rows]


def furthest_buckets(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange, bucket_s: int
) -> dict[int, int]:
    """Answers: how many of the scope's sessions in the range had their furthest position
    in each `bucket_s` bucket (bucket number -> sessions)?"""
    where, args = scope.sessions_where(time_range)
    return {
        int(bucket): int(n)
        for bucket, n in conn.execute(
            f"SELECT {whole_part(conn, f'max_position / {bucket_s}')}, COUNT(*) "
            "FROM video_sessions "
            f"WHERE {where} GROUP BY 1",
            args,
        )
    }


def seek_buckets(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange, bucket_s: int
) -> list[tuple[int, int, int, int, float | None]]:
    """Answers: per `bucket_s` bucket where the scope's seeks in the range landed, how many,
    how many forward and backward (from a known origin), and the mean jump in seconds?
    Rows (bucket number, seeks, forward, backward, mean jump), by bucket."""
    where, args = scope.events_where(time_range)
    bucket = whole_part(conn, f'{greatest(conn)}("current_time", 0) / {bucket_s}')
    rows = conn.execute(
        f"SELECT {bucket} AS b, COUNT(*), "
        'TOTAL(CASE WHEN seek_from IS NOT NULL AND "current_time" > seek_from THEN 1 ELSE 0 END), '
        'TOTAL(CASE WHEN seek_from IS NOT NULL AND "current_time" < seek_from THEN 1 ELSE 0 END), '
        f'AVG(ABS("current_time" - seek_from)) '
        f"FROM video_engagement_events WHERE {where} AND event_type = 'seek' GROUP BY b ORDER BY b",
        args,
    )
    return [(int(b), int(n), int(fw), int(bw), jump) for b, n, fw, bw, jump in rows]


def sessions_by(
    conn: sqlite3.Connection, scope: Scope, time_range: TimeRange, column: str
) -> list[tuple[str, int, float, float]]:
    """Answers: per value of `column` (quality | device | country), how many of the scope's
    sessions in the range, how many completed and how many seconds they played? Sessions
    without a value are left out."""
    assert column in ("quality", "device", "country")
    where, args = scope.sessions_where(time_range)
    return conn.execute(
        f"SELECT {column}, COUNT(*), TOTAL(completed), TOTAL(watch_seconds) FROM video_sessions "
        f"WHERE {where} AND {column} IS NOT NULL AND {column} != '' GROUP BY {column}",
        args,
    ).fetchall()


def sessions_by_file(
    conn: sqlite3.Connection, kind: str, time_range: TimeRange
) -> dict[int, tuple[int, int, float, int]]:
    """Answers: per present file of `kind` with player sessions started in the range, how
    many sessions, viewers, seconds played and completions (file id -> those four)?"""
    where, args = Scope(kind=kind).sessions_where(time_range)
    return {
        r[0]: (int(r[1]), int(r[2]), float(r[3]), int(r[4]))
        for r in conn.execute(
            f"SELECT video_id, COUNT(*), COUNT(DISTINCT {_VIEWER}), "
            f"TOTAL(watch_seconds), TOTAL(completed) "
            f"FROM video_sessions WHERE {where} GROUP BY video_id",
            args,
        )
    }


def present_videos(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Answers: what do the probes say of each present video? Rows (id, path, size, width,
    height, codec, bitrate, faststart), by id."""
    return conn.execute(
        "SELECT id, path, size, width, height, codec, bitrate, faststart FROM media_files "
        "WHERE kind = 'video' AND deleted_at IS NULL ORDER BY id"
    ).fetchall()


def videos_with_use(conn: sqlite3.Connection) -> set[int]:
    """Answers: which videos were ever watched: a player session, or a counted view,
    download, click or share (file_totals)?"""
    watched = {
        video_id for (video_id,) in conn.execute("SELECT DISTINCT video_id FROM video_sessions")
    }
    watched |= {
        media_id
        for (media_id,) in conn.execute(
            "SELECT t.media_id FROM file_totals t JOIN media_files f ON f.id = t.media_id "
            "AND f.kind = 'video' WHERE t.views + t.downloads + t.clicks + t.shares > 0"
        )
    }
    return watched


def video_files(
    conn: sqlite3.Connection, ids: Iterable[int]
) -> dict[int, tuple[bytes, int, float | None]]:
    """Answers: what are the path, size and duration of these present videos?"""
    return {
        r[0]: (bytes(r[1]), r[2], r[3])
        for r in conn.execute(
            "SELECT id, path, size, duration_s FROM media_files WHERE kind = 'video' "
            f"AND deleted_at IS NULL AND id IN {json_ids(conn)}",
            (ids_json(ids),),
        )
    }


def video_totals(conn: sqlite3.Connection) -> tuple[int, float, float]:
    """Answers: how many present videos are there, how long do they play in all
    (seconds) and how many bytes do they hold?"""
    count, duration, size = conn.execute(
        "SELECT COUNT(*), TOTAL(duration_s), TOTAL(size) FROM media_files "
        "WHERE kind = 'video' AND deleted_at IS NULL"
    ).fetchone()
    return count, duration, size


def file_identity(conn: sqlite3.Connection, file_id: int) -> tuple[bytes, str, int] | None:
    """Answers: what are the path, kind and size of this file (present or not)?"""
    row = conn.execute("SELECT path, kind, size FROM media_files WHERE id = ?", (file_id,))
    found = row.fetchone()
    return None if found is None else (bytes(found[0]), found[1], found[2])
