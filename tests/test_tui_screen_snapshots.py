"""SVG snapshots of every subject screen, the list of a page's files, a file screen with
its places and copies, and the help of a list screen at 120×40, and of a list screen at
80×24: fixed data (`screens_library`) and a frozen clock, no watchers."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.file_detail import FileDetailScreen, LinksTable
from mediatop.tui.screens.help import HelpScreen
from tui_fixtures import dashboard_app, wait_for_dashboard, wait_until
from tui_screen_fixtures import open_subject, screens_library, wait_for_list

SIZE = (120, 40)


@pytest.fixture
def screens_app(tmp_path: Path) -> MediatopApp:
    settings: Settings = screens_library(tmp_path)
    return dashboard_app(settings, export_dir=tmp_path)


def showing(key: str, *more: str) -> object:
    """A run_before that opens the subject screen of `key`, then presses `more`."""

    async def run_before(pilot: Pilot) -> None:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, key)
        if more:
            await pilot.press(*more)
            await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    "key", ["1", "2", "3", "4", "5", "6", "7", "8", "o"], ids=lambda key: f"key-{key}"
)
def test_subject_screen_snapshot(screens_app: MediatopApp, snap_compare: object, key: str) -> None:
    assert snap_compare(screens_app, terminal_size=SIZE, run_before=showing(key))  # type: ignore[operator]


def test_list_screen_on_an_80_column_terminal_snapshot(
    screens_app: MediatopApp, snap_compare: object
) -> None:
    assert snap_compare(screens_app, terminal_size=(80, 24), run_before=showing("o"))  # type: ignore[operator]


def test_filtered_sorted_list_snapshot(screens_app: MediatopApp, snap_compare: object) -> None:
    # Images' most viewed list, filtered on "o" and sorted by name, ascending.
    run_before = showing("1", "l", "l", "l", "slash", "o", "enter", "s", "S")
    assert snap_compare(screens_app, terminal_size=SIZE, run_before=run_before)  # type: ignore[operator]


async def _file_with_places(pilot: Pilot) -> None:
    await wait_for_dashboard(pilot)
    await open_subject(pilot, "1")
    await pilot.press("l", "l", "l", "enter")  # the most viewed: hero-banner.jpg
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FileDetailScreen))
    screen = pilot.app.screen
    await wait_until(pilot, lambda: getattr(screen, "detail", None) is not None)
    await wait_until(pilot, lambda: screen.query_one(LinksTable).row_count == 2)
    await pilot.pause()


def test_file_screen_with_places_snapshot(screens_app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(screens_app, terminal_size=SIZE, run_before=_file_with_places)  # type: ignore[operator]


async def _page_files(pilot: Pilot) -> None:
    await _file_with_places(pilot)
    await pilot.press("enter")  # the first place
    await wait_for_list(pilot)


def test_page_files_snapshot(screens_app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(screens_app, terminal_size=SIZE, run_before=_page_files)  # type: ignore[operator]


async def _list_help(pilot: Pilot) -> None:
    await wait_for_dashboard(pilot)
    await open_subject(pilot, "1")
    await pilot.press("l", "l", "l")  # the most viewed: rows, so every list key acts
    await pilot.press("question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    await pilot.pause()


def test_list_screen_help_snapshot(screens_app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(screens_app, terminal_size=SIZE, run_before=_list_help)  # type: ignore[operator]
