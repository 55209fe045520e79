"""Text a content scan reads from a page (a title, a JSON export's id) is stored on either
store even when it holds NUL, which PostgreSQL's text refuses: as the text \\x00."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from mediatop.ingest.locations.importer import scan_locations


def test_a_nul_in_a_content_page_is_stored_visible(
    tmp_path: Path, hero_library: sqlite3.Connection
) -> None:
    """One page's title or id with a NUL failed the whole scan on PostgreSQL."""
    conn = hero_library
    content = tmp_path / "content"
    content.mkdir()
    img = '<img src="/uploads/hero.jpg">'
    (content / "export.json").write_text(json.dumps([{"id": "a\0b", "content": img}]))
    (content / "page.html").write_text(f"<title>Sale\0</title>{img}")
    report = scan_locations(conn, content, url_prefixes=("/uploads/",))
    stored = conn.execute("SELECT location_id, title FROM usage_locations ORDER BY 1").fetchall()
    assert report.errors == ()
    assert [tuple(row) for row in stored] == [
        ("export.json#a\\x00b", None),
        ("page.html", "Sale\\x00"),
    ]
