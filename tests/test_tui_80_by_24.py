"""At 80×24, a laptop's terminal and tmux's default, the cleanup flow keeps in view what
an admin needs: rows of the Optimize list under its figures, even compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.listing import ListTable
from tui_fixtures import dashboard_app, wait_for_dashboard
from tui_screen_fixtures import open_subject, screens_library, wait_for_list

SIZE = (80, 24)


@pytest.fixture
def screens_app(tmp_path: Path) -> MediatopApp:
    return dashboard_app(screens_library(tmp_path), export_dir=tmp_path)


async def test_compared_figures_leave_rows_of_the_optimize_list_in_view(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "o")
        await pilot.press("c")  # each figure beside its previous value: one to a line
        await wait_for_list(pilot)
        table = screen.query_one(ListTable)
        # Inside its border (2 lines), under its header (1): room for 3 rows or more.
        assert table.region.height - 3 >= 3
        # The 12 figures do not fit above it: their box scrolls, reached with shift+tab.
        box = screen.query_one("#figures-box")
        assert box.virtual_size.height == 12
        assert box.max_scroll_y > 0
        await pilot.press("shift+tab", "end")
        await pilot.pause()
        assert box.has_focus
        assert box.scroll_y == box.max_scroll_y
