"""What the image analytics read: probe facts, formats, display widths and locations.

Rows for `analytics.images`: the probe columns of present images, the per-format
census, the widths usage locations display images at, the images wider than a factor
of that, responsive/lazy location counts and image requests over a range.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mediatop.store.dialect import (
    is_postgres,
    joined_ids,
    json_ids,
    json_object_pairs,
    json_texts,
    ordered_join,
)
from mediatop.store.queries.media import ids_json
from mediatop.store.queries.ranges import in_range
from mediatop.timerange import TimeRange

IMAGE_COLUMNS = (
    "id, path, group_path, variant, size, mtime_ns, format, width, height, mode, quality, "
    "animated, uploaded_at"
)

# The unoptimised heuristics in SQL (parameters: the JPEG quality above which it is
# wasteful, the PNG bits per pixel above which an opaque PNG is a photo).
_FLAGGED_SQL = (
    "(format = 'JPEG' AND quality > ?) OR format IN ('BMP', 'TIFF') OR "
    "(format = 'PNG' AND mode IN ('RGB', 'L') AND size * 8.0 / NULLIF(width * height, 0) > ?)"
)


@dataclass(frozen=True)
class Gallery:
    """A gallery location: its present images and a bound on their views over any range."""

    location_type: str
    location_id: str
    views_bound: int  # all-time views of its images
    members: tuple[int, ...]
    first_row: int  # its first usage_locations row, for the title


def present_image_ids(conn: sqlite3.Connection) -> list[int]:
    """Answers: which images are present (not deleted), by id?"""
    return [
        media_id
        for (media_id,) in conn.execute(
            "SELECT id FROM media_files WHERE kind = 'image' AND deleted_at IS NULL ORDER BY id"
        )
    ]


def image_rows(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> Iterator[tuple[Any, ...]]:
    """Answers: what do the probes say of present images (all, or the given ids)? Rows
    of IMAGE_COLUMNS, by id, as SQLite yields them: a caller that makes an object of
    each never holds every row too (about 40 MB for 100k images)."""
    if ids is None:
        rows = conn.execute(
            f"SELECT {IMAGE_COLUMNS} FROM media_files "
            "WHERE kind = 'image' AND deleted_at IS NULL ORDER BY id"
        )
    else:
        rows = conn.execute(
            f"SELECT {IMAGE_COLUMNS} FROM media_files WHERE kind = 'image' "
            f"AND deleted_at IS NULL AND id IN {json_ids(conn)} ORDER BY id",
            (ids_json(ids),),
        )
    return iter(rows)


def _ids(joined: str | None) -> tuple[int, ...]:
    return tuple(int(i) for i in joined.split(",")) if joined else ()


def census_by_format_and_mode(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Answers: per format and mode of present images, how many, their bytes, the sum and
    count of their bytes per pixel, and how many are still (not animated)? Rows (format,
    mode, count, size, density_sum, densities, still); format None when not probed.
    """
    # Grouped by format and mode, in the order of the covering index (kind, format,
    # mode, ...) of migration 0020: the groups stream without a sort.
    density = "size * 1.0 / NULLIF(width * height, 0)"
    rows = conn.execute(
        f"SELECT format, mode, COUNT(*), TOTAL(size), TOTAL({density}), COUNT({density}), "
        "TOTAL(CASE WHEN COALESCE(animated, 0) = 0 THEN 1 ELSE 0 END) "
        "FROM media_files WHERE kind = 'image' AND deleted_at IS NULL GROUP BY format, mode"
    )
    return [tuple(row) for row in rows]


def still_and_flagged(
    conn: sqlite3.Connection, formats: Iterable[str], recompress_above: int, png_photo_bits: float
) -> tuple[int, tuple[int, ...]]:
    """Answers: how many present still images are in `formats`, and which images do the
    unoptimised heuristics flag (JPEG above `recompress_above` quality, BMP/TIFF, opaque
    PNG over `png_photo_bits` bits per pixel)? One pass without grouping by format (the
    sort a GROUP BY needs is most of its cost)."""
    count, flagged = conn.execute(
        "SELECT COUNT(*) FILTER (WHERE COALESCE(animated, 0) = 0 AND format IN "
        f"{json_texts(conn)}), {joined_ids(conn, 'id')} FILTER (WHERE {_FLAGGED_SQL}) "
        "FROM media_files WHERE kind = 'image' AND deleted_at IS NULL",
        (json.dumps(sorted(formats)), recompress_above, png_photo_bits),
    ).fetchone()
    return count, _ids(flagged)


