"""Per-file reads over the rollups: identity, places used, range sums and ranked walks.

What the usage, performance, file and insight reports share: the identity columns of
a few files, where they are used (`usage_locations`), their all-time last use and their
sums over a range (`media_performance_metrics` and its hourly twin, see `ranges`), and
the cursors and grouped scans that rank files by those sums. Never the raw event tables,
so a report costs O(files) or O(days), not O(events).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import add

from mediatop.store.queries.ranges import in_range, sums_in_range
from mediatop.timerange import TimeRange


@dataclass(frozen=True)
class MediaUsageLocation:
    """The seed's MediaUsageLocation: one place the CMS uses a file."""

    type: str
    id: str
    title: str | None
    url: str | None
    usage: str
    display_width: int | None = None


@dataclass(frozen=True)
class FileRow:
    """The columns of media_files that every file item of a report carries."""

    id: int
    path: bytes
    kind: str
    size: int
    uploaded_at: int
    deleted_at: int | None


RANGE_SUM_COLUMNS = (
    "requests", "views", "downloads", "clicks", "shares", "bandwidth_usage", "errors",
    "bot_requests", "cache_hits", "cache_misses",
)  # fmt: skip


@dataclass(frozen=True)
class RangeSums:
    """One file's rollup sums over a range (the columns of RANGE_SUM_COLUMNS, in order)."""

    requests: int = 0
    views: int = 0
    downloads: int = 0
    clicks: int = 0
    shares: int = 0
    bytes: int = 0
    errors: int = 0
    bot_requests: int = 0
    cache_hits: int = 0
    cache_misses: int = 0


RANGE_SUM_FIELDS = tuple(f.name for f in dataclasses.fields(RangeSums))

# The all-time bounds a ranked walk may follow, by name: each is a sum over `file_totals`
# that bounds the ranked count over any range, since every count is >= 0. Every human
# event adds at least one to "human_events" (a request, a use or an error), so it bounds
# any per-event count such as cache misses.
# Each total a walk is bounded by has a partial index of its own (migrations 0016 and
# 0046, which repeat the expression word for word: the planner matches it as written).
FILE_TOTAL_BOUNDS = {
    "views": "views",
    "downloads": "downloads",
    "bytes": "bytes",
    "human_events": "(requests + views + downloads + clicks + shares + errors)",
}


def _chunks(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), size):
        yield wanted[start : start + size]


def file_rows(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, FileRow]:
    """The identity columns (path, kind, size, upload time) of the given files."""
    found: dict[int, FileRow] = {}
    for chunk in _chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, path, kind, size, uploaded_at, deleted_at FROM media_files "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            found[row[0]] = FileRow(row[0], bytes(row[1]), row[2], row[3], row[4], row[5])
    return found


def locations_for(
    conn: sqlite3.Connection, ids: Iterable[int]
) -> dict[int, list[MediaUsageLocation]]:
    """Where each of the given files is used, from usage_locations (any source)."""
    found: dict[int, list[MediaUsageLocation]] = defaultdict(list)
    for chunk in _chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for media_id, type_, loc_id, title, url, usage, width in conn.execute(
            f"SELECT media_id, type, location_id, title, url, usage, display_width "
            f"FROM usage_locations WHERE media_id IN ({marks}) ORDER BY media_id, id",
            chunk,
        ):
            found[media_id].append(MediaUsageLocation(type_, loc_id, title, url, usage, width))
    return dict(found)


