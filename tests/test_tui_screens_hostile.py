"""Hostile names on the subject screens: file names, a page's title and a log line's
user agent are drawn literally, control and bidi characters visible, never as markup.

The hostile library (tui_fixtures.HOSTILE_NAMES) has no traffic and its files date from
June 2025: at the frozen clock (March 2026) every file is unused (no use in 90 days), an
image not in WebP/AVIF, and so listed by Unused, Images and Optimize.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.content import Content
from textual.pilot import Pilot

from mediatop.config import Settings
from mediatop.textsafe import visible, visible_path
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.file_detail import FileDetailScreen, LinksTable
from mediatop.tui.screens.subjects.page_files import PageFilesScreen
from tui_fixtures import (
    HOSTILE_NAMES,
    build_hostile_library,
    dashboard_app,
    file_screen_loaded,
    ingest,
    measure_all_savings,
    scan,
    settings_for,
    wait_for_dashboard,
    wait_until,
)
from tui_screen_fixtures import cells_are_plain, column, import_places, open_subject, wait_for_list

HOSTILE_TITLE = "[@click=app.quit]Evil [b]page\x1b[31m\u202e"
HOSTILE_AGENT = "[@click=app.quit]bot\x1b]52;c;aGVsbG8=\x07"
SHOWN = sorted(visible_path(name) for name in HOSTILE_NAMES)
FIRST = HOSTILE_NAMES[0].decode()


@pytest.fixture
def hostile_settings(tmp_path: Path) -> Settings:
    root = tmp_path / "uploads"
    build_hostile_library(root)
    settings = settings_for(tmp_path, root)
    scan(settings)
    # A page with a hostile title using the first file; a log whose good line asks for
    # a file the library lacks, and whose malformed line (no request) carries a hostile
    # user agent, kept as the reason's sample.
    places = [{"media": FIRST, "type": "page", "id": "evil", "title": HOSTILE_TITLE}]
    import_places(settings, tmp_path / "places.jsonl", places)
    log = tmp_path / "access.log"
    good = (
        '198.51.100.1 - - [10/Mar/2026:10:00:00 +0000] "GET /uploads/gone.jpg HTTP/1.1" 404 0 '
        f'"-" "{HOSTILE_AGENT}"\n'
    )
    log.write_bytes(f"{good}garbage line {HOSTILE_AGENT}\n".encode())
    ingest(settings, log)
    measure_all_savings(settings)  # so every image has its conversion measured
    return settings


@pytest.fixture
def hostile_app(hostile_settings: Settings) -> MediatopApp:
    return dashboard_app(hostile_settings)


# Unused: all but the first file, which the page uses. Optimize: all (each image is
# smaller as WebP, the unused ones are also files to remove).
UNUSED = [s for s in SHOWN if s != visible(FIRST)]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("5", UNUSED), ("o", SHOWN)],
    ids=["unused", "optimize"],
)
async def test_list_screens_show_hostile_names_literally(
    hostile_app: MediatopApp, key: str, expected: list[str]
) -> None:
    async with hostile_app.run_test(size=(160, 40)) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, key)
        assert sorted(set(column(screen, "File"))) == expected
        assert cells_are_plain(screen)
        assert pilot.app.is_running  # no [@click=app.quit] ran


async def test_images_lists_show_hostile_names_literally(hostile_app: MediatopApp) -> None:
    async with hostile_app.run_test(size=(160, 40)) as pilot:
        await wait_for_dashboard(pilot)
        images = await open_subject(pilot, "1")
        await pilot.press("l", "l")  # oversized, unoptimised, then the opportunities
        assert images.spec.title == "Opportunities"
        # The JPEGs are smaller as WebP; the PNG, one colour and a shape, is not.
        jpegs = sorted(visible_path(n) for n in HOSTILE_NAMES if n.endswith(b".jpg"))
        assert sorted(column(images, "File")) == jpegs
        assert cells_are_plain(images)


async def _open_first_file_from_images(pilot: Pilot) -> FileDetailScreen:
    images = await open_subject(pilot, "1")
    await pilot.press("l", "l")  # the opportunities: every image of the library
    row = column(images, "File").index(visible(FIRST))
    images.query_one("#list").move_cursor(row=row)  # type: ignore[attr-defined]
    await pilot.press("enter")
    screen = await file_screen_loaded(pilot)
    return screen


async def test_a_hostile_page_title_is_shown_literally_on_the_file_and_page_screens(
    hostile_app: MediatopApp,
) -> None:
    async with hostile_app.run_test(size=(160, 40)) as pilot:
        await wait_for_dashboard(pilot)
        file_screen = await _open_first_file_from_images(pilot)
        links = file_screen.query_one(LinksTable)
        where = links.get_row_at(0)[1]
        assert where.plain == visible(HOSTILE_TITLE)
        assert not where.spans
        await pilot.press("enter")
        page = await wait_for_list(pilot)
        assert isinstance(page, PageFilesScreen)
        # Textual keeps a border title as markup: escaped, it draws the title as is.
        title = Content.from_markup(str(page.query_one("#figures-box").border_title))
        assert title.plain == f"Files used by page {visible(HOSTILE_TITLE)}"
        assert column(page, "File") == [visible(FIRST)]
        assert pilot.app.is_running


async def test_a_hostile_user_agent_in_a_malformed_line_is_shown_literally(
    hostile_app: MediatopApp,
) -> None:
    async with hostile_app.run_test(size=(160, 40)) as pilot:
        await wait_for_dashboard(pilot)
        ingest_screen = await open_subject(pilot, "8")
        assert column(ingest_screen, "Malformed") == ["1"]
        await pilot.press("l")  # malformed lines per reason
        samples = column(ingest_screen, "Sample")
        assert samples == [visible(f"garbage line {HOSTILE_AGENT}")]
        assert "\x1b" not in samples[0]
        assert cells_are_plain(ingest_screen)


async def test_export_keeps_names_that_are_not_utf8_as_their_bytes(
    hostile_settings: Settings, tmp_path: Path
) -> None:
    app = dashboard_app(hostile_settings, export_dir=tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "5")
        await pilot.press("e")
        await wait_until(pilot, lambda: app.last_export is not None)
        assert app.last_export is not None
        raw = app.last_export.read_bytes()
        assert b"caf\xe9-not-utf8.jpg" in raw  # the exact bytes of the name
        document = json.loads(raw.decode("utf-8", "surrogateescape"))
        files = {row["File"].encode("utf-8", "surrogateescape") for row in document["rows"]}
        assert files == set(HOSTILE_NAMES) - {HOSTILE_NAMES[0]}  # the first is used
