"""What the audio report reads of the library: present audio files, their totals and formats."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from mediatop.store.dialect import json_ids
from mediatop.store.queries.media import ids_json


def audio_files(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """Answers: what are the path, size, duration and bitrate of these present audio
    files? File id -> (path, size, duration_s, bitrate)."""
    return {
        r[0]: (bytes(r[1]), *r[2:])
        for r in conn.execute(
            "SELECT id, path, size, duration_s, bitrate FROM media_files WHERE kind = 'audio' "
            f"AND deleted_at IS NULL AND id IN {json_ids(conn)}",
            (ids_json(ids),),
        )
    }


def audio_totals(
    conn: sqlite3.Connection,
) -> tuple[int, float, float, int, float | None, float | None]:
    """Answers: over present audio files, how many, their bytes, their summed duration,
    how many have a duration, the mean duration and the mean bitrate (of those that
    have one)? (count, size, duration, timed, mean duration, mean bitrate)."""
    row = conn.execute(
        "SELECT COUNT(*), TOTAL(size), TOTAL(duration_s), COUNT(duration_s), AVG(duration_s), "
        "AVG(bitrate) FROM media_files WHERE kind = 'audio' AND deleted_at IS NULL"
    ).fetchone()
    return row[0], row[1], row[2], row[3], row[4], row[5]


def audio_formats(conn: sqlite3.Connection) -> list[tuple[str, int, float]]:
    """Answers: per extension (upper case, without the dot; '' when none), how many
    present audio files and how many bytes? Most files first, then by name."""
    return conn.execute(
        "SELECT UPPER(LTRIM(ext, '.')), COUNT(*), TOTAL(size) FROM media_files "
        "WHERE kind = 'audio' AND deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
