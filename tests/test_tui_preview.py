"""The image preview on the file screen: drawn in half blocks from a thumbnail decoded in
the sandboxed pool, toggled with `p`, off by default over SSH.

The hero banner is 1600×900; the preview fits 48 pixels wide and 32 high: scaled by
48/1600 = 0.03 it is 48×27 pixels, drawn two pixels a cell: 48 columns, 14 lines.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from mediatop.config import Settings
from mediatop.tui.app import build_app
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.widgets.image_preview import ImagePreview
from tui_fixtures import (
    dashboard_app,
    file_screen_loaded,
    rendered_text,
    wait_for_dashboard,
    wait_until,
)

SIZE = (120, 40)


async def open_first_file(pilot: Pilot) -> FileDetailScreen:
    """The first row of the dashboard: the largest file, the hero banner."""
    await wait_for_dashboard(pilot)
    await pilot.press("enter")
    screen = await file_screen_loaded(pilot)
    return screen


def preview_lines(screen: FileDetailScreen) -> list[str]:
    return rendered_text(screen.query_one(ImagePreview).content).rstrip("\n").split("\n")


async def wait_for_preview(pilot: Pilot, screen: FileDetailScreen) -> None:
    await wait_until(pilot, lambda: "▄" in "".join(preview_lines(screen)), timeout=30)
    await pilot.pause()


async def test_preview_draws_the_image_in_half_blocks(snapshot_library: Settings) -> None:
    app = dashboard_app(snapshot_library, preview=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_file(pilot)
        assert screen.detail is not None and screen.detail.file.path == b"2024/03/hero-banner.jpg"
        await wait_for_preview(pilot, screen)
        lines = preview_lines(screen)
        assert len(lines) == 14
        assert {len(line) for line in lines} == {48}


async def test_p_toggles_the_preview(snapshot_library: Settings) -> None:
    app = dashboard_app(snapshot_library, preview=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_file(pilot)
        preview = screen.query_one(ImagePreview)
        await pilot.pause()
        assert preview.has_class("-hidden")
        await pilot.press("p")
        assert app.preview and not preview.has_class("-hidden")
        await wait_for_preview(pilot, screen)
        await pilot.press("p")
        assert not app.preview and preview.has_class("-hidden")


async def test_preview_key_applies_only_to_images(snapshot_library: Settings) -> None:
    app = dashboard_app(snapshot_library, preview=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("down", "enter")  # the second largest: brochure.pdf
        screen = await file_screen_loaded(pilot)
        assert screen.detail is not None and screen.detail.file.kind == "document"
        assert screen.query_one(ImagePreview).has_class("-hidden")
        assert screen.check_action("toggle_preview", ()) is False


def test_preview_is_off_by_default_over_ssh(
    snapshot_library: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "198.51.100.7 50000 203.0.113.1 22")
    assert build_app(snapshot_library).preview is False
    monkeypatch.delenv("SSH_CONNECTION")
    assert build_app(snapshot_library).preview is True


def test_file_screen_with_preview_snapshot(
    snapshot_library: Settings, snap_compare: object
) -> None:
    app = dashboard_app(snapshot_library, preview=True)

    async def run_before(pilot: Pilot) -> None:
        screen = await open_first_file(pilot)
        await wait_for_preview(pilot, screen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)  # type: ignore[operator]
