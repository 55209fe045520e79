"""The library surface's live side, as the dashboard uses it: the figures of its boxes
and of a file's screen, rescans of changed folders, the images left to measure and
their measuring, the two watchers; and the TUI holding one library for all of it.

Real files in tmp_path, a real store; every expected figure is worked out from the
input written here (tui_fixtures' snapshot library and access log).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediatop.config import Settings
from mediatop.errors import MediatopError, ReportError
from mediatop.library import MediaLibrary
from mediatop.library_types import FolderChanged, ScanSummary, StoreChanged, WatchHeld
from mediatop.timerange import parse_range
from mediatop.tui.app import MediatopApp
from tui_fixtures import FROZEN_NOW, HERO, image_bytes, wait_for_dashboard, write_access_log

LAST_30_DAYS = parse_range("30d", now=FROZEN_NOW)


def library_with_traffic(settings: Settings, tmp_path: Path) -> MediaLibrary:
    library = MediaLibrary(settings)
    library.ingest_log([write_access_log(tmp_path / "access.log")])
    return library


def disk_sizes(root: Path) -> dict[bytes, int]:
    """Every file under `root` (relative path -> size), from the file system itself."""
    found = {}
    for folder, _dirs, files in os.walk(os.fsencode(root)):
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, os.fsencode(root))] = os.path.getsize(path)
    return found


def test_dashboard_lists_the_most_used_files_by_score(
    snapshot_library: Settings, tmp_path: Path
) -> None:
    snapshot = library_with_traffic(snapshot_library, tmp_path).dashboard(
        LAST_30_DAYS, now=FROZEN_NOW
    )
    # The log (tui_fixtures.write_access_log) asks, in the week before now, each time
    # from another visitor: logo.png 9, hero-banner.jpg 5, brochure.pdf 3, jingle.wav
    # 2, team.webp 1. Images and audio: one view a request; the PDF: one download a
    # visitor. Score = views + 2×downloads: logo 9, brochure 2×3 = 6, hero 5, jingle
    # 2, team 1; the uses shown are views + downloads.
    listed = [(f.file.path, f.uses) for f in snapshot.files]
    assert listed == [
        (b"2024/05/logo.png", 9),
        (b"2025/02/brochure.pdf", 3),
        (HERO, 5),
        (b"2025/02/jingle.wav", 2),
        (b"2025/01/team.webp", 1),
    ]
    assert snapshot.has_events and not snapshot.files_are_largest
    assert snapshot.performance is not None and snapshot.performance_error == ""
    assert snapshot.optimization is not None and snapshot.optimization_error == ""
    # The snapshot library holds 7 files.
    assert snapshot.overview.total_files == 7


def test_dashboard_lists_the_largest_files_when_nothing_is_used(
    snapshot_library: Settings,
) -> None:
    snapshot = MediaLibrary(snapshot_library).dashboard(LAST_30_DAYS, now=FROZEN_NOW)
    sizes = disk_sizes(snapshot_library.root)
    largest_first = sorted(sizes, key=lambda path: -sizes[path])
    assert snapshot.files_are_largest and not snapshot.has_events
    assert [f.file.path for f in snapshot.files] == largest_first
    assert all(f.uses is None for f in snapshot.files)


def test_file_detail_reads_one_file_and_refuses_an_unknown_id(
    snapshot_library: Settings, tmp_path: Path
) -> None:
    library = library_with_traffic(snapshot_library, tmp_path)
    logo = library.find_file("2024/05/logo.png")
    detail = library.file_detail(logo.id, LAST_30_DAYS, now=FROZEN_NOW)
    assert detail.file == logo
    # 9 requests for the logo in the log, each a view.
    assert sum(day.views for day in detail.report.traffic) == 9
    with pytest.raises(ReportError) as raised:
        library.file_detail(10_000, LAST_30_DAYS, now=FROZEN_NOW)
    assert "\n" not in str(raised.value) and str(raised.value)


def test_rescan_records_a_new_file_in_a_changed_folder(snapshot_library: Settings) -> None:
    library = MediaLibrary(snapshot_library)
    (snapshot_library.root / "2026" / "03" / "new.png").write_bytes(
        image_bytes(64, 64, "PNG", (1, 2, 3))
    )
    recorded: list[bool] = []
    summary = library.rescan({b"2026/03"}, on_recorded=lambda: recorded.append(True))
    assert isinstance(summary, ScanSummary)
    # One file added to a folder that held spring.gif alone; nothing else changed.
    assert (summary.new, summary.changed, summary.deleted) == (1, 0, 0)
    assert recorded == [True]
    snapshot = library.dashboard(LAST_30_DAYS, now=FROZEN_NOW)
    assert snapshot.overview.total_files == 8  # 7 + new.png


def test_images_left_to_measure_go_largest_first_until_measured(
    snapshot_library: Settings,
) -> None:
    library = MediaLibrary(snapshot_library)
    pending = library.images_to_measure()
    # Images with a planned re-encoding: the two hero-banner JPEGs, logo.png,
    # team.webp and spring.gif (brochure.pdf and jingle.wav are no images).
    paths = {library.find_file(i).path: i for i in pending}
    assert set(paths) == {
        HERO, b"2024/03/hero-banner-300x169.jpg", b"2024/05/logo.png",
        b"2025/01/team.webp", b"2026/03/spring.gif",
    }  # fmt: skip
    sizes = disk_sizes(snapshot_library.root)
    assert pending == [paths[p] for p in sorted(paths, key=lambda p: -sizes[p])]
    assert library.measure_savings(pending) > 0
    assert library.images_to_measure() == []


def test_a_closed_library_refuses_to_rescan(snapshot_library: Settings) -> None:
    library = MediaLibrary(snapshot_library)
    library.close()
    with pytest.raises(MediatopError, match="closed"):
        library.rescan(None)


async def test_store_watch_reports_a_commit_from_another_connection(
    snapshot_library: Settings,
) -> None:
    library = MediaLibrary(snapshot_library)
    stop = asyncio.Event()
    seen: list[StoreChanged] = []
    watching = asyncio.create_task(library.watch_store(stop, seen.append))
    await asyncio.sleep(0.2)  # the watch has read the counter it compares against
    await asyncio.to_thread(
        library.record_event, {"media": "2024/05/logo.png", "eventType": "view"}
    )
    async with asyncio.timeout(10):
        while not seen:
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(watching, timeout=5)
    assert len(seen) == 1


async def test_folder_watch_names_the_folder_a_new_file_lands_in(
    snapshot_library: Settings,
) -> None:
    library = MediaLibrary(snapshot_library)
    stop = asyncio.Event()
    events: list[object] = []
    watching = asyncio.create_task(library.watch_folder(stop, events.append))
    async with asyncio.timeout(10):
        while not any(isinstance(e, WatchHeld) for e in events):
            await asyncio.sleep(0.05)
        (snapshot_library.root / "2025" / "01" / "later.png").write_bytes(b"x")
        while not any(isinstance(e, FolderChanged) for e in events):
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(watching, timeout=5)
    changed = [e.dirs for e in events if isinstance(e, FolderChanged)]
    assert changed == [frozenset({b"2025/01"})]


def test_the_surface_leaves_what_it_returns_to_library_types() -> None:
    # the CLI imports the surface and must start fast: no scan or analytics module yet
    code = (
        "import sys, mediatop.library; before = 'mediatop.scan' in sys.modules; "
        "from mediatop.library_types import ScanSummary; print(before, ScanSummary.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "mediatop.scan.scanner"]


async def test_every_screen_uses_the_apps_one_library(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert app.screen.library is app.library  # type: ignore[attr-defined]
        await pilot.press("enter")  # the first file's screen
        await pilot.pause()
        assert type(app.screen).__name__ == "FileDetailScreen"
        assert app.screen.library is app.library  # type: ignore[attr-defined]