def location_widths(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> list[tuple[int, int | None, str | None]]:
    """Answers: at what width (display_width, or a `sizes` attribute) do usage locations
    show files (all, or the given ids)? Rows (media_id, display_width, sizes)."""
    sql = (
        "SELECT media_id, display_width, sizes FROM usage_locations "
        "WHERE media_id IS NOT NULL AND (display_width IS NOT NULL OR sizes IS NOT NULL)"
    )
    args: tuple[Any, ...] = ()
    if ids is not None:
        sql += f" AND media_id IN {json_ids(conn)}"
        args = (ids_json(ids),)
    return conn.execute(sql, args).fetchall()


def sizes_without_width(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Answers: which usage locations give a file's width only by a `sizes` attribute?
    Rows (media_id, sizes)."""
    return conn.execute(
        "SELECT media_id, sizes FROM usage_locations WHERE media_id IS NOT NULL "
        "AND (display_width IS NULL OR display_width = 0) AND sizes IS NOT NULL"
    ).fetchall()


def wider_than_displayed(
    conn: sqlite3.Connection, from_sizes: Mapping[int, int], factor: int
) -> list[int]:
    """Answers: which present images are wider than `factor` × the largest width a
    location displays them at (display_width, else the width `from_sizes` gives a file
    from its `sizes` attributes)?"""
    # Without sizes-derived widths, the widths group in the covering index's media_id
    # order (migration 0020) instead of through a temporary b-tree.
    widths = (
        "SELECT media_id, MAX(display_width) AS d FROM usage_locations "
        "WHERE media_id IS NOT NULL AND display_width > 0 GROUP BY media_id"
        if not from_sizes
        else "SELECT media_id, MAX(d) AS d FROM ("
        "SELECT media_id, display_width AS d FROM usage_locations "
        "WHERE media_id IS NOT NULL AND display_width > 0 UNION ALL "
        f"SELECT {json_object_pairs(conn, ':sizes')}) GROUP BY media_id"
    )
    return [
        file_id
        for (file_id,) in conn.execute(
            f"WITH w AS ({widths}) "
            f"SELECT f.id FROM w {ordered_join(conn)} media_files f ON f.id = w.media_id "
            "WHERE f.kind = 'image' AND f.deleted_at IS NULL AND f.width > :factor * w.d",
            {"sizes": json.dumps(from_sizes), "factor": factor},
        )
    ]


def wider_than_given(
    conn: sqlite3.Connection, widths: Mapping[int, int], factor: int
) -> list[tuple[int, int]]:
    """Answers: which of these present images (id -> display width) are wider than
    `factor` times it? Rows (id, display width), looked up by id."""
    return conn.execute(
        f"WITH w(id, display) AS (SELECT {json_object_pairs(conn, '?')}) "
        # CROSS JOIN pins json_each as the outer loop; with a plain JOIN the planner
        # may rescan the whole list once per image (seen on a 100k-file store).
        f"SELECT f.id, w.display FROM w {ordered_join(conn)} media_files f ON f.id = w.id "
        "WHERE f.kind = 'image' AND f.deleted_at IS NULL AND f.width > ? * w.display",
        (json.dumps(widths), factor),
    ).fetchall()


def media_on_top_pages(
    conn: sqlite3.Connection, views: Iterable[tuple[int, int]], pages: int
) -> set[int]:
    """Answers: which files are shown on the `pages` locations (pages, posts) whose files
    have the most views, counting only the given (file id, views)?"""
    if is_postgres(conn):
        pairs = (
            "SELECT CAST(value ->> 0 AS BIGINT) AS media_id, CAST(value ->> 1 AS BIGINT) AS views "
            "FROM json_array_elements(CAST(? AS json))"
        )
    else:
        pairs = (
            "SELECT json_extract(value, '$[0]') AS media_id, "
            "json_extract(value, '$[1]') AS views FROM json_each(?)"
        )
    rows = conn.execute(
        f"WITH v AS ({pairs}), "
        "pages AS (SELECT l.type, l.location_id, SUM(v.views) AS n FROM usage_locations l "
        "  JOIN v ON v.media_id = l.media_id GROUP BY 1, 2 ORDER BY n DESC LIMIT ?) "
        "SELECT DISTINCT l.media_id FROM usage_locations l JOIN pages p "
        "ON p.type = l.type AND p.location_id = l.location_id WHERE l.media_id IS NOT NULL",
        (json.dumps([list(pair) for pair in views]), pages),
    )
    return {r[0] for r in rows}


def any_savings_measured(conn: sqlite3.Connection) -> bool:
    """Answers: has any re-encoding been measured (savings_cache holds a row)?"""
    return conn.execute("SELECT 1 FROM savings_cache LIMIT 1").fetchone() is not None


def format_adoption(conn: sqlite3.Connection, replaceable: Iterable[str]) -> tuple[int, int, int]:
    """Answers: how many present images are there, how many are WebP or AVIF, and how
    many are still images in a `replaceable` format?"""
    total, modern, still = conn.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE upper(format) IN ('WEBP', 'AVIF')), "
        "COUNT(*) FILTER (WHERE COALESCE(animated, 0) = 0 "
        f"AND format IN {json_texts(conn)}) "
        "FROM media_files WHERE kind = 'image' AND deleted_at IS NULL",
        (json.dumps(tuple(replaceable)),),
    ).fetchone()
    return total, modern, still


def location_rate_counts(conn: sqlite3.Connection) -> tuple[int, int, int, int]:
    """Answers: over the usage locations of present images, how many are responsive and
    how many say whether they are; how many non-featured ones lazy-load and how many say?
    (responsive, said responsive, lazy, said lazy)."""
    # Counted per file first, in the order of the covering (media_id, ...) index
    # (migration 0020): one lookup of each file's kind instead of one per location.
    row = conn.execute(
        "SELECT SUM(responsive), SUM(said_responsive), SUM(lazy), SUM(said_lazy) FROM ("
        "  SELECT media_id, COUNT(*) FILTER (WHERE is_responsive = 1) AS responsive, "
        "    COUNT(is_responsive) AS said_responsive, "
        "    COUNT(*) FILTER (WHERE is_lazy = 1 AND usage != 'featured') AS lazy, "
        "    COUNT(CASE WHEN usage != 'featured' THEN is_lazy END) AS said_lazy "
        "  FROM usage_locations WHERE media_id IS NOT NULL GROUP BY media_id"
        f") u {ordered_join(conn)} media_files f ON f.id = u.media_id "
        "WHERE f.kind = 'image' AND f.deleted_at IS NULL"
    ).fetchone()
    return row[0] or 0, row[1] or 0, row[2] or 0, row[3] or 0


def modern_image_requests(conn: sqlite3.Connection, time_range: TimeRange) -> float:
    """Answers: how many human requests over the range were for WebP/AVIF images? Summed
    through the per-file rollup's (media_id, date) index, for those files only."""
    rows, args = in_range(
        time_range, "media_performance_metrics", "requests", "media_id IN (SELECT id FROM modern)"
    )
    # MATERIALIZED: the modern images are found once (a pass over media_files), not once
    # for each part of the range (a third of a 30-day report's image work at 100k files).
    modern: float = conn.execute(
        "WITH modern(id) AS MATERIALIZED (SELECT id FROM media_files WHERE kind = 'image' "
        f"AND format IN ('WEBP', 'AVIF')) SELECT TOTAL(requests) FROM ({rows})",
        args,
    ).fetchone()[0]
    return modern


def gallery_batches(
    conn: sqlite3.Connection, size: int = 64
) -> Generator[list[Gallery], None, None]:
    """Answers: per gallery location (present images only), which distinct images does it
    show, what is the sum of their all-time views (a bound on their views over any
    range), and which is its first location row (for the title)? Batches of `size`
    galleries, largest bound first (then by type and location id), read as asked for;
    closing the iterator closes the read.
    """
    # CROSS JOIN: the gallery rows drive, each image is looked up by id (cheaper than
    # probing every image's locations, which a (kind, ...) index would invite).
    cursor = conn.execute(
        "WITH g AS (SELECT u.type, u.location_id, u.media_id, MIN(u.id) AS first "
        f"FROM usage_locations u {ordered_join(conn)} media_files f ON f.id = u.media_id "
        "WHERE u.usage = 'gallery' AND f.kind = 'image' AND f.deleted_at IS NULL "
        "GROUP BY u.type, u.location_id, u.media_id) "
        "SELECT g.type, g.location_id, SUM(COALESCE(t.views, 0)), "
        f"{joined_ids(conn, 'g.media_id')}, "
        "MIN(g.first) FROM g LEFT JOIN file_totals t ON t.media_id = g.media_id "
        "GROUP BY g.type, g.location_id ORDER BY 3 DESC, 1, 2"
    )
    try:
        while batch := cursor.fetchmany(size):
            yield [
                Gallery(type_, loc_id, int(bound), _ids(members), first)
                for type_, loc_id, bound, members, first in batch
            ]
    finally:
        cursor.close()


def location_titles(
    conn: sqlite3.Connection, row_ids: Iterable[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Answers: what are the title and URL of these usage location rows?"""
    return {
        row_id: (title, url)
        for row_id, title, url in conn.execute(
            f"SELECT id, title, url FROM usage_locations WHERE id IN {json_ids(conn)}",
            (ids_json(row_ids),),
        )
    }


def featured_places(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
    """Answers: in how many usage locations is each of these files the featured image?"""
    return dict(
        conn.execute(
            "SELECT media_id, COUNT(*) FROM usage_locations WHERE usage = 'featured' "
            f"AND media_id IN {json_ids(conn)} GROUP BY media_id",
            (ids_json(ids),),
        ).fetchall()
    )


_CHUNK = 500  # group paths per `IN (...)`: well under SQLite's limit on parameters

# Generated sizes of an image that no request and no reference uses.
_UNUSED_SIZES = """
FROM media_files v
WHERE v.kind = 'image' AND v.variant IS NOT NULL AND v.deleted_at IS NULL{only}
  AND NOT EXISTS (SELECT 1 FROM file_totals t WHERE t.media_id = v.id
                  AND t.requests + t.views + t.downloads + t.clicks + t.shares > 0)
  AND NOT EXISTS (SELECT 1 FROM usage_locations u WHERE u.media_id = v.id)
"""


def unused_size_groups(
    conn: sqlite3.Connection, group_paths: Iterable[bytes] | None = None
) -> list[tuple[bytes, int, int]]:
    """Answers: which image groups (all, or those of `group_paths`) hold generated sizes
    (variant set) that no one ever requested, viewed, downloaded, clicked or shared and
    no usage location references? Rows (group path, their total bytes, the id of the
    group's original, else of its first such size)."""
    wanted = None if group_paths is None else sorted(set(group_paths))
    only = "" if wanted is None else f" AND v.group_path IN ({','.join('?' * len(wanted))})"
    unused_sizes = _UNUSED_SIZES.format(only=only)
    return conn.execute(
        f"""
        SELECT g.group_path, g.total, COALESCE(o.id, g.first_id)
        FROM (SELECT v.group_path, SUM(v.size) AS total, MIN(v.id) AS first_id
              {unused_sizes} GROUP BY v.group_path) g
        LEFT JOIN media_files o ON o.path = g.group_path AND o.deleted_at IS NULL
        """,
        wanted or [],
    ).fetchall()


def unused_size_names(
    conn: sqlite3.Connection, group_paths: Iterable[bytes]
) -> dict[bytes, list[str]]:
    """Answers: which generated sizes (their variant names, by id) of these groups does
    no one use (as `unused_size_groups` counts them)?"""
    picked = list(group_paths)
    members: dict[bytes, list[str]] = {}
    for start in range(0, len(picked), _CHUNK):
        chunk = picked[start : start + _CHUNK]
        in_chunk = f" AND v.group_path IN ({','.join('?' * len(chunk))})"
        for row in conn.execute(
            f"SELECT v.group_path, v.variant {_UNUSED_SIZES.format(only=in_chunk)} "
            "ORDER BY v.group_path, v.id",
            chunk,
        ):
            members.setdefault(bytes(row[0]), []).append(row[1])
    return members


def paths_of(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, bytes]:
    """Answers: what is the path of each of these files?"""
    return {
        file_id: bytes(path)
        for file_id, path in conn.execute(
            f"SELECT id, path FROM media_files WHERE id IN {json_ids(conn)}",
            (ids_json(ids),),
        )
    }
