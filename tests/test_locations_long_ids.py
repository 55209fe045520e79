"""A usage-locations export row whose location_id is longer than MAX_LOCATION_ID is one
bad row on either store, and the other rows are stored: on PostgreSQL, whose index
entries hold at most 2704 bytes, such a row failed the whole import."""

from __future__ import annotations

import random
import string
from pathlib import Path

from mediatop.ingest.locations.importer import import_locations
from mediatop.scan import scan_root
from mediatop.store import connect

# 3,000 letters that PostgreSQL cannot compress below its index's 2704 bytes
LONG = "".join(random.Random(5).choices(string.ascii_letters, k=3000))


def test_a_location_id_too_long_to_store_is_one_bad_row(tmp_path: Path, store_url: str) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "hero.jpg").write_bytes(b"x")
    conn = connect(store_url)
    scan_root(conn, root, probe=False)
    export = tmp_path / "export.csv"
    export.write_text(
        "media,type,location_id,title\n"
        f"hero.jpg,page,12,Home\nhero.jpg,page,{LONG},Shop\nhero.jpg,post,{LONG[:200]},News\n"
    )
    report = import_locations(conn, export, url_prefixes=("/uploads/",))
    stored = conn.execute("SELECT title FROM usage_locations ORDER BY title").fetchall()
    conn.close()
    assert [row[0] for row in stored] == ["Home", "News"]
    assert report.errors == (("line 3", "location_id is longer than 200 characters"),)
