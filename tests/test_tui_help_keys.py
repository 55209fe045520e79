"""The help (`?`) of every screen offers the keys that act there, and only those: it is
generated from the screen's active bindings, and a screen whose figures do not depend
on the time range offers neither `t` (Range) nor `c` (Compare), nor does its header
name a range."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.actions import parse
from textual.binding import ActiveBinding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.tui.app import MediatopApp
from mediatop.tui.commands import binding_words
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.screens.quarantine import QuarantineScreen
from mediatop.tui.subject_data import RANGES, load_report
from tui_cleanup_support import preview_shown
from tui_fixtures import (
    FROZEN_NOW,
    dashboard_app,
    file_screen_loaded,
    rendered_text,
    wait_for_dashboard,
    wait_until,
)
from tui_screen_fixtures import open_subject, screens_library

SIZE = (120, 40)


async def _subject(pilot: Pilot, key: str) -> None:
    await open_subject(pilot, key)


async def _file(pilot: Pilot) -> None:
    await pilot.press("enter")  # the file under the cursor of the dashboard's table
    await file_screen_loaded(pilot)


async def _preview(pilot: Pilot) -> None:
    await open_subject(pilot, "5")
    await pilot.press("space", "x")  # its one row: team-copy.webp
    await preview_shown(pilot)


async def _quarantine(pilot: Pilot) -> None:
    await open_subject(pilot, "5")
    await pilot.press("u")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
    await pilot.pause()


async def _stay(pilot: Pilot) -> None:
    await pilot.pause()


def _opener(key: str) -> Callable[[Pilot], Awaitable[None]]:
    return lambda pilot: _subject(pilot, key)


# Each screen, how to reach it from the dashboard, and whether `t` and `c` act there
# (worked out from the reports: Optimize ranks savings over the last 30 days whatever
# the range; the cleanup preview and the quarantine show files and plans; only the
# subject screens compare their figures with the period before, but for Insights, whose
# findings each compare the range with the one before already).
SCREENS: dict[str, tuple[Callable[[Pilot], Awaitable[None]], bool, bool]] = {
    "dashboard": (_stay, True, False),
    "images": (_opener("1"), True, True),
    "videos": (_opener("2"), True, True),
    "documents": (_opener("3"), True, True),
    "audio": (_opener("4"), True, True),
    "unused": (_opener("5"), True, True),
    "duplicates": (_opener("6"), True, True),
    "insights": (_opener("7"), True, False),
    "ingest": (_opener("8"), True, True),
    "optimize": (_opener("o"), False, False),
    "file": (_file, True, False),
    "cleanup preview": (_preview, False, False),
    "quarantine": (_quarantine, False, False),
}


@pytest.fixture
def screens_app(tmp_path: Path) -> MediatopApp:
    return dashboard_app(screens_library(tmp_path))


def _help_rows(text: str) -> set[tuple[str, str]]:
    """(key, words) of each line of the help; a group's name has no key before it."""
    found = set()
    for line in text.splitlines():
        row = re.fullmatch(r"\s*(\S+)  (\S.*?)\s*", line)
        if row:
            found.add((row[1], row[2]))
    return found


def _header(screen: Screen[object]) -> str:
    """The header as drawn on `screen`: 'mediatop — uploads — range 30d'."""
    return rendered_text(screen.query_one("Header HeaderTitle", Static).content).strip()


def _acts(app: MediatopApp, screen: Screen[object], active: ActiveBinding) -> bool:
    """Whether the binding's action is a method of the node it runs on."""
    namespace, action, _ = parse(active.binding.action)
    node = {"app": app, "screen": screen}.get(namespace, active.node)
    return callable(getattr(node, f"action_{action}", None))


@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_help_offers_exactly_the_keys_that_act_on_the_screen(
    screens_app: MediatopApp, name: str
) -> None:
    reach, ranged, compares = SCREENS[name]
    app = screens_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await reach(pilot)
        screen = app.screen
        active = [a for a in screen.active_bindings.values() if a.binding.description]
        expected = {(app.get_key_display(a.binding), binding_words(a.binding)) for a in active}
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = _help_rows(rendered_text(app.screen.query_one("#help Static", Static).content))
        assert shown == expected
        assert [a.binding.key for a in active if not _acts(app, screen, a)] == []
        keys = {key for key, _ in shown}
        assert ("t" in keys, "c" in keys) == (ranged, compares)
        # With the help up, the footer under it still offers them as the screen does.
        offered = [app.check_action(a, ()) for a in ("cycle_range", "toggle_compare")]
        assert offered == [ranged, compares]
        # The header under it names the range only over figures that read one.
        assert _header(screen) == (
            "mediatop — uploads — range 30d" if ranged else "mediatop — uploads"
        )


async def test_the_header_names_no_range_on_optimize_and_names_it_again_back(
    screens_app: MediatopApp,
) -> None:
    """Optimize ranks savings over the last 30 days whatever the range: a header saying
    'range 30d' there read as the period of its figures."""
    app = screens_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        dashboard = app.screen
        assert _header(dashboard) == "mediatop — uploads — range 30d"
        optimize = await open_subject(pilot, "o")
        await pilot.pause()
        assert _header(optimize) == "mediatop — uploads"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is dashboard)
        await pilot.pause()
        assert _header(dashboard) == "mediatop — uploads — range 30d"


def test_the_optimization_report_is_the_same_over_every_range(tmp_path: Path) -> None:
    """Why Optimize offers no `t`: on a library with traffic, every range reads alike."""
    settings: Settings = screens_library(tmp_path)
    library = MediaLibrary(settings)
    try:
        reports = {
            json.dumps(load_report(library, FROZEN_NOW, "optimization", r).report, default=str)
            for r in RANGES
        }
    finally:
        library.close()
    assert len(reports) == 1
