"""Reads for the misses report: requests for media paths the library does not have.

`media_misses` (and its hourly twin) holds one row per missed path and day with four
counts: people's and crawlers' requests answered 400 or above, and below 400.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mediatop.store.dialect import dialect
from mediatop.store.queries.ranges import in_range
from mediatop.timerange import TimeRange

# Answers: per missed path in the range, its four counts and the status it was last
# answered with.
# SQLite: a bare column (last_status) is taken from the row that MAX() picked;
# PostgreSQL: the first of the statuses ordered by day, latest first.
_PER_PATH = (
    "SELECT path, SUM(human_not_found), SUM(bot_not_found), SUM(human_served), "
    "SUM(bot_served), MAX(date), {last_status} FROM ({rows}) GROUP BY path"
)
_LAST_STATUS = {
    "sqlite": "last_status",
    "postgres": "(array_agg(last_status ORDER BY date DESC))[1]",
}
_COLUMNS = "path, human_not_found, bot_not_found, human_served, bot_served, date, last_status"


def missed_paths(conn: sqlite3.Connection, time_range: TimeRange) -> list[tuple[Any, ...]]:
    """Rows (path, human not found, crawler not found, human served, crawler served, last
    day, last status) per missed path over the range, in no particular order."""
    rows, args = in_range(time_range, "media_misses", _COLUMNS)
    sql = _PER_PATH.format(rows=rows, last_status=_LAST_STATUS[dialect(conn)])
    return conn.execute(sql, args).fetchall()
