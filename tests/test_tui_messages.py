"""Progress and reload messages that pile up while the screen is busy replace each other
(Textual's `Message.can_replace`): the screen draws the newest, not every one in turn."""

from __future__ import annotations

from textual.message import Message

from mediatop.scan import ScanProgress as Progress
from mediatop.tui.app import MediatopApp
from mediatop.tui.messages import SavingsMeasured, ScanProgress
from mediatop.tui.screens.dashboard import DashboardScreen


async def test_a_burst_of_progress_is_drawn_once_with_the_newest(app: MediatopApp) -> None:
    seen: list[Message] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        seen.clear()
        # Posted in one go, as a fast walk posts them: 5 progress, 3 savings counts.
        for done in range(1, 6):
            screen.post_message(ScanProgress(Progress("walking", done * 100, 0)))
        for done in (1, 2, 3):
            screen.post_message(SavingsMeasured(done, 3, finished=done == 3))
        await pilot.pause()
        # (a message that bubbles up to the app is seen once more there: count each once)
        handled = list({id(m): m for m in seen}.values())
        progress = [m for m in handled if isinstance(m, ScanProgress)]
        savings = [m for m in handled if isinstance(m, SavingsMeasured)]
        # Only the last of each burst is handled: 500 files walked, 3 of 3 measured.
        assert [m.progress.done for m in progress] == [500]
        assert [(m.done, m.finished) for m in savings] == [(3, True)]
