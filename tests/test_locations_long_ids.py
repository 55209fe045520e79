"""A usage-locations export row, or a page of a scanned content folder, whose location id
is longer than MAX_LOCATION_ID is one error on either store, and the others are stored:
on PostgreSQL, whose index entries hold at most 2704 bytes, such a row failed the whole
import, and such a page the whole scan."""

from __future__ import annotations

import json
import random
import sqlite3
import string
from pathlib import Path

from mediatop.ingest.locations.importer import import_locations, scan_locations

# 3,000 letters that PostgreSQL cannot compress below its index's 2704 bytes
LONG = "".join(random.Random(5).choices(string.ascii_letters, k=3000))


def test_a_location_id_too_long_to_store_is_one_bad_row(
    tmp_path: Path, hero_library: sqlite3.Connection
) -> None:
    conn = hero_library
    export = tmp_path / "export.csv"
    export.write_text(
        "media,type,location_id,title\n"
        f"hero.jpg,page,12,Home\nhero.jpg,page,{LONG},Shop\nhero.jpg,post,{LONG[:400]},News\n"
    )
    report = import_locations(conn, export, url_prefixes=("/uploads/",))
    stored = conn.execute("SELECT title FROM usage_locations ORDER BY title").fetchall()
    assert [row[0] for row in stored] == ["Home", "News"]
    assert report.errors == (("line 3", "location_id is longer than 400 characters"),)


def test_a_page_whose_id_is_too_long_to_store_is_one_error(
    tmp_path: Path, hero_library: sqlite3.Connection
) -> None:
    conn = hero_library
    content = tmp_path / "content"
    content.mkdir()
    img = '<img src="/uploads/hero.jpg">'
    pages = [{"id": LONG, "content": img}, {"id": 5, "content": img}]
    (content / "export.json").write_text(json.dumps(pages))
    report = scan_locations(conn, content, url_prefixes=("/uploads/",))
    stored = conn.execute("SELECT location_id FROM usage_locations").fetchall()
    assert [row[0] for row in stored] == ["export.json#5"]
    assert report.errors == (
        ("export.json", "a page's id is longer than 400 characters with the path"),
    )
