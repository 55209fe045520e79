"""Images as the encode plan sees them: their probe facts and the widths they are shown at.

Read by the images analysis (what it reports) and by the measurement step (what it
re-encodes), so both plan from the same rows. The rows come from
`store.queries.images`; the rules that turn them into facts and widths are
`mediatop.encode_plan`'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from mediatop.encode_plan import ImageFacts, max_width_from_sizes
from mediatop.store.dialect import json_ids
from mediatop.store.measurements import Measurement, cached_measurements
from mediatop.store.queries.images import image_rows, location_widths
from mediatop.store.queries.media import ids_json


def _facts(row: tuple[Any, ...]) -> ImageFacts:
    return ImageFacts(
        row[0], bytes(row[1]), bytes(row[2]), row[3], row[4], row[5], row[6], row[7], row[8],
        row[9], row[10], bool(row[11]), row[12],
    )  # fmt: skip


def load_image_facts(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> list[ImageFacts]:
    """Present images (all, or the given ids) with their probe facts, by id."""
    return [_facts(r) for r in image_rows(conn, ids)]


def max_display_widths(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> dict[int, int]:
    """image id -> the largest width (px) any of its usage locations displays it at."""
    widths: dict[int, int] = {}
    for media_id, display_width, sizes in location_widths(conn, ids):
        width = display_width or max_width_from_sizes(sizes)
        if width and width > widths.get(media_id, 0):
            widths[media_id] = width
    return widths


# A whole library's images are read IMAGE_CHUNK at a time: 100,000 measured images would
# otherwise be held at once, facts and measurements (about 110 MB).
IMAGE_CHUNK = 4096


def image_fact_chunks(
    conn: sqlite3.Connection, ids: Iterable[int]
) -> Iterator[tuple[list[ImageFacts], dict[int, dict[str, Measurement]], dict[int, int]]]:
    """The present images among `ids`, IMAGE_CHUNK at a time in id order: their facts,
    their cached measurements and their largest display widths."""
    ordered = sorted(set(ids))
    for at in range(0, len(ordered), IMAGE_CHUNK):
        wanted = ordered[at : at + IMAGE_CHUNK]
        yield (
            load_image_facts(conn, wanted),
            cached_measurements(conn, wanted),
            max_display_widths(conn, wanted),
        )


def ranked_by_requests(
    conn: sqlite3.Connection, ids: Iterable[int], first_day: str, last_day: str
) -> list[int]:
    """Answers: which of these images are still present, the most requested over the days
    first (then the largest, then by id)?"""
    wanted, in_ids = ids_json(ids), json_ids(conn)
    rows = conn.execute(
        "SELECT f.id FROM media_files f LEFT JOIN ("
        "  SELECT media_id, SUM(requests) AS n FROM media_performance_metrics"
        f"  WHERE media_id IN {in_ids} AND date BETWEEN ? AND ?"
        "  GROUP BY media_id) m ON m.media_id = f.id "
        f"WHERE f.id IN {in_ids} AND f.kind = 'image' "
        "AND f.deleted_at IS NULL ORDER BY COALESCE(m.n, 0) DESC, f.size DESC, f.id",
        (wanted, first_day, last_day, wanted),
    )
    return [media_id for (media_id,) in rows]
