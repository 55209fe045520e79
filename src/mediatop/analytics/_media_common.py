"""Small helpers shared by the per-type reports (images, videos, documents, audio, duplicates).

Kept apart from the usage/performance helpers so that the per-type reports depend only
on the store schema and the report context.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mediatop.analytics.context import ReportContext
from mediatop.store.queries.ranges import in_range, sums_in_range


@dataclass(frozen=True)
class LoadTime:
    """Mean load time of a kind over the range, and which clock it came from.

    `source` is 'client' when browser Resource Timing beacons exist (what the visitor
    waited), else 'server' ($request_time in the log), else None with `mean_ms` None.
    """

    mean_ms: float | None
    source: str | None
    samples: int


@dataclass(frozen=True)
class ShareRow:
    """One value of a distribution: how many, and what percentage of the whole."""

    value: str
    count: int
    percentage: float | None


def percent(part: float, whole: float) -> float | None:
    """100 × part / whole, or None when there is nothing to divide by."""
    return None if not whole else 100.0 * part / whole


def top_limit(ctx: ReportContext, default: int = 10) -> int:
    """The --top option (how many rows a top-N list holds)."""
    return max(1, ctx.option_int("top", default))


def days(ctx: ReportContext) -> tuple[str, str]:
    """(first_day, last_day) of the report's range, for `date BETWEEN ? AND ?`."""
    return ctx.time_range.first_day, ctx.time_range.last_day


def last_30_days(ctx: ReportContext) -> tuple[str, str]:
    """The 30 UTC days ending today: the window for "bytes saved per month" rankings."""
    today = ctx.now.astimezone(UTC).date()
    return (today - timedelta(days=29)).isoformat(), today.isoformat()


def ids_json(ids: Iterable[int]) -> str:
    """A JSON array of ids, for `id IN (SELECT value FROM json_each(?))` (any list length)."""
    return json.dumps(sorted(set(ids)))


def ts_to_datetime(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def kind_load_time(ctx: ReportContext, kind: str) -> LoadTime:
    """Mean load time (ms) of all requests for files of `kind` in the range, from kind_daily."""
    rows, args = in_range(
        ctx.time_range, "kind_daily",
        "client_time_sum_ms, client_time_count, server_time_sum_ms, server_time_count",
        "kind = ?", (kind,),
    )  # fmt: skip
    row = ctx.conn.execute(
        "SELECT SUM(client_time_sum_ms), SUM(client_time_count), "
        f"SUM(server_time_sum_ms), SUM(server_time_count) FROM ({rows})",
        args,
    ).fetchone()
    client_sum, client_n, server_sum, server_n = (v or 0 for v in row)
    if client_n:
        return LoadTime(client_sum / client_n, "client", int(client_n))
    if server_n:
        return LoadTime(server_sum / server_n, "server", int(server_n))
    return LoadTime(None, None, 0)


def shares(counts: dict[str, int]) -> list[ShareRow]:
    """Counts as ShareRows, largest first (ties by value), with percentages of the total."""
    total = sum(counts.values())
    return [
        ShareRow(value, count, percent(count, total))
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


_USE_SUMS = ("requests", "views", "clicks", "shares", "downloads")


def rollup_totals(ctx: ReportContext, kind: str) -> dict[int, tuple[int, int, int, int, int]]:
    """file id -> (requests, views, clicks, shares, downloads) over the range, for one kind.

    Reads media_performance_metrics (the per-file daily rollup, and its hourly twin for
    the range's partial days) joined to present files.
    """
    # The kind's files are chosen inside each part, so that each reads them through the
    # (media_id, date) index rather than every row of the range.
    sums = sums_in_range(
        ctx.conn, ctx.time_range, "media_performance_metrics", "media_id", _USE_SUMS,
        "media_id IN (SELECT id FROM media_files WHERE kind = ? AND deleted_at IS NULL)",
        (kind,),
    )  # fmt: skip
    return {i: (int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4])) for i, v in sums.items()}


def kind_uses(ctx: ReportContext, kind: str) -> dict[int, tuple[int, int, int, int, int]]:
    """Every present file of `kind` used in the range -> (requests, views, clicks, shares,
    downloads); the `all` range reads file_totals (one row per file) instead of days."""
    if not ctx.time_range.is_all:
        return rollup_totals(ctx, kind)
    rows = ctx.conn.execute(
        "SELECT t.media_id, t.requests, t.views, t.clicks, t.shares, t.downloads "
        "FROM file_totals t JOIN media_files f ON f.id = t.media_id "
        "WHERE f.kind = ? AND f.deleted_at IS NULL",
        (kind,),
    )
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows}


