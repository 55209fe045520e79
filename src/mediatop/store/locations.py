"""usage_locations: where the CMS uses each file, replaced wholesale per source.

A source is one content folder that `mediatop locations scan` read, or one CMS export that
`mediatop locations import` loaded; re-reading a source replaces its rows, so scanning the
same folder twice is idempotent. References are mapped to media_files by path;
a reference to a path the library does not have is kept with media_id NULL (a broken
reference).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from mediatop.model import UsageLocation
from mediatop.store.files import path_ids
from mediatop.store.library_facts import library_changed


def replace_locations(
    conn: sqlite3.Connection, source: str, locations: Sequence[UsageLocation]
) -> None:
    """Replace every usage_locations row from `source` with `locations` (caller's
    transaction), filling media_id from media_path where the caller left it None."""
    ids = path_ids(conn)
    now = int(time.time())
    library_changed(conn)
    conn.execute("DELETE FROM usage_locations WHERE source = ?", (source,))
    conn.executemany(
        "INSERT INTO usage_locations (media_id, media_path, type, location_id, title, url, "
        "usage, element, display_width, sizes, is_lazy, is_responsive, source, seen_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                loc.media_id if loc.media_id is not None else ids.get(loc.media_path, (None,))[0],
                loc.media_path, loc.type, loc.location_id, loc.title, loc.url, loc.usage,
                loc.element, loc.display_width, loc.sizes,
                None if loc.is_lazy is None else int(loc.is_lazy),
                None if loc.is_responsive is None else int(loc.is_responsive),
                source, now,
            )
            for loc in locations
        ],
    )  # fmt: skip


def count_by_source(conn: sqlite3.Connection, source: str) -> tuple[int, int]:
    """(rows, rows that match no file) stored for one source."""
    row = conn.execute(
        "SELECT count(*), count(*) - count(media_id) FROM usage_locations WHERE source = ?",
        (source,),
    ).fetchone()
    return int(row[0]), int(row[1])
