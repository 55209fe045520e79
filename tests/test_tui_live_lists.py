"""A list screen stays current while the library changes under it."""

from __future__ import annotations

import os
from pathlib import Path

from cleanup_support import write_tree
from mediatop.tui.screens.listing import ListScreen, ListTable
from mediatop.tui.screens.marking import MarkingListScreen
from mediatop.tui.view import file_id_in_key, row_again, row_keys
from mediatop.tui.widgets.most_used import FileTable
from tui_cleanup_support import file_names, mark, marks_shown, tree
from tui_fixtures import (
    dashboard_app,
    file_screen_loaded,
    image_bytes,
    scanned_library,
    static_text,
    wait_for_dashboard,
    wait_for_folder_watch,
    wait_until,
)
from tui_screen_fixtures import open_subject


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


async def test_a_file_growing_above_the_cursor_leaves_it_and_the_marks_on_their_files(
    tmp_path: Path,
) -> None:
    # Old files, no access log: all three are unused, listed largest first. (A file new
    # to the library is not: it was uploaded just now.)
    settings = tree(tmp_path, {
        b"2019/a/big.jpg": b"A" * 3000,
        b"2019/z/mid.jpg": b"Z" * 2000,
        b"2019/z/small.jpg": b"S" * 1000,
    })  # fmt: skip
    app = dashboard_app(settings, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        screen = await open_subject(pilot, "5")
        assert isinstance(screen, MarkingListScreen)
        await mark(pilot, screen, "2019/a/big.jpg")  # space marks it and moves down
        table = screen.query_one(ListTable)
        assert file_names(screen)[table.cursor_row] == "2019/z/mid.jpg"
        # small.jpg is replaced by a 5000-byte version (written aside with its old mtime,
        # then moved over it, so the watch sees it whole): it now sorts first.
        write_tree(tmp_path / "aside", {b"small.jpg": b"S" * 5000})
        os.replace(tmp_path / "aside" / "small.jpg", settings.root / "2019" / "z" / "small.jpg")
        await wait_until(pilot, lambda: file_names(screen)[0] == "2019/z/small.jpg", timeout=10)
        assert file_names(screen) == ["2019/z/small.jpg", "2019/a/big.jpg", "2019/z/mid.jpg"]
        # The cursor went down a row with its file (row 1 is now big.jpg, the marked one).
        assert table.cursor_row == 2
        assert marks_shown(screen) == {
            "2019/z/small.jpg": "", "2019/a/big.jpg": "✓", "2019/z/mid.jpg": "",
        }  # fmt: skip
        await pilot.press("enter")
        opened = await file_screen_loaded(pilot)
        assert "2019/z/mid.jpg" in static_text(opened, "#file-facts")
    assert app.return_code in (None, 0)


def test_the_cursor_finds_its_row_again_by_file_and_keeps_its_number_when_it_is_gone() -> None:
    # Optimize lists a resize and a conversion of file 7: its rows are 7.0 and 7.1.
    before = [{"mediaId": 3}, {"mediaId": 7}, {"mediaId": 7}]
    keys = row_keys(before, "mediaId")
    assert keys == ["3.0", "7.0", "7.1"]
    assert [file_id_in_key(key) for key in keys] == [3, 7, 7]
    # A new read puts file 9 first: the cursor on file 7's second row (row 2) goes to 3.
    after = row_keys([{"mediaId": 9}, *before], "mediaId")
    assert row_again("7.1", after, 2) == 3
    # File 3 gone: the cursor on it (row 0) stays on row 0; on row 2, past the end of a
    # one-row list, it stays on row 0 as well.
    assert row_again("3.0", ["7.0", "7.1"], 0) == 0
    assert row_again("3.0", ["7.0"], 2) == 0
    # Rows of other things (formats) are keyed by number: no file to open.
    assert row_keys([{"format": "PNG"}, {"format": "GIF"}], None) == ["0", "1"]
    assert file_id_in_key("1") is None


async def test_the_largest_files_box_keeps_the_cursor_on_its_file_then_its_row_once_gone(
    tmp_path: Path,
) -> None:
    settings = tree(tmp_path, {
        b"a.jpg": b"A" * 4000, b"b.jpg": b"B" * 3000, b"c.jpg": b"C" * 2000,
        b"d.jpg": b"D" * 1000,
    })  # fmt: skip
    app = dashboard_app(settings, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await wait_for_folder_watch(pilot)
        table = app.screen.query_one(FileTable)

        def paths() -> list[str]:
            return [table.get_row_at(i)[0].plain for i in range(table.row_count)]

        assert paths() == ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]  # no use yet: largest first
        await pilot.press("down", "down")
        # A larger file lands first: the cursor follows c.jpg down a row.
        write_tree(tmp_path / "aside", {b"e.jpg": b"E" * 5000})
        os.replace(tmp_path / "aside" / "e.jpg", settings.root / "e.jpg")
        await wait_until(pilot, lambda: len(paths()) == 5, timeout=10)
        assert paths()[table.cursor_row] == "c.jpg" and table.cursor_row == 3
        # c.jpg removed: the cursor stays on row 3, now d.jpg, not back at the top.
        (settings.root / "c.jpg").unlink()
        await wait_until(pilot, lambda: len(paths()) == 4, timeout=10)
        assert paths() == ["e.jpg", "a.jpg", "b.jpg", "d.jpg"]
        assert table.cursor_row == 3
    assert app.return_code in (None, 0)
