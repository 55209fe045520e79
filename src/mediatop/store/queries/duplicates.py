"""What the duplicates report reads: current content hashes, perceptual hashes and uses.

A content hash counts only while it is current: taken of the file at its present size
and mtime (hashed_size, hashed_mtime_ns). Hashes are computed and written elsewhere;
these queries only read them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from mediatop.store.dialect import json_ids, same_as
from mediatop.store.queries.media import ids_json


def exact_copies(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Answers: which present, non-empty files share a current content hash with another
    present file? Rows (content hash, file id), by id."""
    return conn.execute(
        "SELECT content_hash, id FROM media_files WHERE deleted_at IS NULL AND size > 0 "
        "AND content_hash IS NOT NULL AND hashed_size = size AND hashed_mtime_ns = mtime_ns "
        "AND content_hash IN (SELECT content_hash FROM media_files WHERE deleted_at IS NULL "
        " AND content_hash IS NOT NULL AND hashed_size = size AND hashed_mtime_ns = mtime_ns "
        " GROUP BY content_hash HAVING COUNT(*) > 1) ORDER BY id"
    ).fetchall()


def image_phashes(conn: sqlite3.Connection) -> list[tuple[int, str, bytes]]:
    """Answers: what is the perceptual hash (hex) of each present image that has one, and
    its generated-size group? Rows (id, phash, group path)."""
    return [
        (file_id, value, bytes(group_path))
        for file_id, value, group_path in conn.execute(
            "SELECT id, phash, group_path FROM media_files WHERE kind = 'image' "
            "AND deleted_at IS NULL AND phash IS NOT NULL AND phash != ''"
        )
    ]


def hashed_files(conn: sqlite3.Connection, ids: Iterable[int]) -> list[tuple[Any, ...]]:
    """Answers: what are the path, kind, size, upload time, group, current content hash
    (None when stale or absent) and perceptual hash of these files? Rows (id, path, kind,
    size, uploaded_at, group_path, content_hash, phash)."""
    same = same_as(conn)  # values that may be NULL
    return conn.execute(
        "SELECT id, path, kind, size, uploaded_at, group_path, "
        f"CASE WHEN hashed_size {same} size AND hashed_mtime_ns {same} mtime_ns "
        "THEN content_hash END, phash FROM media_files WHERE id IN "
        f"{json_ids(conn)}",
        (ids_json(ids),),
    ).fetchall()


def all_time_uses(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """Answers: how many views, downloads, clicks and shares (Most Used Media's uses)
    has each of these files had in all (file_totals)? Files never used are left out."""
    return dict(
        conn.execute(
            "SELECT media_id, views + downloads + clicks + shares FROM file_totals "
            f"WHERE media_id IN {json_ids(conn)}",
            (ids_json(ids),),
        ).fetchall()
    )


def location_counts(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """Answers: how many usage locations reference each of these files? Files with none
    are left out."""
    return dict(
        conn.execute(
            "SELECT media_id, COUNT(*) FROM usage_locations "
            f"WHERE media_id IN {json_ids(conn)} GROUP BY media_id",
            (ids_json(ids),),
        ).fetchall()
    )
