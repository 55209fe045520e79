"""Reads for the performance report: per-kind sums, latency histograms, busy files and
the WebP/AVIF files with their JPEG/PNG counterparts.

Per-kind figures come from `kind_daily` (and its hourly twin), load-time distributions
from `latency_histogram` (one row per scope, day, source and bucket; day '' is the
all-time row), per-file figures from `file_totals`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from mediatop.store.dialect import indexed_by, json_ids
from mediatop.store.histogram import LatencyHistogram
from mediatop.store.queries.ranges import in_range
from mediatop.timerange import TimeRange

_KIND_SUMS = (
    "SELECT kind, SUM(requests), SUM(server_time_sum_ms), SUM(server_time_count), "
    "SUM(client_time_sum_ms), SUM(client_time_count), SUM(cache_hits), SUM(cache_misses), "
    "SUM(errors) FROM ({rows}) GROUP BY kind"
)
_KIND_SUM_COLUMNS = (
    "kind, requests, server_time_sum_ms, server_time_count, client_time_sum_ms, "
    "client_time_count, cache_hits, cache_misses, errors"
)


def kind_sums(conn: sqlite3.Connection, time_range: TimeRange) -> dict[str, tuple[Any, ...]]:
    """kind -> (requests, server sum, server n, client sum, client n, hits, misses, errors)
    over the range."""
    rows, args = in_range(time_range, "kind_daily", _KIND_SUM_COLUMNS)
    return {row[0]: row[1:] for row in conn.execute(_KIND_SUMS.format(rows=rows), args)}


def kind_day_bytes(conn: sqlite3.Connection, time_range: TimeRange) -> list[tuple[Any, ...]]:
    """Rows (kind, date, bytes, requests) of the range: one per kind and day (a partial
    day: one per kind and hour of it)."""
    # Answers: bytes and requests per kind and day in the range.
    return conn.execute(
        *in_range(time_range, "kind_daily", "kind, date, bytes, requests")
    ).fetchall()


# A bucket's range summed over rows is known only when every row knows it.
_RANGE_OVER_ROWS = (
    "CASE WHEN COUNT(min_ms) = COUNT(*) THEN MIN(min_ms) END, "
    "CASE WHEN COUNT(max_ms) = COUNT(*) THEN MAX(max_ms) END"
)


def histogram(
    conn: sqlite3.Connection, scope: str, source: str, days: tuple[str, str] | None
) -> LatencyHistogram:
    """One scope and source's histogram, summed over `days` (None: the all-time row)."""
    if days is None:
        rows = conn.execute(
            "SELECT bucket, count, min_ms, max_ms FROM latency_histogram "
            "WHERE scope = ? AND day = '' AND source = ?",
            (scope, source),
        )
    else:
        rows = conn.execute(
            f"SELECT bucket, SUM(count), {_RANGE_OVER_ROWS} FROM latency_histogram "
            "WHERE scope = ? AND day BETWEEN ? AND ? AND day != '' AND source = ? "
            "GROUP BY bucket",
            (scope, days[0], days[1], source),
        )
    return LatencyHistogram.from_rows(rows)


def histograms_by_scope(
    conn: sqlite3.Connection, time_range: TimeRange, scope_prefix: str, source: str
) -> dict[str, LatencyHistogram]:
    """scope -> histogram for every scope starting with `scope_prefix`, over the range."""
    found: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    rows, args = in_range(
        time_range, "latency_histogram", "scope, bucket, count, min_ms, max_ms",
        "scope >= ? AND scope < ? AND source = ?",
        (scope_prefix, scope_prefix + "\uffff", source),
    )  # fmt: skip
    for scope, *row in conn.execute(
        f"SELECT scope, bucket, SUM(count), {_RANGE_OVER_ROWS} FROM ({rows}) "
        "GROUP BY scope, bucket",
        args,
    ):
        found[scope].append(tuple(row))
    return {scope: LatencyHistogram.from_rows(rows) for scope, rows in found.items()}


def most_requested_files(conn: sqlite3.Connection, limit: int) -> list[int]:
    """The `limit` files with the most human requests of all time, most first (then by id)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT media_id FROM file_totals WHERE requests > 0 "
            "ORDER BY requests DESC, media_id LIMIT ?",
            (limit,),
        )
    ]


def file_histogram_rows(
    conn: sqlite3.Connection, ids: list[int], source: str
) -> dict[int, list[tuple[Any, ...]]]:
    """file id -> its all-time histogram rows (bucket, count, min_ms, max_ms) of `source`
    time, for the given files (those with any)."""
    rows: dict[int, list[tuple[Any, ...]]] = {}
    for start in range(0, len(ids), 500):
        scopes = [f"file:{i}" for i in ids[start : start + 500]]
        # Answers: the all-time latency histogram of each candidate file.
        for scope, *row in conn.execute(
            f"SELECT scope, bucket, count, min_ms, max_ms FROM latency_histogram WHERE scope "
            f"IN ({','.join('?' * len(scopes))}) AND day = '' AND source = ?",
            [*scopes, source],
        ):
            rows.setdefault(int(scope[5:]), []).append(tuple(row))
    return rows


def all_time_bytes(conn: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
    """file id -> bytes served of all time (`file_totals`), for the given files with any row."""
    found: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        found.update(
            conn.execute(
                f"SELECT media_id, bytes FROM file_totals "
                f"WHERE media_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return found


def modern_images(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(id, path, ext, size, mode, meta) of each present WebP/AVIF image."""
    # The extension test runs on the narrow census index (migration 0020); only the few
    # matching rows are read in full.
    indexed = indexed_by(conn, "media_files_kind_format")
    return conn.execute(
        "SELECT id, path, ext, size, mode, meta FROM media_files WHERE id IN ("
        f"SELECT id FROM media_files{indexed} "
        "WHERE deleted_at IS NULL AND kind = 'image' "
        "AND lower(ext) IN ('.webp', 'webp', '.avif', 'avif'))"
    ).fetchall()


def present_sizes_by_path(
    conn: sqlite3.Connection, paths: Iterable[bytes]
) -> list[tuple[bytes, int]]:
    """(path, size) of the present files among `paths`."""
    wanted = list(paths)
    found: list[tuple[bytes, int]] = []
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        # Answers: which of these paths are present files, and how big are they?
        found.extend(
            (bytes(path), size)
            for path, size in conn.execute(
                f"SELECT path, size FROM media_files WHERE deleted_at IS NULL "
                f"AND path IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return found


def bytes_served_between(
    conn: sqlite3.Connection, first_day: str, last_day: str, ids: Iterable[int]
) -> dict[int, int]:
    """file id -> bytes served from `first_day` to `last_day` (whole UTC days, daily
    rollup), for the given files with any row."""
    return {
        media_id: int(n or 0)
        for media_id, n in conn.execute(
            "SELECT media_id, SUM(bandwidth_usage) FROM media_performance_metrics "
            f"WHERE date BETWEEN ? AND ? AND media_id IN {json_ids(conn)} "
            "GROUP BY media_id",
            (first_day, last_day, json.dumps(sorted(set(ids)))),
        )
    }
