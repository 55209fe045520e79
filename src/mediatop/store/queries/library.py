"""Reads over the library itself (`media_files`): lookups, counts per kind and month,
daily storage changes, and the library-wide facts the insights state.

None of these read traffic: they cost one query over the files whatever was ingested.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from mediatop.model import MediaFile
from mediatop.store.dialect import indexed_by, is_postgres, utc_day
from mediatop.store.files import FILE_COLUMNS, row_to_media_file


def largest_files(conn: sqlite3.Connection, limit: int, kind: str | None = None) -> list[MediaFile]:
    """The biggest present files, largest first, then by id (optionally of one kind)."""
    query = f"SELECT {FILE_COLUMNS} FROM media_files WHERE deleted_at IS NULL"
    params: tuple[object, ...] = ()
    if kind:
        query += " AND kind = ?"
        params = (kind,)
    query += " ORDER BY size DESC, id LIMIT ?"
    return [row_to_media_file(r) for r in conn.execute(query, (*params, limit))]


def has_events(conn: sqlite3.Connection) -> bool:
    """Whether any usage has been recorded yet (rollups are written with every event)."""
    return conn.execute("SELECT 1 FROM file_totals LIMIT 1").fetchone() is not None


def counts_by_kind(conn: sqlite3.Connection) -> list[tuple[str, int, int, int, int]]:
    """(kind, present files, their bytes, probe errors, not yet probed) per kind with any
    present file, in one pass over media_files (its rows are wide: a second pass would
    cost as much again)."""
    return conn.execute(
        "SELECT kind, count(*), coalesce(sum(size), 0), count(probe_error), "
        "count(*) - count(probed_at) FROM media_files WHERE deleted_at IS NULL GROUP BY kind"
    ).fetchall()


# The columns a count by time may use, with the covering index on each.
_TIME_INDEXES = {"uploaded_at": "media_files_uploaded", "deleted_at": "media_files_deleted"}
# A quarantined file (cleanup) has left the library but is not deleted until purged; the
# partial index media_files_deleted holds only the deleted (migration 0040).
_COUNTED = {"uploaded_at": "", "deleted_at": " AND quarantined_at IS NULL"}


def count_between(conn: sqlite3.Connection, column: str, start: int, end: int) -> int:
    """Files whose `column` (uploaded_at or deleted_at) falls in [start, end)."""
    if column not in _TIME_INDEXES:
        raise ValueError(f"not a time column of media_files: {column}")
    query = (
        f"SELECT count(*) FROM media_files WHERE {column} >= ? AND {column} < ?{_COUNTED[column]}"
    )
    return int(conn.execute(query, (start, end)).fetchone()[0])


def time_span(conn: sqlite3.Connection, column: str) -> tuple[int | None, int | None]:
    """The earliest and latest `column` (uploaded_at or deleted_at) of any file."""
    if column not in _TIME_INDEXES:
        raise ValueError(f"not a time column of media_files: {column}")
    low, high = conn.execute(
        f"SELECT MIN({column}), MAX({column}) FROM media_files "
        f"WHERE {column} IS NOT NULL{_COUNTED[column]}"
    ).fetchone()
    return low, high


def counts_per_period(
    conn: sqlite3.Connection, column: str, periods: Sequence[tuple[str, int, int]]
) -> list[tuple[str, int, float]]:
    """(key, files, bytes) of the files whose `column` (uploaded_at or deleted_at) falls in
    each period (key, low, high) = [low, high).

    Two range lookups per period in the covering index on `column`, not a date function
    per row: the periods are cut by the caller, so SQLite only counts index entries (a
    GROUP BY over a join with the periods reads as much, but sorts every row).
    """
    if column not in _TIME_INDEXES:
        raise ValueError(f"not a time column of media_files: {column}")
    indexed = indexed_by(conn, _TIME_INDEXES[column])
    within = (
        f"FROM media_files{indexed} WHERE {column} >= m.low AND {column} < m.high{_COUNTED[column]}"
    )
    # The periods come as one JSON parameter, [[key, low, high], ...].
    if is_postgres(conn):
        periods_sql = (
            "SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), CAST(value ->> 2 AS BIGINT) "
            "FROM json_array_elements(CAST(? AS json))"
        )
    else:  # SQLite: json_each, `->>`
        periods_sql = "SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)"
    # Answers: how many files (and bytes) were uploaded (or deleted) each period?
    return conn.execute(
        f"WITH m(key, low, high) AS MATERIALIZED ({periods_sql}) "
        f"SELECT key, (SELECT COUNT(*) {within}), (SELECT TOTAL(size) {within}) FROM m",
        (json.dumps(list(periods)),),
    ).fetchall()


def present_bytes_at(conn: sqlite3.Connection, ts: int) -> int:
    """Bytes of the files present at `ts` (uploaded before it, not deleted by then)."""
    # Answers: how many bytes were present when the window opened?
    return int(
        conn.execute(
            "SELECT COALESCE(SUM(size), 0) FROM media_files WHERE uploaded_at < ? "
            "AND (deleted_at IS NULL OR deleted_at >= ?)",
            (ts, ts),
        ).fetchone()[0]
    )


def bytes_per_day_since(conn: sqlite3.Connection, column: str, ts: int) -> list[tuple[str, int]]:
    """('YYYY-MM-DD' UTC, bytes) of the files whose `column` (uploaded_at or deleted_at)
    is at or after `ts`, per day."""
    if column not in _TIME_INDEXES:
        raise ValueError(f"not a time column of media_files: {column}")
    # Answers: bytes added (or removed) on each day since ts.
    return conn.execute(
        f"SELECT {utc_day(conn, column)}, SUM(size) FROM media_files "
        f"WHERE {column} >= ?{_COUNTED[column]} GROUP BY 1",
        (ts,),
    ).fetchall()


def present_bytes(conn: sqlite3.Connection) -> int:
    """The total size of the files present now."""
    return int(
        conn.execute(
            "SELECT COALESCE(SUM(size), 0) FROM media_files WHERE deleted_at IS NULL"
        ).fetchone()[0]
    )


def broken_references(conn: sqlite3.Connection) -> tuple[int, int]:
    """(references, distinct paths) of the content references to files the library does
    not have."""
    row = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT media_path) FROM usage_locations WHERE media_id IS NULL"
    ).fetchone()
    return int(row[0]), int(row[1])


def late_index_videos(conn: sqlite3.Connection) -> tuple[int, int]:
    """(count, bytes) of the present videos whose index (moov atom) is at the end."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM media_files WHERE deleted_at IS NULL "
        "AND kind = 'video' AND faststart = 0"
    ).fetchone()
    return int(row[0]), int(row[1])


