"""Hostile file names: stored losslessly, shown literally, control characters visible,
never interpreted as markup, links or terminal escapes (the TUI side)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from rich.text import Text

from mediatop.analytics.library.lookup import find_file
from mediatop.store import connect
from mediatop.textsafe import visible, visible_path
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.widgets.most_used import FileTable
from tui_fixtures import (
    HOSTILE_NAMES,
    build_hostile_library,
    dashboard_app,
    scan,
    settings_for,
    static_text,
    wait_for_dashboard,
    wait_until,
)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[MediatopApp, dict[bytes, int]]:
    root = tmp_path / "uploads"
    build_hostile_library(root)
    settings = settings_for(tmp_path, root)
    scan(settings)
    conn: sqlite3.Connection = connect(settings.db_path, readonly=True)
    try:
        ids = {name: find_file(conn, name).id for name in HOSTILE_NAMES}
    finally:
        conn.close()
    return dashboard_app(settings), ids


def test_every_hostile_name_is_stored_losslessly(hostile: tuple[MediatopApp, dict]) -> None:
    _app, ids = hostile
    assert sorted(ids) == sorted(HOSTILE_NAMES)


def test_visible_forms_have_no_raw_control_characters() -> None:
    for name in HOSTILE_NAMES:
        shown = visible_path(name)
        assert shown.isprintable(), shown
        assert "\u202e" not in shown


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda n: visible_path(n)[:24])
async def test_table_shows_the_name_literally_and_opening_it_shows_it_again(
    hostile: tuple[MediatopApp, dict[bytes, int]], name: bytes
) -> None:
    app, ids = hostile
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        table = app.screen.query_one(FileTable)
        cell = table.get_row(str(ids[name]))[0]
        assert isinstance(cell, Text)
        assert cell.plain == visible_path(name)
        assert not any(
            "@click" in str(span.style) or "link" in str(span.style) for span in cell.spans
        )

        # Clicking the name (on the highlighted row, which opens it) must not run any
        # action the name spells out.
        table.move_cursor(row=table.get_row_index(str(ids[name])))
        await pilot.pause()
        await pilot.click(FileTable, offset=(4, 1 + table.cursor_row))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, FileDetailScreen)
        await wait_until(pilot, lambda: "Path" in static_text(app.screen, "#file-facts"))
        facts = static_text(app.screen, "#file-facts")
        assert visible_path(name) in facts
        assert "\x1b" not in facts and "\x07" not in facts and "\u202e" not in facts
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        assert app.is_running and app.return_code is None


HOSTILE_TITLE = "[@click=app.quit]Guide\x1b[31m red\u202eevil"


async def test_a_hostile_root_name_and_document_title_are_shown_literally(
    tmp_path: Path,
) -> None:
    root = tmp_path / "[b]media\x1b]0;owned\x07"
    root.mkdir()
    image = Image.new("RGB", (60, 80), (255, 255, 255))
    image.save(root / "guide.pdf", format="PDF", title=HOSTILE_TITLE)
    settings = settings_for(tmp_path, root)
    scan(settings)
    app = dashboard_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert app.title == f"mediatop — {visible(root.name)}"
        assert "\x1b" not in app.title and "\x07" not in app.title
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Path" in static_text(app.screen, "#file-facts"))
        facts = static_text(app.screen, "#file-facts")
        assert visible(HOSTILE_TITLE) in facts
        assert "\x1b" not in facts and "\u202e" not in facts
        await pilot.click("#file-detail")
        assert app.is_running and app.return_code is None


def test_a_path_too_wide_is_cut_in_the_middle_keeping_its_name_end() -> None:
    from mediatop.tui.plain import cut_in_the_middle, plain_path

    banner = plain_path(b"2025/11/black-friday-banner.jpg")
    sized = plain_path(b"2025/11/black-friday-banner-1024x410.jpg")
    # 20 cells: an ellipsis, 11 of the end (3/5 of 19), 8 of the start; the two differ
    assert cut_in_the_middle(banner, 20).plain == "2025/11/…-banner.jpg"
    assert cut_in_the_middle(sized, 20).plain == "2025/11/…024x410.jpg"
    assert cut_in_the_middle(banner, 40) is banner  # fits: as it is
    hostile = cut_in_the_middle(plain_path(b"[@click=app.quit]" + b"x" * 30 + b".jpg"), 20)
    assert hostile.plain == "[@click=…xxxxxxx.jpg" and not hostile.spans  # still plain text
