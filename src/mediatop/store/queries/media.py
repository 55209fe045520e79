"""Per-file and per-kind uses and load times, read by every per-type report.

What the images, videos, documents, audio and duplicates reports ask of the rollups:
a kind's load-time sums, each file's counted uses over a range (or all time), a
file's human requests over days, and the files of a kind ranked by all-time uses.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mediatop.store.dialect import indexed_by, json_ids, json_object_pairs, ordered_join
from mediatop.store.queries.ranges import RangePart, in_range, range_parts, sums_in_range
from mediatop.timerange import TimeRange

# (requests, views, clicks, shares, downloads) of one file
Uses = tuple[int, int, int, int, int]
_USE_SUMS = ("requests", "views", "clicks", "shares", "downloads")


@dataclass(frozen=True)
class LoadTimeSums:
    """Summed client (Resource Timing beacons) and server ($request_time) times of a kind."""

    client_sum_ms: float
    client_count: int
    server_sum_ms: float
    server_count: int


def ids_json(ids: Iterable[int]) -> str:
    """A JSON array of ids, for `id IN (SELECT value FROM json_each(?))` (any list length)."""
    return json.dumps(sorted(set(ids)))


def kind_load_time_sums(conn: sqlite3.Connection, time_range: TimeRange, kind: str) -> LoadTimeSums:
    """Answers: how long did requests for files of `kind` take over the range, summed
    per clock (from kind_daily and its hourly twin)?"""
    rows, args = in_range(
        time_range, "kind_daily",
        "client_time_sum_ms, client_time_count, server_time_sum_ms, server_time_count",
        "kind = ?", (kind,),
    )  # fmt: skip
    row = conn.execute(
        "SELECT SUM(client_time_sum_ms), SUM(client_time_count), "
        f"SUM(server_time_sum_ms), SUM(server_time_count) FROM ({rows})",
        args,
    ).fetchone()
    client_sum, client_n, server_sum, server_n = (v or 0 for v in row)
    return LoadTimeSums(client_sum, int(client_n), server_sum, int(server_n))


def kind_use_total(conn: sqlite3.Connection, time_range: TimeRange, kind: str, column: str) -> int:
    """Answers: how many `column` uses (human requests | views | downloads) did the files
    of `kind` have over the range, in all (kind_daily and its hourly twin)?"""
    assert column in ("requests", "views", "downloads")
    rows, args = in_range(time_range, "kind_daily", column, "kind = ?", (kind,))
    return int(conn.execute(f"SELECT TOTAL({column}) FROM ({rows})", args).fetchone()[0])


def _as_uses(rows: Iterable[tuple[Any, ...]]) -> dict[int, Uses]:
    """(file id, requests, views, clicks, shares, downloads) rows as file id -> Uses."""
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows}


def kind_uses_in_range(
    conn: sqlite3.Connection, time_range: TimeRange, kind: str
) -> dict[int, Uses]:
    """Answers: which present files of `kind` were used over the range, and how (file id ->
    (requests, views, clicks, shares, downloads))? From media_performance_metrics and its
    hourly twin for the range's partial days."""
    # The kind's files are chosen inside each part, so that each reads them through the
    # (media_id, date) index rather than every row of the range.
    sums = sums_in_range(
        conn, time_range, "media_performance_metrics", "media_id", _USE_SUMS,
        "media_id IN (SELECT id FROM media_files WHERE kind = ? AND deleted_at IS NULL)",
        (kind,),
    )  # fmt: skip
    return _as_uses((i, *v) for i, v in sums.items())


def kind_uses_all_time(conn: sqlite3.Connection, kind: str) -> dict[int, Uses]:
    """Answers: which present files of `kind` were ever used, and how (from file_totals)?"""
    rows = conn.execute(
        "SELECT t.media_id, t.requests, t.views, t.clicks, t.shares, t.downloads "
        "FROM file_totals t JOIN media_files f ON f.id = t.media_id "
        "WHERE f.kind = ? AND f.deleted_at IS NULL",
        (kind,),
    )
    return _as_uses(rows)


