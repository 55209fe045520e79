"""At 80×24, a laptop's terminal and tmux's default, the cleanup flow keeps in view what
an admin needs: rows of the Optimize list under its figures, even compared, and the
keys of each cleanup screen in its footer, `?` among them; and the quarantine's help
offers only keys that do something there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Footer

from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.screens.listing import ListTable
from mediatop.tui.screens.quarantine import QuarantineScreen
from tui_cleanup_support import preview_shown
from tui_fixtures import dashboard_app, rendered_text, wait_for_dashboard, wait_until
from tui_screen_fixtures import open_subject, screens_library, wait_for_list

SIZE = (80, 24)


@pytest.fixture
def screens_app(tmp_path: Path) -> MediatopApp:
    return dashboard_app(screens_library(tmp_path), export_dir=tmp_path)


async def test_compared_figures_leave_rows_of_the_images_list_in_view(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "1")
        await pilot.press("c")  # each figure beside its previous value: one to a line
        await wait_for_list(pilot)
        table = screen.query_one(ListTable)
        # Inside its border (2 lines), under its header (1): room for 3 rows or more.
        assert table.region.height - 3 >= 3
        # The 9 figures do not fit above it: their box scrolls, reached with shift+tab.
        box = screen.query_one("#figures-box")
        assert box.virtual_size.height == 9
        assert box.max_scroll_y > 0
        await pilot.press("shift+tab", "end")
        await pilot.pause()
        assert box.has_focus
        assert box.scroll_y == box.max_scroll_y


def footer_in_view(screen: Screen[object]) -> list[str]:
    """The footer's keys drawn whole, left of `: Commands` (the rest are cut off)."""
    keys: list[Any] = list(screen.query_one(Footer).query("FooterKey"))
    palette = next(key for key in keys if key.has_class("-command-palette"))
    # `: Commands` covers the line to its last column: no letter of a key under it shows.
    assert palette.region.right == screen.size.width
    return [key.key for key in keys
            if key is not palette and key.region.right <= palette.region.x]  # fmt: skip


@pytest.mark.parametrize("key", ["5", "6", "o"], ids=["unused", "duplicates", "optimize"])
async def test_a_marking_screen_footer_shows_the_cleanup_keys_and_help(
    screens_app: MediatopApp, key: str
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, key)
        await pilot.pause()
        shown = footer_in_view(screen)
        # open, back, filter, mark, clean up, undo, quit, help
        for needed in ("enter", "escape", "slash", "space", "x", "u", "q", "question_mark"):
            assert needed in shown, (needed, shown)


async def test_the_preview_and_quarantine_footers_show_their_keys(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "5")
        await pilot.press("space", "x")  # its one row: team-copy.webp
        preview = await preview_shown(pilot)
        assert footer_in_view(preview) == ["escape", "y", "q", "question_mark"]
        await pilot.press("y")
        await wait_until(pilot, lambda: preview.state == "done", timeout=20)
        await pilot.press("escape", "u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantine = pilot.app.screen
        assert isinstance(quarantine, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantine.plans) == 1)
        await pilot.press("u")  # asks first: y then confirms
        await pilot.pause()
        shown = footer_in_view(quarantine)
        assert shown == ["escape", "u", "y", "q", "question_mark"]


async def test_the_quarantine_help_offers_no_enter(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "5")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.pause()
        text = rendered_text(pilot.app.screen.query_one("#help").query_one("Static").content)
        assert "Cancel / back" in text and "Cursor down" in text
        assert "Select" not in text and "⏎" not in text
