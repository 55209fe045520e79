"""What keeps the dashboard light over a slow link, driven with the pilot: loads paced
while savings are measured, the breakpoint class set before the first paint, and boxes
and the status line left alone when what they show has not changed."""

from __future__ import annotations

import time

from textual.app import App
from textual.widgets import Static

from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.pacing import PacedLoads, breakpoint_class
from mediatop.tui.widgets.status_line import StatusLine
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import wait_until


async def test_loads_asked_for_together_run_once_and_then_not_before_the_interval() -> None:
    loads: list[float] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        paced = PacedLoads(app, lambda: loads.append(time.monotonic()), interval_s=1.0)
        asked = time.monotonic()
        for _ in range(5):  # five batches landing together: one load
            paced.ask()
        await wait_until(pilot, lambda: len(loads) == 1)
        paced.ask()  # one more: due 1 s after the first load, not at once
        paced.ask()
        await wait_until(pilot, lambda: len(loads) == 2, timeout=5)
        await pilot.pause(0.3)
    assert len(loads) == 2
    assert loads[0] - asked < 0.9  # the first one at once (0.1 s)
    assert loads[1] - loads[0] >= 1.0 - 0.01  # Textual's timers may fire a few ms early


def test_a_width_takes_the_last_breakpoint_it_reaches() -> None:
    breakpoints = [(0, "-narrow"), (100, "-wide")]
    assert breakpoint_class(80, breakpoints) == "-narrow"
    assert breakpoint_class(99, breakpoints) == "-narrow"
    assert breakpoint_class(100, breakpoints) == "-wide"
    assert breakpoint_class(120, breakpoints) == "-wide"


async def test_the_same_figures_loaded_again_redraw_no_box(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one(StorageOverview).data is not None)
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
        figures = screen.query_one("#storage-figures", Static)
        opportunities = screen.query_one("#optimization-figures", Static)
        status = screen.query_one(StatusLine)
        shown = (figures.visual, opportunities.visual, status.visual)
        data = screen.query_one(StorageOverview).data
        screen.action_refresh()  # the same store: the same figures
        await wait_until(pilot, lambda: screen.query_one(StorageOverview).data is not data)
        await pilot.pause(0.2)
        # Not drawn again: the very same rendered objects, not equal new ones.
        assert figures.visual is shown[0]
        assert opportunities.visual is shown[1]
        assert status.visual is shown[2]