def most_requested_ever(
    conn: sqlite3.Connection, limit: int, after: tuple[int, int] | None = None
) -> list[tuple[int, int]]:
    """Answers: which `limit` files have had the most human requests in all (file_totals),
    and how many? (id, requests), most first (then by id), starting after the row `after`
    (a page of the same order); files never requested are left out."""
    later = ""
    args: tuple[int, ...] = ()
    if after is not None:
        file_id, requests = after
        later = "AND (requests < ? OR (requests = ? AND media_id > ?)) "
        args = (requests, requests, file_id)
    return conn.execute(
        f"SELECT media_id, requests FROM file_totals WHERE requests > 0 {later}"
        "ORDER BY requests DESC, media_id LIMIT ?",
        (*args, limit),
    ).fetchall()


def weighted_requests(
    conn: sqlite3.Connection, time_range: TimeRange, weights: Mapping[int, int]
) -> int:
    """Answers: what is the sum, over files, of weight × human requests over the range
    (e.g. the bytes smaller encodings would have saved)?

    One statement, a single row back, so the read gains from a process of its own (see
    `analytics.parts`). The whole days are read file by file through the
    (media_id, date) index, faster than grouping a month of every file's rows."""
    if not weights:
        return 0
    if time_range.is_all:
        parts = [RangePart("SELECT media_id, requests FROM file_totals", [], False)]
    else:
        columns = "media_id, requests"
        parts = range_parts(time_range, "media_performance_metrics", columns, by_key=True)
    sums: list[str] = []
    args: list[object] = [json.dumps(weights)]
    for sql, bound, hourly in parts:
        # An edge day's hours are grouped apart (a few thousand files, indexed on the
        # fly); the whole days are sought file by file, the subquery flattened.
        part = (
            f"SELECT media_id, SUM(requests) AS requests FROM ({sql}) GROUP BY media_id"
            if hourly
            else sql
        )
        sums.append(f"COALESCE((SELECT SUM(w.weight * p.requests) FROM w "
                    f"{ordered_join(conn)} ({part}) p ON p.media_id = w.id), 0)")  # fmt: skip
        args += bound
    # ORDER BY: the files are sought in id order, whatever order the weights come in
    # (a seek per file in random order read a third more pages: 260 -> 330 ms)
    weighed = conn.execute(
        f"WITH w(id, weight) AS MATERIALIZED (SELECT {json_object_pairs(conn, '?')} ORDER BY 1) "
        f"SELECT {' + '.join(sums)}",
        args,
    ).fetchone()[0]
    return int(weighed)


