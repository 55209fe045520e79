"""SVG snapshot of the cleanup preview: the snapshot library (`screens_library`, a
frozen clock), its one unused file (team-copy.webp, never requested) marked with space,
then x. Nothing is applied."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.cleanup_preview import CleanupPreviewScreen
from tui_fixtures import dashboard_app, wait_for_dashboard, wait_until
from tui_screen_fixtures import open_subject, screens_library


async def _preview_of_the_marked_file(pilot: Pilot) -> None:
    await wait_for_dashboard(pilot)
    await open_subject(pilot, "5")
    await pilot.press("space", "x")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CleanupPreviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CleanupPreviewScreen)
    await wait_until(pilot, lambda: screen.state == "ready", timeout=20)
    await pilot.pause()


def test_cleanup_preview_snapshot(tmp_path: Path, snap_compare: object) -> None:
    app: MediatopApp = dashboard_app(screens_library(tmp_path), export_dir=tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_preview_of_the_marked_file)  # type: ignore[operator]
