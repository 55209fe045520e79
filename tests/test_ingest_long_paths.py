"""A requested or referenced media path longer than a store holds (store.storable's
MAX_PATH_BYTES; PostgreSQL's btree entries hold at most 2704 bytes) is refused as one
bad line or row on either store, and the rest is stored: on PostgreSQL a scanner's 404
for such a URL failed the whole log's ingest, stored as a miss."""

from __future__ import annotations

import random
import sqlite3
import string
from pathlib import Path

from mediatop.ingest.locations.importer import import_locations
from mediatop.ingest.logs.logfile import ingest_logs

PREFIXES = ("/uploads/",)
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
# 3,000 letters that PostgreSQL cannot compress below its index's 2704 bytes
LONG = "".join(random.Random(7).choices(string.ascii_letters, k=3000))


def _line(path: str, status: int, minute: int) -> str:
    return (
        f'192.0.2.1 - - [10/Oct/2024:10:{minute:02d}:00 +0000] "GET {path} HTTP/1.1" '
        f'{status} 100 "-" "{UA}"\n'
    )


def test_a_404_for_a_path_too_long_to_store_is_one_refused_line(
    tmp_path: Path, hero_library: sqlite3.Connection
) -> None:
    conn = hero_library
    log = tmp_path / "access.log"
    log.write_text(
        _line("/uploads/hero.jpg", 200, 0)
        + _line(f"/uploads/{LONG}.jpg", 404, 1)
        + _line("/uploads/gone.jpg", 404, 2)
        + _line("/uploads/hero.jpg", 200, 3)
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.accepted, tally.misses, tally.malformed) == (2, 1, {"refused_path": 1})
    events = conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
    misses = [bytes(row[0]) for row in conn.execute("SELECT path FROM media_misses")]
    assert (events, misses) == (2, [b"gone.jpg"])


def test_a_location_of_a_path_too_long_to_store_is_one_bad_row(
    tmp_path: Path, hero_library: sqlite3.Connection
) -> None:
    conn = hero_library
    export = tmp_path / "export.csv"
    export.write_text(
        f"media,type,location_id\nhero.jpg,page,12\n{LONG}.jpg,page,13\nhero.jpg,post,14\n"
    )
    report = import_locations(conn, export, url_prefixes=PREFIXES)
    stored = conn.execute("SELECT location_id FROM usage_locations ORDER BY location_id")
    assert [row[0] for row in stored] == ["12", "14"]
    assert report.references == 2
    assert [where for where, _error in report.errors] == ["line 3"]
