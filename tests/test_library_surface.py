"""The library surface: what every face uses, on a real tree and a real store file.

Each face opens a `MediaLibrary` and gets back dataclasses, and failures as
`MediatopError` subclasses carrying the message the CLI prints.
"""

from __future__ import annotations

import gzip
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mediatop.config import Settings
from mediatop.errors import (
    InputError,
    MediatopError,
    NotScannedError,
    ReportError,
    SourceReadError,
    StoreReadOnlyError,
)
from mediatop.library import MediaLibrary
from mediatop.timerange import parse_range

NOW = datetime(2024, 10, 12, tzinfo=UTC)
LINE = (
    '198.51.100.1 - - [10/Oct/2024:13:55:36 +0000] "GET /uploads/a.jpg HTTP/1.1" 200 10 '
    '"-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
)


def _library(tmp_path: Path) -> MediaLibrary:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"a" * 100)
    (root / "b.png").write_bytes(b"b" * 50)
    return MediaLibrary(Settings(root=root, db_path=tmp_path / "store.sqlite3"))


def test_a_face_scans_ingests_records_and_reports_through_the_library(tmp_path: Path) -> None:
    with _library(tmp_path) as library:
        summary = library.scan(probe=False)
        assert (summary.new, summary.files_present) == (2, 2)  # a.jpg and b.png
        log = tmp_path / "access.log"
        log.write_text(LINE * 3 + "junk\n")
        tally = library.ingest_log([log])
        # 4 lines: the 3 requests for a.jpg are accepted, "junk" is malformed
        assert (tally.lines, tally.accepted, dict(tally.malformed)) == (4, 3, {"unparsable": 1})
        event = library.record_event({"media": "b.png", "eventType": "share"})
        assert event.event_type == "share"
        overview = library.report("overview", parse_range("all", now=NOW), now=NOW)
        # 100 B + 50 B
        assert (overview.total_files, overview.total_size) == (2, 150)
        data = library.report_data("overview", parse_range("all", now=NOW), now=NOW)
        assert (data["totalFiles"], data["totalSize"]) == (2, 150)
        assert library.find_file("a.jpg").size == 100


def test_reports_run_from_a_worker_thread(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.scan(probe=False)
    with ThreadPoolExecutor(2) as pool:
        reports = list(
            pool.map(
                lambda _: library.report("overview", parse_range("all", now=NOW), now=NOW),
                range(2),
            )
        )
    assert [r.total_files for r in reports] == [2, 2]


def test_events_into_a_root_never_scanned_are_refused_creating_no_store(tmp_path: Path) -> None:
    library = _library(tmp_path)
    with pytest.raises(NotScannedError):
        library.record_event({"media": "a.jpg", "eventType": "view"})
    assert not library.settings.db_path.exists()


def test_a_damaged_gzip_log_is_a_mediatop_error_with_the_cli_message(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.scan(probe=False)
    damaged = tmp_path / "access.log.gz"
    damaged.write_bytes(gzip.compress(LINE.encode() * 50)[:-20])  # the end cut off
    with pytest.raises(SourceReadError) as caught:
        library.ingest_log([damaged])
    assert str(caught.value).startswith(f"cannot read log {damaged}: ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("name", "what", "shown"),
    [
        ("cms\x1b[2J.csv", "export file", "cms\\x1b[2J.csv"),
        ("ev\x1b[2J.jsonl", "events file", "ev\\x1b[2J.jsonl"),
    ],
)
def test_a_source_that_cannot_be_read_is_named_as_plain_text_as_a_log_is(
    tmp_path: Path, name: str, what: str, shown: str
) -> None:
    library = _library(tmp_path)
    library.scan(probe=False)
    # /proc/self/mem is a regular file whose first bytes no one may read, root included
    source = tmp_path / name
    source.symlink_to("/proc/self/mem")
    with pytest.raises(SourceReadError) as caught:
        if what == "export file":
            library.import_locations(source)
        else:
            library.import_events(source)
    assert str(caught.value) == f"cannot read {what} {tmp_path}/{shown}: Input/output error"


def test_an_unknown_file_or_report_is_a_mediatop_error(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.scan(probe=False)
    with pytest.raises(ReportError, match=r"^no file 'nope\.jpg' in the store$"):
        library.find_file("nope.jpg")
    with pytest.raises(ReportError, match=r"^no file '999' in the store$"):
        library.report("file", parse_range("all", now=NOW), {"file": "999"}, now=NOW)
    with pytest.raises(InputError, match=r"^unknown report 'nope'"):
        library.report("nope", parse_range("all", now=NOW))


def test_a_read_only_library_records_nothing_and_creates_no_store(tmp_path: Path) -> None:
    library = MediaLibrary(_library(tmp_path).settings, readonly=True)
    with pytest.raises(StoreReadOnlyError):
        library.scan(probe=False)
    with pytest.raises(StoreReadOnlyError):
        library.scan_locations(tmp_path)
    assert not library.settings.db_path.exists()


def test_a_closed_library_refuses_to_work(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.close()
    with pytest.raises(MediatopError):
        library.scan(probe=False)
