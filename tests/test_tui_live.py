"""The dashboard stays current: start-up scan, folder watch and store watch."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from textual.app import App

from mediatop.analytics.library.lookup import find_file
from mediatop.config import Settings
from mediatop.scan.watch import (
    NOT_UTF8,
    WATCH_LIMIT,
    changed_dirs,
    ignoring,
    rescan_changed,
    store_paths,
    unwatchable,
)
from mediatop.store import connect
from mediatop.tui.messages import DashboardLoaded, FileLoaded
from mediatop.tui.screens import dashboard
from mediatop.tui.widgets.most_used import MostUsed
from mediatop.tui.widgets.optimization import Optimization
from mediatop.tui.widgets.performance_metrics import PerformanceMetrics
from mediatop.tui.widgets.status_line import StatusLine
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import (
    FROZEN_NOW,
    MessageLog,
    build_library,
    dashboard_app,
    image_bytes,
    rendered_text,
    scan,
    scanned_library,
    settings_for,
    static_text,
    wait_for_dashboard,
    wait_for_folder_watch,
    wait_until,
)


def total_files(app: object) -> int | None:
    data = app.screen.query_one(StorageOverview).data  # type: ignore[attr-defined]
    return None if data is None else data.overview.total_files


def watched_library(tmp_path: Path) -> tuple[Path, Settings, App[None]]:
    """A scanned library and a dashboard app on it that watches, not yet running."""
    root, settings = scanned_library(tmp_path)
    return root, settings, dashboard_app(settings, watch=True)


def test_changed_paths_map_to_their_directories_relative_to_the_root(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    paths = [str(root / "2024" / "03" / "a.jpg"), str(root / "top.png"), str(root / "2025")]
    assert changed_dirs(root, paths) == {b"2024/03", b""}
    assert changed_dirs(root, [os.fsdecode(os.fsencode(str(root)) + b"/x/caf\xe9.jpg")]) == {b"x"}


def test_a_new_folder_reported_with_its_parent_is_recorded_once(snapshot_library: Settings) -> None:
    settings = snapshot_library
    root = settings.root
    (root / "2027" / "01").mkdir(parents=True)
    (root / "2027" / "01" / "new.png").write_bytes(image_bytes(10, 10, "PNG", (1, 1, 1)))
    # What watchfiles reports for `mkdir -p 2027/01 && cp x 2027/01/`: all three folders.
    rescan_changed(settings.db_path, root, {b"", b"2027", b"2027/01"})
    conn = connect(settings.db_path, readonly=True)
    try:
        found = find_file(conn, b"2027/01/new.png")
    finally:
        conn.close()
    assert found.probe.width == 10 and found.deleted_at is None


async def test_start_up_scan_fills_an_empty_store(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    app = dashboard_app(settings_for(tmp_path, root), scan_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: total_files(app) == 7, timeout=10)
        status = app.screen.query_one(StatusLine)
        await wait_until(
            pilot, lambda: "Scanned 7 files (7 new" in static_text(app.screen, "#status")
        )
        assert not status.has_class("-error")


async def test_start_up_scan_of_a_stored_library_shows_what_changed_while_closed(
    tmp_path: Path,
) -> None:
    root, settings = scanned_library(tmp_path)
    (root / "added-while-closed.png").write_bytes(image_bytes(12, 12, "PNG", (5, 5, 5)))
    app = dashboard_app(settings, scan_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: total_files(app) == 8, timeout=10)
        await wait_until(
            pilot, lambda: "Scanned 8 files (1 new" in static_text(app.screen, "#status")
        )


async def test_overview_follows_a_file_added_and_removed_through_the_watch(
    tmp_path: Path,
) -> None:
    root, _, app = watched_library(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert total_files(app) == 7
        await wait_for_folder_watch(pilot)
        # A new month folder: the parent and the new folders all change at once.
        added = root / "2027" / "01" / "new-upload.png"
        added.parent.mkdir(parents=True, exist_ok=True)
        added.write_bytes(image_bytes(64, 64, "PNG", (1, 2, 3)))
        await wait_until(pilot, lambda: total_files(app) == 8)

        (root / "2024" / "05" / "logo.png").unlink()
        await wait_until(pilot, lambda: total_files(app) == 7)
        # Seen by the watch: the folder was never polled.
        assert "Watching the folder" in static_text(app.screen, "#status")
        # The status line says so, rather than the start-up scan's "no changes".
        status = app.screen.query_one(StatusLine)
        await wait_until(pilot, lambda: "1 removed" in rendered_text(status.content))
        assert "Changes at 12:00:00 UTC: 1 removed." in rendered_text(status.content)
    assert app.return_code in (None, 0)


async def test_names_that_are_not_utf8_are_followed_and_the_watch_goes_on(
    tmp_path: Path,
) -> None:
    # watchfiles cannot name such a path: it drops the whole batch and its watch ends.
    root, _, app = watched_library(tmp_path)
    root_bytes = os.fsencode(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        status = app.screen.query_one(StatusLine)
        with open(root_bytes + b"/2024/05/caf\xe9-\xff.png", "wb") as handle:
            handle.write(image_bytes(16, 16, "PNG", (3, 2, 1)))
        await wait_until(pilot, lambda: total_files(app) == 8, timeout=3)
        os.makedirs(root_bytes + b"/dir-\xfe")
        with open(root_bytes + b"/dir-\xfe/inside.png", "wb") as handle:
            handle.write(image_bytes(16, 16, "PNG", (1, 2, 3)))
        await wait_until(pilot, lambda: total_files(app) == 9, timeout=3)
        # No watch holds on a tree with such a folder: it is compared every few seconds.
        await wait_until(
            pilot,
            lambda: "Polling the folder (" in static_text(app.screen, "#status"),
        )
        (root / "plain.png").write_bytes(image_bytes(10, 10, "PNG", (2, 2, 2)))
        await wait_until(pilot, lambda: total_files(app) == 10, timeout=4)
        watches = app.screen.folder_watches_started
        shutil.rmtree(root_bytes + b"/dir-\xfe")
        await wait_until(pilot, lambda: total_files(app) == 9, timeout=4)
        await wait_until(pilot, lambda: "Watching the folder" in static_text(app.screen, "#status"))
        await wait_for_folder_watch(pilot, after=watches)
        (root / "again.png").write_bytes(image_bytes(10, 10, "PNG", (4, 4, 4)))
        await wait_until(pilot, lambda: total_files(app) == 10, timeout=2)  # watched again
        assert not status.has_class("-error")
    assert app.return_code in (None, 0)


async def test_a_media_folder_whose_own_name_is_not_utf8_is_polled(tmp_path: Path) -> None:
    _, settings = scanned_library(
        tmp_path, Path(os.fsdecode(os.fsencode(tmp_path) + b"/up-caf\xe9"))
    )
    root = settings.root
    app = dashboard_app(settings, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        status = app.screen.query_one(StatusLine)
        await wait_until(
            pilot,
            lambda: "Polling the folder (" in static_text(app.screen, "#status"),
        )
        (root / "new.png").write_bytes(image_bytes(10, 10, "PNG", (2, 2, 2)))
        await wait_until(pilot, lambda: total_files(app) == 8, timeout=4)
        assert not status.has_class("-error")
    assert app.return_code in (None, 0)


async def test_a_media_folder_removed_is_shown_and_followed_when_it_comes_back(
    tmp_path: Path,
) -> None:
    root, _, app = watched_library(tmp_path)
    log = MessageLog()
    async with app.run_test(size=(120, 40), message_hook=log.record) as pilot:
        await wait_for_dashboard(pilot)
        watches = await wait_for_folder_watch(pilot)
        status = app.screen.query_one(StatusLine)
        shutil.rmtree(root)
        await wait_until(pilot, lambda: total_files(app) == 0)
        await wait_until(pilot, lambda: "is gone" in static_text(app.screen, "#status"))
        # A reload landing after the warning must not clear it.
        since = log.mark()
        await pilot.press("r")
        await log.wait_for(pilot, DashboardLoaded, since)
        assert status.has_class("-error") and "is gone" in static_text(app.screen, "#status")

        root.mkdir()
        (root / "back.png").write_bytes(image_bytes(10, 10, "PNG", (1, 1, 1)))
        await wait_until(pilot, lambda: total_files(app) == 1, timeout=5)
        await wait_until(pilot, lambda: not status.has_class("-error"))
        assert "Watching the folder" in static_text(app.screen, "#status")
        await wait_for_folder_watch(pilot, after=watches)  # a new watch, of the new folder
        (root / "2026").mkdir()
        (root / "2026" / "more.png").write_bytes(image_bytes(10, 10, "PNG", (2, 2, 2)))
        await wait_until(pilot, lambda: total_files(app) == 2, timeout=3)  # watched again
    assert app.return_code in (None, 0)


async def test_events_written_by_another_connection_appear_live(tmp_path: Path) -> None:
    from mediatop.ingest.logs.logfile import ingest_logs

    _, settings, app = watched_library(tmp_path)
    log = tmp_path / "access.log"
    stamp = FROZEN_NOW.strftime("%d/%b/%Y:%H:%M:%S +0000")
    log.write_text(
        "".join(
            f'203.0.113.{i} - - [{stamp}] "GET /uploads/2024/05/logo.png HTTP/1.1" 200 512 '
            f'"-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
            for i in range(1, 4)
        )
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        most_used = app.screen.query_one(MostUsed)
        assert most_used.border_title == "Largest Files"
        conn = connect(settings.db_path)  # as `mediatop ingest` in another process would
        try:
            ingest_logs(conn, [log], url_prefixes=settings.url_prefixes)
        finally:
            conn.close()
        await wait_until(pilot, lambda: most_used.border_title == "Most Used Media", timeout=3)
        data = most_used.data
        assert data is not None and data.most_used[0].path == b"2024/05/logo.png"
        assert data.most_used[0].uses == 3


def store_with_one_file_more(tmp_path: Path, root: Path) -> Path:
    """A store of the library at `root` with one image more than its tree (8 files), scanned
    apart into tmp_path/valid: what is copied back over a store that was broken."""
    late = root / "late.png"
    late.write_bytes(image_bytes(12, 12, "PNG", (5, 5, 5)))
    (tmp_path / "valid").mkdir()
    valid = settings_for(tmp_path / "valid", root)
    scan(valid)
    late.unlink()
    return valid.db_path


def boxes_faded(app: App[None]) -> bool:
    boxes = (StorageOverview, MostUsed, PerformanceMetrics, Optimization)
    return all(app.screen.query_one(box).opacity < 1 for box in boxes)


async def test_the_store_watch_picks_up_a_store_copied_back_after_it_could_not_be_read(
    tmp_path: Path,
) -> None:
    root, settings, app = watched_library(tmp_path)
    valid = store_with_one_file_more(tmp_path, root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert total_files(app) == 7 and not boxes_faded(app)
        status = app.screen.query_one(StatusLine)
        settings.db_path.write_bytes(b"not a store\n" * 1000)
        await wait_until(
            pilot, lambda: "The store cannot be read" in static_text(app.screen, "#status")
        )
        assert status.has_class("-error")
        assert "Watching" not in static_text(app.screen, "#status")
        assert total_files(app) == 7 and boxes_faded(app)  # the last figures, marked stale

        shutil.copyfile(valid, settings.db_path)
        # No r: the watch, started again, loads the figures it could not read.
        await wait_until(pilot, lambda: total_files(app) == 8, timeout=15)
        await wait_until(pilot, lambda: not status.has_class("-error"))
        assert "Watching the folder and the store." in static_text(app.screen, "#status")
        assert not boxes_faded(app)
    assert app.return_code in (None, 0)


async def test_a_failed_reload_marks_the_figures_stale_until_one_succeeds(
    tmp_path: Path,
) -> None:
    root, settings = scanned_library(tmp_path)
    valid = store_with_one_file_more(tmp_path, root)
    app = dashboard_app(settings)  # no watch: only r reloads
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        status = app.screen.query_one(StatusLine)
        settings.db_path.write_bytes(b"not a store\n" * 1000)
        await pilot.press("r")
        await wait_until(pilot, lambda: status.has_class("-error"))
        assert "Loading the dashboard failed" in static_text(app.screen, "#status")
        assert total_files(app) == 7 and boxes_faded(app)

        shutil.copyfile(valid, settings.db_path)
        await pilot.press("r")
        await wait_until(pilot, lambda: total_files(app) == 8)
        assert not status.has_class("-error") and not boxes_faded(app)
    assert app.return_code in (None, 0)


async def test_quitting_with_watchers_running_is_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quit waits for the watchers to release what they hold, at most this long; set
    # beyond the test's own guard, a watcher that does not end when the quit asks (the
    # stop event, its worker cancelled) fails the test instead of being abandoned.
    monkeypatch.setattr(dashboard, "WATCHER_STOP_TIMEOUT_S", 600.0)
    _, _, app = watched_library(tmp_path)

    async def run_and_quit() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for_dashboard(pilot)
            await wait_for_folder_watch(pilot)
            await pilot.press("q")

    await asyncio.wait_for(run_and_quit(), timeout=60)
    assert app.return_code == 0


def test_the_folder_watch_ignores_the_store_when_it_lies_inside_the_root(tmp_path: Path) -> None:
    from watchfiles import Change

    root = tmp_path / "uploads"
    root.mkdir()
    keep = ignoring(store_paths(root / "mediatop.sqlite3"))
    assert not keep(Change.modified, str(root / "mediatop.sqlite3-wal"))
    assert not keep(Change.added, str(root / "mediatop.sqlite3"))
    assert keep(Change.added, str(root / "photo.jpg"))
    assert keep(Change.added, str(root / "mediatop.sqlite3.jpg"))


def _first_watch_error(root: Path) -> BaseException:
    """What a real watchfiles watch of `root` raises as it starts."""
    from watchfiles import watch

    try:
        for _ in watch(root, rust_timeout=2000, yield_on_timeout=True):
            break
    except Exception as exc:
        return exc
    raise AssertionError("the watch started")


def test_what_the_watch_cannot_follow_is_told_apart_from_other_failures(tmp_path: Path) -> None:
    os.makedirs(os.fsencode(tmp_path) + b"/tree/caf\xe9")
    undecodable = _first_watch_error(tmp_path / "tree")
    root_not_utf8 = _first_watch_error(Path(os.fsdecode(os.fsencode(tmp_path) + b"/tree/caf\xe9")))
    assert unwatchable(undecodable) == NOT_UTF8
    assert unwatchable(root_not_utf8) == NOT_UTF8
    assert unwatchable(ExceptionGroup("in awatch's task group", [undecodable])) == NOT_UTF8
    # As watchfiles words the OS limit (seen with fs.inotify.max_user_watches lowered).
    limit = OSError(
        'OS file watch limit reached. about ["/srv/uploads/2024/01"] '
        '(Error { kind: MaxFilesWatch, paths: ["/srv/uploads/2024/01"] })'
    )
    assert unwatchable(limit) == WATCH_LIMIT
    assert unwatchable(OSError("No space left on device")) is None
    assert unwatchable(ExceptionGroup("mixed", [undecodable, ValueError("x")])) is None


async def test_an_open_file_screen_follows_its_file_being_removed(tmp_path: Path) -> None:
    root, _settings, app = watched_library(tmp_path)
    log = MessageLog()
    async with app.run_test(size=(120, 40), message_hook=log.record) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        await pilot.press("enter")  # the largest file, first in the table
        await wait_until(pilot, lambda: "Path" in static_text(app.screen, "#file-facts"))
        facts = static_text(app.screen, "#file-facts")
        assert "Removed" not in facts
        (root / "2024" / "03" / "hero-banner.jpg").unlink()
        await wait_until(
            pilot, lambda: "Removed" in static_text(app.screen, "#file-facts"), timeout=5
        )
        since = log.mark()
        await pilot.press("r")  # refreshing by hand keeps it so
        await log.wait_for(pilot, FileLoaded, since)
        assert "Removed" in static_text(app.screen, "#file-facts")


async def test_a_month_folder_moved_out_of_the_root_takes_its_files_off_the_totals(
    tmp_path: Path,
) -> None:
    root, _, app = watched_library(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert total_files(app) == 7
        await wait_for_folder_watch(pilot)
        # One rename: the watch sees only the root change, not the three files below 2025.
        (root / "2025").rename(tmp_path / "2025-archived")
        await wait_until(pilot, lambda: total_files(app) == 4, timeout=5)
    assert app.return_code in (None, 0)


async def test_a_media_folder_moved_away_and_made_again_empty_shows_no_files(
    tmp_path: Path,
) -> None:
    root, _, app = watched_library(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        root.rename(tmp_path / "uploads-old")
        await wait_until(pilot, lambda: "is gone" in static_text(app.screen, "#status"))
        assert total_files(app) == 7  # the last scan's, while it is gone
        root.mkdir()
        await wait_until(pilot, lambda: total_files(app) == 0, timeout=5)
    assert app.return_code in (None, 0)
