"""What the documents report reads: present documents' probe fields, links and access.

Rows for `analytics.documents`: each present document with what searchability needs,
the documents a usage location links, and document uses over a range by hour,
weekday, referrer and device (kind_breakdown).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mediatop.store.queries.ranges import in_range
from mediatop.timerange import TimeRange


def present_documents(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Answers: what do the scan and probes say of each present document? Rows (id, path,
    ext, size, uploaded_at, uploaded_source, format, has_text_layer, title, subject,
    keywords), by id."""
    return conn.execute(
        "SELECT id, path, ext, size, uploaded_at, uploaded_source, format, has_text_layer, "
        "title, subject, keywords FROM media_files "
        "WHERE kind = 'document' AND deleted_at IS NULL ORDER BY id"
    ).fetchall()


def linked_documents(conn: sqlite3.Connection) -> set[int]:
    """Answers: which documents does a usage location (a page, a post, ...) link?"""
    return {
        media_id
        for (media_id,) in conn.execute(
            "SELECT DISTINCT u.media_id FROM usage_locations u JOIN media_files f "
            "ON f.id = u.media_id WHERE f.kind = 'document'"
        )
    }


def document_access(conn: sqlite3.Connection, time_range: TimeRange) -> list[tuple[str, str, int]]:
    """Answers: how many uses of documents did the range hold by hour of day, weekday,
    referrer host and device? Rows (dimension, value, count), from the per-kind rollup
    (a few hundred rows a day, whatever the documents), including documents deleted since.
    """
    rows, args = in_range(
        time_range, "kind_breakdown", "dimension, value, count",
        "kind = 'document' AND dimension IN ('hour', 'weekday', 'referrer', 'device')",
    )  # fmt: skip
    return [
        (dimension, value, int(n))
        for dimension, value, n in conn.execute(
            f"SELECT dimension, value, SUM(count) FROM ({rows}) GROUP BY dimension, value", args
        )
    ]