def requests_by_file(
    conn: sqlite3.Connection, first_day: str, last_day: str, ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Answers: how many human requests did each file get over the days (daily rollup)?

    With `ids`, only those files are summed, through the (media_id, date) index: far
    cheaper than grouping every file-day row of the range when the ids are few.
    """
    if ids is None:
        rows = conn.execute(
            "SELECT media_id, SUM(requests) FROM media_performance_metrics "
            "WHERE date BETWEEN ? AND ? GROUP BY media_id",
            (first_day, last_day),
        )
    else:
        rows = conn.execute(
            "SELECT media_id, SUM(requests) FROM media_performance_metrics "
            f"WHERE media_id IN {json_ids(conn)} AND date BETWEEN ? AND ? "
            "GROUP BY media_id",
            (ids_json(ids), first_day, last_day),
        )
    return {media_id: int(n) for media_id, n in rows if n}


def uses_by_file(
    conn: sqlite3.Connection, time_range: TimeRange, ids: Iterable[int]
) -> dict[int, Uses]:
    """Answers: how were these files used over the range (file id -> (requests, views,
    clicks, shares, downloads))? Files with no use are left out.

    Reads file_totals (one row per file) for the `all` range, else sums the given files'
    days through the (media_id, date) index.
    """
    wanted = ids_json(ids)
    if not time_range.is_all:
        sums = sums_in_range(
            conn, time_range, "media_performance_metrics", "media_id", _USE_SUMS,
            f"media_id IN {json_ids(conn)}", (wanted,),
        )  # fmt: skip
        return _as_uses((i, *v) for i, v in sums.items())
    rows = conn.execute(
        "SELECT media_id, requests, views, clicks, shares, downloads FROM file_totals "
        f"WHERE media_id IN {json_ids(conn)}",
        (wanted,),
    )
    return _as_uses(rows)


def _is_common_kind(conn: sqlite3.Connection, kind: str, column: str) -> bool:
    """Whether at least a third of the files with some `column` use are of `kind`
    (sampled from the most used ones: `files_by_total` visits those first)."""
    indexed = indexed_by(conn, f"file_totals_{column}")
    sample = conn.execute(
        "SELECT COUNT(*), TOTAL(CASE WHEN f.kind = ? THEN 1 ELSE 0 END) FROM (SELECT media_id "
        f"FROM file_totals{indexed} WHERE {column} > 0 ORDER BY {column} DESC LIMIT 512) t "
        "JOIN media_files f ON f.id = t.media_id",
        (kind,),
    ).fetchone()
    return bool(sample[0]) and sample[1] * 3 >= sample[0]


def files_by_total(
    conn: sqlite3.Connection,
    kind: str,
    column: str,
    first_page: int,
    used_as: str | None = None,
    excluding: Collection[int] = (),
) -> Iterator[list[tuple[int, int]]]:
    """Answers: which present files of `kind` have the most all-time `column` uses
    (views | downloads)? Pages of (id, all-time uses), most first (ties by id), read as
    the caller asks for them: `first_page` rows, then twice as many each time, until the
    files run out.

    `used_as` keeps only files a usage location uses in that role (e.g. 'featured');
    files in `excluding` are left out in SQL, so a walk stops as early as it would in a
    library without them. Pages are separate reads: a file whose total changed in
    between (a concurrent ingest) can come twice.
    """
    assert column in ("views", "downloads")
    role = "" if used_as is None else (
        " AND t.media_id IN (SELECT media_id FROM usage_locations WHERE usage = ?)"
    )  # fmt: skip
    if excluding:
        role += f" AND t.media_id NOT IN {json_ids(conn)}"
    # A kind that holds most used files (images, on most sites) is found fastest by
    # walking file_totals in decreasing order (migration 0016) and skipping other kinds;
    # a rarer kind, by sorting its own files.
    # INDEXED BY and CROSS JOIN ... ON fix SQLite's plan (store.dialect).
    indexed, ordered = indexed_by(conn, f"file_totals_{column}"), ordered_join(conn)
    join = (
        f"file_totals t{indexed} {ordered} media_files f"
        if _is_common_kind(conn, kind, column)
        # else SQLite's planner walks file_totals_{column} across every other kind
        else f"media_files f {ordered} file_totals t"
    )
    sql = (
        f"SELECT t.media_id, t.{column} FROM {join} "
        f"ON f.id = t.media_id WHERE f.kind = ? AND f.deleted_at IS NULL AND t.{column} > 0"
        f"{role} ORDER BY t.{column} DESC, t.media_id LIMIT ? OFFSET ?"
    )
    args: tuple[object, ...] = (kind,) if used_as is None else (kind, used_as)
    if excluding:
        args += (ids_json(excluding),)
    # Growing pages: a bounded sort per page is far cheaper than ordering every file of
    # the kind, and a walk rarely goes past the first.
    offset, page = 0, first_page
    while True:
        ranked: list[tuple[int, int]] = conn.execute(sql, (*args, page, offset)).fetchall()
        yield ranked
        if len(ranked) < page:
            return
        offset, page = offset + page, 2 * page
