"""Measurement is a source step: reports read what is stored and write nothing.

Hashes and image savings are measured by `mediatop.measure` before a report (the
library surface runs the step); the duplicates and images reports only read them, so a
report run on its own leaves the store exactly as it found it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from analytics_types_support import NOW as EVENTS_NOW
from analytics_types_support import context, photo, save_image, scan, usage, views
from mediatop.analytics.duplicates.report import duplicates_report
from mediatop.analytics.images.report import images_report
from mediatop.cli import main
from mediatop.library import MediaLibrary
from mediatop.measure.for_reports import measure_before
from mediatop.model import MeasuredNow
from mediatop.store import connect
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


def test_the_pending_count_is_what_the_measurement_step_left(empty_store) -> None:
    conn, settings = empty_store
    _two_copies(settings)
    (settings.root / "z.txt").write_text("dup")
    scan(conn, settings.root)
    (settings.root / "z.txt").unlink()  # gone since the scan: it cannot be read
    library = MediaLibrary(settings)

    report = library.report("duplicates", parse_range("all", now=NOW), {"phash": "cached"})

    # three files of 3 bytes to hash: x and y hashed now, z unreadable and still pending
    assert (report.hashed_now, report.unreadable_files) == (2, 1)
    assert report.pending_content_hashes == 1
    # as counted afresh from the store
    assert duplicates_report(context(conn, settings)).pending_content_hashes == 1


def test_the_cli_shows_what_the_measurement_step_did(empty_store, capsys) -> None:
    conn, settings = empty_store
    _two_copies(settings)
    scan(conn, settings.root)
    args = ["report", "duplicates", str(settings.root), "--db", str(settings.store), "--json"]

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


def _modules_loaded_by(statement: str, prefix: str) -> list[str]:
    """The modules named `prefix...` that a fresh interpreter has loaded after `statement`."""
    listing = f"print(*sorted(m for m in sys.modules if m.startswith({prefix!r})))"
    code = f"import sys; {statement}; {listing}"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return run.stdout.split()


def test_the_measure_step_loads_no_analytics() -> None:
    # sources and analytics are independent: measuring needs the encode plan and the
    # store's rows, never a report module
    statement = (
        "import mediatop.measure.for_reports, mediatop.measure.savings, mediatop.measure.hashing"
    )
    assert _modules_loaded_by(statement, "mediatop.analytics") == []


def test_the_encode_plan_is_a_leaf() -> None:
    # the rules on an image's facts read no store, no file and no settings
    loaded = _modules_loaded_by("import mediatop.encode_plan", "mediatop")
    assert set(loaded) <= {"mediatop", "mediatop.encode_plan", "mediatop.model", "mediatop.kinds"}


def test_the_step_takes_a_read_connection_settings_options_and_the_clock(empty_store) -> None:
    conn, settings = empty_store
    _two_copies(settings)  # x.txt and y.txt: "dup", 3 bytes each
    save_image(settings.root, "logo.png", photo(64, 48))
    scan(conn, settings.root)
    reader = connect(settings.store, readonly=True)
    try:
        hashed = measure_before("duplicates", reader, settings, {"phash": "cached"}, NOW)
        saved = measure_before("images", reader, settings, {"measure": "all"}, NOW)
        nothing = measure_before("usage", reader, settings, {}, NOW)
    finally:
        reader.close()

    # two files share the size 3: both are content-hashed (phash=cached hashes no
    # image), none left to hash
    assert hashed == MeasuredNow(content_hashed=2, pending_content_hashes=0)
    # a PNG shown at no known width has one planned re-encoding, lossless WebP: 1 measured
    assert saved == MeasuredNow(savings_measured=1)
    assert conn.execute("SELECT target FROM savings_cache").fetchall() == [("webp",)]
    # the usage report shows nothing measured: the step does nothing for it
    assert nothing == MeasuredNow()


def _measured_paths(conn) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT f.path FROM savings_cache c JOIN media_files f ON f.id = c.media_id "
        "ORDER BY f.path"
    )
    return [bytes(path).decode() for (path,) in rows]


def test_each_run_measures_the_most_requested_left_and_new_images_join(empty_store) -> None:
    conn, settings = empty_store
    for name in ("a.png", "b.png", "c.png"):
        save_image(settings.root, name, photo(64, 48))
    scan(conn, settings.root)
    ids = dict((bytes(p).decode(), i) for i, p in conn.execute("SELECT id, path FROM media_files"))
    usage(conn, views(ids["b.png"], 3) + views(ids["c.png"], 2))  # b 3 views, c 2, a none

    def measure_one() -> MeasuredNow:
        reader = connect(settings.store, readonly=True)
        try:
            return measure_before("images", reader, settings, {"measure": "1"}, EVENTS_NOW)
        finally:
            reader.close()

    # one a run, the most requested first: b (3), then c (2), then a (0)
    assert measure_one() == MeasuredNow(savings_measured=1)
    assert _measured_paths(conn) == ["b.png"]
    assert measure_one() == MeasuredNow(savings_measured=1)
    assert _measured_paths(conn) == ["b.png", "c.png"]
    # an image added since (the library changed) is found, and outranks a by its 5 views
    save_image(settings.root, "d.png", photo(64, 48, seed=2))
    scan(conn, settings.root)
    (d_id,) = conn.execute("SELECT id FROM media_files WHERE path = ?", (b"d.png",)).fetchone()
    usage(conn, views(d_id, 5))
    assert measure_one() == MeasuredNow(savings_measured=1)
    assert _measured_paths(conn) == ["b.png", "c.png", "d.png"]
    assert measure_one() == MeasuredNow(savings_measured=1)
    # all four measured: nothing is left, the next run measures nothing
    assert _measured_paths(conn) == ["a.png", "b.png", "c.png", "d.png"]
    assert measure_one() == MeasuredNow()
