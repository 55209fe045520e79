"""A list screen stays current while the library changes under it."""

from __future__ import annotations

from pathlib import Path

from mediatop.tui.screens.listing import ListScreen, ListTable
from tui_fixtures import (
    dashboard_app,
    image_bytes,
    scanned_library,
    static_text,
    wait_for_dashboard,
    wait_for_folder_watch,
    wait_until,
)


def images_shown(screen: object) -> int | None:
    assert isinstance(screen, ListScreen)
    return None if screen.figures is None else screen.figures.report["overview"]["totalImages"]


async def test_the_images_screen_follows_files_added_and_keeps_the_cursor_row(
    tmp_path: Path,
) -> None:
    root, settings = scanned_library(tmp_path)
    app = dashboard_app(settings, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        await pilot.press("1")
        await wait_until(pilot, lambda: images_shown(app.screen) == 5)
        await pilot.press("l", "l", "l", "l")  # Formats: JPEG, PNG, WEBP, GIF
        table = app.screen.query_one(ListTable)
        await wait_until(pilot, lambda: table.row_count == 4)
        await pilot.press("down", "down")
        for number in range(3):
            photo = root / "2027" / "01" / f"new-{number}.png"
            photo.parent.mkdir(parents=True, exist_ok=True)
            photo.write_bytes(image_bytes(20, 20, "PNG", (number, 1, 1)))
        # 5 images in the library before, 3 PNGs added: 8.
        await wait_until(pilot, lambda: images_shown(app.screen) == 8, timeout=8)
        assert table.cursor_row == 2
    assert app.return_code in (None, 0)


async def test_a_removed_image_on_its_file_screen_drops_its_preview(tmp_path: Path) -> None:
    root, settings = scanned_library(tmp_path)
    app = dashboard_app(settings, watch=True, preview=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        await pilot.press("enter")  # the largest file, first in the table: hero-banner.jpg
        preview = app.screen.query_one("#file-preview")
        await wait_until(pilot, lambda: not preview.has_class("-hidden"))
        (root / "2024" / "03" / "hero-banner.jpg").unlink()
        await wait_until(pilot, lambda: "Removed" in static_text(app.screen, "#file-facts"))
        # The Removed row says why there is no picture; no message quoting an internal id.
        await wait_until(pilot, lambda: preview.has_class("-hidden"))
    assert app.return_code in (None, 0)
