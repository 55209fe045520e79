"""Reads for the report on one file: its traffic by day, all-time load-time sums, uses,
video sessions, breakdowns by device, referrer or country, and responsive places.

Each reads the file's own rows through an index led by its id; never the raw events.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mediatop.store.queries.ranges import in_range
from mediatop.timerange import TimeRange

_DAY_COLUMNS = (
    "date, requests, views, downloads, clicks, shares, errors, bot_requests, bandwidth_usage, "
    "not_modified, cache_hits, cache_misses, server_time_sum_ms, server_time_count, "
    "client_time_sum_ms, client_time_count"
)


def file_days(
    conn: sqlite3.Connection, time_range: TimeRange, file_id: int
) -> list[tuple[Any, ...]]:
    """The file's rollup sums in the range, one row per day, by date (a partial day: its
    hours in the range): (date, requests, views, downloads, clicks, shares, errors,
    bot_requests, bytes, not_modified, cache_hits, cache_misses, server time sum and
    count, client time sum and count)."""
    rows, args = in_range(time_range, "media_performance_metrics", _DAY_COLUMNS,
                          "media_id = ?", (file_id,))  # fmt: skip
    sums = ", ".join(f"SUM({column.strip()})" for column in _DAY_COLUMNS.split(",")[1:])
    return conn.execute(
        f"SELECT date, {sums} FROM ({rows}) GROUP BY date ORDER BY date", args
    ).fetchall()


def all_time_latency_sums(conn: sqlite3.Connection, file_id: int) -> tuple[Any, ...]:
    """(server time sum ms, server count, client time sum ms, client count) of the file
    over all time (None each without rows)."""
    return tuple(
        conn.execute(
            "SELECT SUM(server_time_sum_ms), SUM(server_time_count), SUM(client_time_sum_ms), "
            "SUM(client_time_count) FROM media_performance_metrics WHERE media_id = ?",
            (file_id,),
        ).fetchone()
    )


def use_sums(conn: sqlite3.Connection, time_range: TimeRange, file_id: int) -> tuple[int, ...]:
    """(views, clicks, shares, downloads) of the file over the range."""
    rows, args = in_range(
        time_range, "media_performance_metrics", "views, clicks, shares, downloads",
        "media_id = ?", (file_id,),
    )  # fmt: skip
    return tuple(
        conn.execute(
            "SELECT COALESCE(SUM(views), 0), COALESCE(SUM(clicks), 0), COALESCE(SUM(shares), 0), "
            f"COALESCE(SUM(downloads), 0) FROM ({rows})",
            args,
        ).fetchone()
    )


def session_sums(
    conn: sqlite3.Connection, time_range: TimeRange, file_id: int
) -> tuple[int, int, float | None]:
    """(sessions, completed sessions, mean watch seconds or None) of the video sessions
    of the file started in the range."""
    # Answers: video sessions started in the range, completed ones and mean watch time.
    sessions, completed, watch = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(completed), 0), AVG(watch_seconds) FROM video_sessions "
        "WHERE video_id = ? AND started_at >= ? AND started_at < ?",
        (file_id, time_range.start_ts, time_range.end_ts),
    ).fetchone()
    return int(sessions), int(completed), watch


def is_video(conn: sqlite3.Connection, file_id: int) -> bool:
    """Whether the file is known and of kind video."""
    row = conn.execute("SELECT kind = 'video' FROM media_files WHERE id = ?", (file_id,)).fetchone()
    return bool(row and row[0])


def breakdown(
    conn: sqlite3.Connection, time_range: TimeRange, file_id: int, dimension: str
) -> list[tuple[str, int]]:
    """(value, uses) of the file in the range by one usage_breakdown dimension, most
    first, then by value (usage_breakdown is per day only: the range's partial first and
    last days count whole)."""
    return conn.execute(
        "SELECT value, SUM(count) AS n FROM usage_breakdown "
        "WHERE media_id = ? AND dimension = ? AND date BETWEEN ? AND ? "
        "GROUP BY value ORDER BY n DESC, value",
        (file_id, dimension, time_range.first_day, time_range.last_day),
    ).fetchall()


def responsive_places(conn: sqlite3.Connection, file_id: int) -> tuple[int, int]:
    """(responsive, saying) of the file's usage locations: how many are served
    responsively, of how many that say whether they are."""
    # Answers: how many of the file's locations are responsive, and how many say.
    yes, said = conn.execute(
        "SELECT COUNT(*) FILTER (WHERE is_responsive = 1), COUNT(is_responsive) "
        "FROM usage_locations "
        "WHERE media_id = ?",
        (file_id,),
    ).fetchone()
    return int(yes), int(said)