def requests_by_file(
    conn: sqlite3.Connection, first_day: str, last_day: str, ids: Iterable[int] | None = None
) -> dict[int, int]:
    """file id -> human requests over the days (from the daily rollup).

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
            "WHERE media_id IN (SELECT value FROM json_each(?)) AND date BETWEEN ? AND ? "
            "GROUP BY media_id",
            (ids_json(ids), first_day, last_day),
        )
    return {media_id: int(n) for media_id, n in rows if n}


def uses_by_file(
    ctx: ReportContext, ids: Iterable[int]
) -> dict[int, tuple[int, int, int, int, int]]:
    """file id -> (requests, views, clicks, shares, downloads) over the report's range.

    Reads file_totals (one row per file) for the `all` range, else sums the given files'
    days through the (media_id, date) index.
    """
    wanted = ids_json(ids)
    if not ctx.time_range.is_all:
        sums = sums_in_range(
            ctx.conn, ctx.time_range, "media_performance_metrics", "media_id", _USE_SUMS,
            "media_id IN (SELECT value FROM json_each(?))", (wanted,),
        )  # fmt: skip
        return {i: (int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4])) for i, v in sums.items()}
    rows = ctx.conn.execute(
        "SELECT media_id, requests, views, clicks, shares, downloads FROM file_totals "
        "WHERE media_id IN (SELECT value FROM json_each(?))",
        (wanted,),
    )
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows}


def _is_common_kind(conn: sqlite3.Connection, kind: str, column: str) -> bool:
    """Whether at least a third of the files with some `column` use are of `kind`
    (sampled from the most used ones: the walk in `top_by_use` visits those first)."""
    sample = conn.execute(
        f"SELECT COUNT(*), TOTAL(f.kind = ?) FROM (SELECT media_id FROM file_totals "
        f"INDEXED BY file_totals_{column} WHERE {column} > 0 ORDER BY {column} DESC LIMIT 512) t "
        "JOIN media_files f ON f.id = t.media_id",
        (kind,),
    ).fetchone()
    return bool(sample[0]) and sample[1] * 3 >= sample[0]


def top_by_use(
    ctx: ReportContext,
    kind: str,
    column: str,
    limit: int,
    batch: int = 256,
    used_as: str | None = None,
    excluding: Collection[int] = (),
) -> list[tuple[int, tuple[int, int, int, int, int]]]:
    """The `limit` present files of `kind` with the most `column` uses over the range.

    `column` is views | downloads. All-time totals (file_totals) bound any range's
    totals from above, so files are visited in decreasing all-time order and summed over
    the range in batches until the next bound cannot beat the current top `limit`.
    Files with no such use in the range are left out. Returns (id, uses) best first.
    `used_as` keeps only files a usage location uses in that role (e.g. 'featured');
    files in `excluding` are left out in SQL, so the walk stops as early as it would in a
    library without them.
    """
    assert column in ("views", "downloads")
    index = {"views": 1, "downloads": 4}[column]
    role = "" if used_as is None else (
        " AND t.media_id IN (SELECT media_id FROM usage_locations WHERE usage = ?)"
    )  # fmt: skip
    if excluding:
        role += " AND t.media_id NOT IN (SELECT value FROM json_each(?))"
    # A kind that holds most used files (images, on most sites) is found fastest by
    # walking file_totals in decreasing order (migration 0016) and skipping other kinds;
    # a rarer kind, by sorting its own files.
    join = (
        f"file_totals t INDEXED BY file_totals_{column} CROSS JOIN media_files f"
        if _is_common_kind(ctx.conn, kind, column)
        # else SQLite's planner walks file_totals_{column} across every other kind
        else "media_files f CROSS JOIN file_totals t"
    )
    sql = (
        f"SELECT t.media_id, t.{column} FROM {join} "
        f"ON f.id = t.media_id WHERE f.kind = ? AND f.deleted_at IS NULL AND t.{column} > 0"
        f"{role} ORDER BY t.{column} DESC, t.media_id LIMIT ? OFFSET ?"
    )
    args: tuple[object, ...] = (kind,) if used_as is None else (kind, used_as)
    if excluding:
        args += (ids_json(excluding),)
    best: list[tuple[int, tuple[int, int, int, int, int]]] = []
    # The walk rarely goes past a few batches, so the files are read in growing pages
    # (a bounded sort per page is far cheaper than ordering every file of the kind).
    # Pages are separate reads: a file whose total changed in between (a concurrent
    # ingest) could come twice, so files already summed are skipped.
    offset, page = 0, 4 * batch
    seen: set[int] = set()
    while True:
        ranked = ctx.conn.execute(sql, (*args, page, offset)).fetchall()
        for start in range(0, len(ranked), batch):
            rows = ranked[start : start + batch]
            sums = uses_by_file(ctx, [r[0] for r in rows if r[0] not in seen])
            seen.update(r[0] for r in rows)
            best += [(i, u) for i, u in sums.items() if u[index] > 0]
            best.sort(key=lambda item: (-item[1][index], item[0]))
            del best[limit:]
            if len(best) >= limit and best[-1][1][index] >= rows[-1][1]:
                return best
        if len(ranked) < page:
            return best
        offset, page = offset + page, 2 * page