def last_used_for(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """file id -> last time (epoch s) a person requested it, from file_totals (all-time)."""
    found: dict[int, int] = {}
    for chunk in _chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for media_id, last in conn.execute(
            f"SELECT media_id, last_used FROM file_totals WHERE media_id IN ({marks}) "
            f"AND last_used IS NOT NULL",
            chunk,
        ):
            found[media_id] = last
    return found


def range_sums(
    conn: sqlite3.Connection, time_range: TimeRange, ids: Iterable[int]
) -> dict[int, RangeSums]:
    """Rollup sums over the range for the given files, through the (media_id, date) index.

    For a handful of files this costs a few index probes each, against a scan of every
    file-day row of the range for a GROUP BY over all files.
    """
    found: dict[int, RangeSums] = {}
    for chunk in _chunks(ids, 500):
        marks = ",".join("?" * len(chunk))
        sums = sums_in_range(
            conn, time_range, "media_performance_metrics", "media_id",
            RANGE_SUM_COLUMNS, f"media_id IN ({marks})", chunk,
        )  # fmt: skip
        for media_id, values in sums.items():
            found[media_id] = RangeSums(*(int(v or 0) for v in values))
    return found


def range_sums_sql(time_range: TimeRange) -> tuple[str, list[object]]:
    """A subquery of per-file sums over the range, one column `s_<name>` per RangeSums
    field, for an ORDER BY ... LIMIT over every file (this package's queries only)."""
    sums = ", ".join(
        f"SUM({column}) AS s_{name}"
        for column, name in zip(RANGE_SUM_COLUMNS, RANGE_SUM_FIELDS, strict=True)
    )
    rows, args = in_range(
        time_range, "media_performance_metrics", f"media_id, {', '.join(RANGE_SUM_COLUMNS)}"
    )
    return f"SELECT media_id, {sums} FROM ({rows}) GROUP BY media_id", args


def short_range_sums(conn: sqlite3.Connection, time_range: TimeRange) -> dict[int, tuple[int, ...]]:
    """file id -> its sums over a short range (RangeSums field order), from one scan."""
    # At most two days of rows: adding up here the few files seen on both costs less
    # than SQLite's GROUP BY, which sorts every row first (38 ms against 54 ms).
    table: dict[int, tuple[int, ...]] = {}
    rows, args = in_range(
        time_range, "media_performance_metrics", f"media_id, {', '.join(RANGE_SUM_COLUMNS)}"
    )
    for row in conn.execute(rows, args):
        earlier = table.get(row[0])
        table[row[0]] = row[1:] if earlier is None else tuple(map(add, earlier, row[1:]))
    return table


def ranked_by_range_sums(
    conn: sqlite3.Connection, time_range: TimeRange, order: Sequence[str], limit: int
) -> list[tuple[int, RangeSums]]:
    """The `limit` files with the highest RangeSums fields `order` over the range
    (descending, then by id), leaving out files whose first field is 0: one grouped scan
    of the range's rollup rows."""
    unknown = [name for name in order if name not in RANGE_SUM_FIELDS]
    if unknown:
        raise ValueError(f"not a RangeSums field: {unknown}")
    sub, args = range_sums_sql(time_range)
    ranked = ", ".join(f"s_{name} DESC" for name in order)
    rows = conn.execute(
        f"SELECT * FROM ({sub}) WHERE s_{order[0]} > 0 ORDER BY {ranked}, media_id LIMIT ?",
        [*args, limit],
    )
    return [(r[0], RangeSums(*(int(v or 0) for v in r[1:]))) for r in rows]


def files_by_total(conn: sqlite3.Connection, bound: str, walk: int) -> sqlite3.Cursor:
    """A cursor of (media_id, total) over `file_totals`, highest total first (then by
    id), for at most `walk` files whose total is above 0; `bound` names the total in
    FILE_TOTAL_BOUNDS. The caller fetches it in batches and closes it."""
    total = FILE_TOTAL_BOUNDS[bound]
    # No walk goes past `walk` rows, so the sort keeps only that many (a bounded sort
    # is several times cheaper than ordering every file).
    return conn.execute(
        f"SELECT media_id, {total} AS b FROM file_totals WHERE {total} > 0 "
        f"ORDER BY b DESC, media_id LIMIT {int(walk)}"
    )


def logged_days(conn: sqlite3.Connection, first_day: str, last_day: str) -> int:
    """How many days between the two dates (inclusive) have any recorded request or use."""
    row = conn.execute(
        "SELECT COUNT(DISTINCT date) FROM kind_daily WHERE date BETWEEN ? AND ? "
        "AND requests + bot_requests + errors + views + downloads + clicks + shares > 0",
        (first_day, last_day),
    ).fetchone()
    return int(row[0] or 0)
