"""Measurement is a source step: reports read what is stored and write nothing.

Hashes and image savings are measured by `mediatop.measure` before a report (the
library surface runs the step); the duplicates and images reports only read them, so a
report run on its own leaves the store exactly as it found it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from analytics_types_support import context, photo, save_image, scan
from mediatop.analytics.duplicates.report import duplicates_report
from mediatop.analytics.images.report import images_report
from mediatop.cli import main
from mediatop.library import MediaLibrary
from mediatop.timerange import parse_range

NOW = datetime(2024, 10, 12, tzinfo=UTC)


def _two_copies(settings) -> None:
    (settings.root / "x.txt").write_text("dup")
    (settings.root / "y.txt").write_text("dup")


def test_the_duplicates_report_hashes_nothing_itself(empty_store) -> None:
    conn, settings = empty_store
    _two_copies(settings)
    scan(conn, settings.root)

    report = duplicates_report(context(conn, settings))  # options default to hash=all

    # x.txt and y.txt share their 3-byte size, but nothing hashed them: no group yet,
    # both still to hash
    assert (report.hashed_now, report.exact_group_count) == (0, 0)
    assert report.pending_content_hashes == 2
    assert conn.execute("SELECT count(content_hash) FROM media_files").fetchone()[0] == 0


def test_the_images_report_measures_no_saving_itself(empty_store) -> None:
    conn, settings = empty_store
    save_image(settings.root, "p.jpg", photo(64, 48), quality=95)
    scan(conn, settings.root)

    report = images_report(context(conn, settings, measure="all"))

    assert report.optimization.measurement.measured_now == 0
    assert conn.execute("SELECT count(*) FROM savings_cache").fetchone()[0] == 0


def test_the_library_measures_before_the_report(empty_store) -> None:
    conn, settings = empty_store
    _two_copies(settings)
    scan(conn, settings.root)
    library = MediaLibrary(settings)

    first = library.report("duplicates", parse_range("all", now=NOW), {"phash": "cached"})
    second = library.report("duplicates", parse_range("all", now=NOW), {"phash": "cached"})

    # the first run hashes x.txt and y.txt (2) and finds them one group; the second
    # finds both hashes stored and hashes nothing
    assert (first.hashed_now, first.exact_group_count, first.pending_content_hashes) == (2, 1, 0)
    assert (second.hashed_now, second.exact_group_count) == (0, 1)


def test_the_cli_shows_what_the_measurement_step_did(empty_store, capsys) -> None:
    conn, settings = empty_store
    _two_copies(settings)
    scan(conn, settings.root)
    args = ["report", "duplicates", str(settings.root), "--db", str(settings.db_path), "--json"]

    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)

    # "dup" twice: 2 hashed now, one exact group wasting the 3 bytes of the copy
    assert (data["hashedNow"], data["exactGroupCount"], data["exactWastedBytes"]) == (2, 1, 3)
    assert data["unreadableFiles"] == 0


def test_measuring_modules_live_outside_analytics() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "mediatop"
    assert not (src / "analytics" / "hashing.py").exists()
    assert not (src / "analytics" / "savings.py").exists()
    assert (src / "measure" / "hashing.py").exists() and (src / "measure" / "savings.py").exists()
