"""The store side of measurement: content and perceptual hashes, and measured savings.

Measurement (`mediatop.measure`) reads a file's bytes and writes what it found here;
reports read it back through the same functions, and never write.

- Content hashes live in `media_files.content_hash`, valid while the file keeps the
  size and mtime they were computed for (`hashed_size`, `hashed_mtime_ns`).
- Perceptual hashes live in `media_files.phash` ('' for an image that could not be
  decoded: tried, failed, not retried); the scanner clears it when a file changes.
- Measured re-encodings live in `savings_cache`, keyed by file and target, valid while
  the file keeps the size and mtime it had when measured.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mediatop.store.dialect import distinct_from, indexed_by, json_ids
from mediatop.store.library_facts import library_changed, measurements_changed


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured (or failed) re-encoding of one file version."""

    media_id: int
    target: str
    size: int
    mtime_ns: int
    encoded_size: int | None
    error: str | None

    @property
    def saving(self) -> int | None:
        """Bytes saved by this re-encoding (may be negative), None when it failed."""
        return None if self.encoded_size is None else self.size - self.encoded_size


def _ids_json(ids: Iterable[int]) -> str:
    """A JSON array of ids, for `IN (SELECT value FROM json_each(?))` (any list length)."""
    return json.dumps(sorted(set(ids)))


def size_collision_ids(conn: sqlite3.Connection) -> list[int]:
    """Present, non-empty files that share their size with another present file (only
    those can have a twin, so only those need a content hash).

    Counted in Python over one pass of (id, size): without an index on size, SQLite's
    GROUP BY would sort the whole table first.
    """
    rows = conn.execute(
        "SELECT id, size FROM media_files WHERE deleted_at IS NULL AND size > 0"
    ).fetchall()
    counts = Counter(size for _, size in rows)
    return sorted(file_id for file_id, size in rows if counts[size] > 1)


def stale_content_hashes(conn: sqlite3.Connection, ids: Iterable[int]) -> list[tuple[int, bytes]]:
    """(id, path) of the given present files whose content hash is missing or outdated."""
    differs = distinct_from(conn)  # hashed_* may be NULL
    return [
        (file_id, bytes(path))
        for file_id, path in conn.execute(
            "SELECT id, path FROM media_files WHERE deleted_at IS NULL "
            f"AND id IN {json_ids(conn)} AND (content_hash IS NULL "
            f"OR hashed_size {differs} size OR hashed_mtime_ns {differs} mtime_ns) ORDER BY id",
            (_ids_json(ids),),
        )
    ]


def save_content_hashes(conn: sqlite3.Connection, rows: list[tuple[str, int, int, int]]) -> None:
    """Store (hash, size, mtime_ns, id) rows: each hash with the file version it is of."""
    _write(
        conn,
        "UPDATE media_files SET content_hash = ?, hashed_size = ?, hashed_mtime_ns = ? "
        "WHERE id = ?",
        rows,
    )


# INDEXED BY (SQLite): phash is not in the (kind, format, ...) index, so reading the
# rows in its order would jump around the table; the kind index reads them in table order.
_PHASH_PENDING = (
    "FROM media_files{indexed} WHERE kind = 'image' AND deleted_at IS NULL "
    "AND phash IS NULL AND probe_error IS NULL AND format IS NOT NULL "
    "AND format NOT IN ('SVG', 'ICO')"
)


def _phash_pending(conn: sqlite3.Connection) -> str:
    return _PHASH_PENDING.format(indexed=indexed_by(conn, "media_files_kind"))


def count_phash_candidates(conn: sqlite3.Connection) -> int:
    """How many present raster images have no perceptual hash yet."""
    return int(conn.execute(f"SELECT count(*) {_phash_pending(conn)}").fetchone()[0])


def phash_candidates(conn: sqlite3.Connection) -> list[tuple[int, bytes]]:
    """(id, path) of present raster images that have no perceptual hash yet."""
    return [
        (file_id, bytes(path))
        for file_id, path in conn.execute(f"SELECT id, path {_phash_pending(conn)} ORDER BY id")
    ]


def save_phashes(conn: sqlite3.Connection, rows: list[tuple[str, int]]) -> None:
    """Store (phash, id) rows; '' marks an image that could not be decoded."""
    _write(conn, "UPDATE media_files SET phash = ? WHERE id = ?", rows)


def _write(conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        library_changed(conn)
        conn.executemany(sql, rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def cached_measurements(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> dict[int, dict[str, Measurement]]:
    """file id -> target -> cached measurement, only where size and mtime still match."""
    sql = (
        "SELECT c.media_id, c.target, c.size, c.mtime_ns, c.encoded_size, c.error "
        "FROM savings_cache c JOIN media_files f ON f.id = c.media_id "
        "AND f.size = c.size AND f.mtime_ns = c.mtime_ns WHERE f.deleted_at IS NULL"
    )
    args: tuple[Any, ...] = ()
    if ids is not None:
        sql += f" AND c.media_id IN {json_ids(conn)}"
        args = (_ids_json(ids),)
    found: dict[int, dict[str, Measurement]] = {}
    for media_id, target, *rest in conn.execute(sql, args):
        # One string per target name, not one per row: 100k images have some 300k rows.
        target = sys.intern(target)
        found.setdefault(media_id, {})[target] = Measurement(media_id, target, *rest)
    return found


def measured_image_ids(conn: sqlite3.Connection) -> list[int]:
    """The files `cached_measurements` has a measurement of (size and mtime still match)."""
    return [
        media_id
        for (media_id,) in conn.execute(
            "SELECT DISTINCT c.media_id FROM savings_cache c JOIN media_files f "
            "ON f.id = c.media_id AND f.size = c.size AND f.mtime_ns = c.mtime_ns "
            "WHERE f.deleted_at IS NULL"
        )
    ]


def save_measurements(conn: sqlite3.Connection, results: Iterable[Measurement], now: int) -> None:
    """Write measurements into savings_cache (replacing older ones for the same target)."""
    rows = [
        (m.media_id, m.size, m.mtime_ns, m.target, m.encoded_size, m.error, now) for m in results
    ]
    conn.execute("BEGIN IMMEDIATE")
    try:
        measurements_changed(conn)  # facts of the measured savings are stale now
        conn.executemany(
            "INSERT INTO savings_cache "
            "(media_id, size, mtime_ns, target, encoded_size, error, measured_at) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (media_id, target) DO UPDATE SET "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "encoded_size = excluded.encoded_size, error = excluded.error, "
            "measured_at = excluded.measured_at",
            rows,
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
