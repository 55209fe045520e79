"""SVG snapshots of each screen at 120×40 (and the dashboard at 80×24), with fixed data
and a frozen clock.

Fixed data: the Pillow/wave library of `tui_fixtures` under a folder named `uploads`,
fixed mtimes, a configured quota, the scan and every report at FROZEN_NOW, no watchers.
So a snapshot changes only when the screen really does.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.help import HelpScreen
from tui_fixtures import (
    dashboard_app,
    ingest,
    record_engagement,
    static_text,
    wait_for_dashboard,
    wait_until,
    write_access_log,
)

SIZE = (120, 40)


async def open_first_file(pilot: Pilot) -> None:
    await wait_for_dashboard(pilot)
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, FileDetailScreen)
    await wait_until(pilot, lambda: "Path" in static_text(pilot.app.screen, "#file-facts"))
    await pilot.pause()


async def open_help(pilot: Pilot) -> None:
    await wait_for_dashboard(pilot)
    await pilot.press("question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    await pilot.pause()


def test_dashboard_snapshot(app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_for_dashboard)  # type: ignore[operator]


def test_dashboard_on_an_80_column_terminal_snapshot(
    app: MediatopApp, snap_compare: object
) -> None:
    # This month's figures move under the kinds instead of wrapping their labels.
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait_for_dashboard)  # type: ignore[operator]


def test_dashboard_with_traffic_snapshot(
    tmp_path: Path, snapshot_library: Settings, snap_compare: object
) -> None:
    ingest(snapshot_library, write_access_log(tmp_path / "access.log"))
    app = dashboard_app(snapshot_library)
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_for_dashboard)  # type: ignore[operator]


def test_file_detail_snapshot(app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=open_first_file)  # type: ignore[operator]


def test_file_detail_with_engagement_snapshot(
    snapshot_library: Settings, snap_compare: object
) -> None:
    record_engagement(snapshot_library)
    app = dashboard_app(snapshot_library)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_first_file)  # type: ignore[operator]


def test_help_snapshot(app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)  # type: ignore[operator]