def pdf_gaps(conn: sqlite3.Connection) -> tuple[int, int | None, int | None]:
    """(probed PDFs, without a text layer, without a title) among the present files; the
    last two are None when there is no probed PDF."""
    row: tuple[Any, ...] = conn.execute(
        "SELECT COUNT(*), "
        "SUM(CASE WHEN has_text_layer = 0 THEN 1 WHEN has_text_layer IS NOT NULL THEN 0 END), "
        "SUM(CASE WHEN title IS NULL OR title = '' THEN 1 ELSE 0 END) "
        "FROM media_files WHERE deleted_at IS NULL AND kind = 'document' "
        "AND probed_at IS NOT NULL AND lower(ext) IN ('.pdf', 'pdf')"
    ).fetchone()
    return int(row[0]), row[1], row[2]


def large_pdfs(conn: sqlite3.Connection, over_bytes: int) -> list[tuple[int, bytes, int]]:
    """(id, path, size) of the present PDFs over `over_bytes`, by id."""
    return [
        (file_id, bytes(path), size)
        for file_id, path, size in conn.execute(
            "SELECT id, path, size FROM media_files WHERE kind = 'document' "
            "AND deleted_at IS NULL AND ext = '.pdf' AND size > ? ORDER BY id",
            (over_bytes,),
        )
    ]
