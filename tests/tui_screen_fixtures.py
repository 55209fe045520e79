"""Real data for the subject screens' tests, and helpers to drive them.

`screens_library` is the snapshot library (tui_fixtures.build_library) plus an exact
copy of team.webp, scanned at the frozen clock, with the week's access log ingested,
tracked engagement on the hero banner and a CMS export saying where files are used:
the page "About us" uses the hero banner and the logo, the post "Spring sale" uses the
hero banner. Everything is fixed, so the screens' figures can be worked out by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot

from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.store import connect
from mediatop.tui.screens.listing import ListScreen, ListTable
from tui_fixtures import (
    FROZEN_TS,
    build_library,
    image_bytes,
    ingest,
    record_engagement,
    scan,
    settings_for,
    wait_until,
    write_access_log,
    write_file,
)

TEAM_COPY = b"2025/01/team-copy.webp"
PLACES = [
    {"media": "2024/03/hero-banner.jpg", "type": "page", "id": "about", "title": "About us",
     "url": "https://site.example/about/", "usage": "featured"},
    {"media": "2024/05/logo.png", "type": "page", "id": "about", "title": "About us",
     "url": "https://site.example/about/", "usage": "inline"},
    {"media": "2024/03/hero-banner.jpg", "type": "post", "id": "spring", "title": "Spring sale",
     "url": "https://site.example/spring/", "usage": "inline"},
]  # fmt: skip


def import_places(settings: Settings, export: Path, places: list[dict[str, str]]) -> None:
    """Where files are used, as a CMS export (JSON lines) loaded through the surface."""
    export.write_text("".join(json.dumps(place) + "\n" for place in places))
    with MediaLibrary(settings) as library:
        library.import_locations(export)


def screens_library(tmp_path: Path) -> Settings:
    """The library every subject screen test and snapshot reads (see the module doc)."""
    root = tmp_path / "uploads"
    build_library(root)
    # The same bytes as team.webp (image_bytes is deterministic): an exact copy.
    write_file(root, TEAM_COPY, image_bytes(800, 600, "WEBP", (40, 160, 40)))
    settings = settings_for(tmp_path, root)
    scan(settings)
    ingest(settings, write_access_log(tmp_path / "access.log"))
    record_engagement(settings)
    import_places(settings, tmp_path / "places.jsonl", PLACES)
    # The checkpoint's path and time are the test's tmp folder and the clock: fixed here
    # so that snapshots of the Ingest screen only change when the screen does.
    conn = connect(settings.db_path)
    try:
        with conn:
            conn.execute(
                "UPDATE ingest_checkpoints SET log_path = 'access.log', updated_at = ?",
                (FROZEN_TS,),
            )
    finally:
        conn.close()
    return settings


async def wait_for_list(pilot: Pilot) -> ListScreen:
    """Until the list screen on top has drawn its report; the screen."""
    screen = pilot.app.screen
    assert isinstance(screen, ListScreen), type(screen)
    await wait_until(pilot, lambda: screen.figures is not None and screen.settled, timeout=20)
    await pilot.pause()
    return screen


async def open_subject(pilot: Pilot, key: str) -> ListScreen:
    """Press a subject's key and wait for its screen to show its report."""
    before = pilot.app.screen
    await pilot.press(key)
    await wait_until(pilot, lambda: pilot.app.screen is not before)
    return await wait_for_list(pilot)


def table_rows(screen: ListScreen) -> list[list[str]]:
    """The text of every cell of the screen's table, row by row."""
    table = screen.query_one(ListTable)
    return [[cell.plain for cell in table.get_row_at(index)] for index in range(table.row_count)]


def column(screen: ListScreen, title: str) -> list[str]:
    """One column of the screen's table, by its title."""
    titles = [c.title for c in screen.spec.columns]
    # A screen whose files can be marked for cleanup has the mark column first.
    index = titles.index(title) + (screen.marked_ids() is not None)
    return [row[index] for row in table_rows(screen)]


def figures_text(screen: ListScreen) -> str:
    from tui_fixtures import static_text

    return static_text(screen, "#figures")


def cells_are_plain(screen: ListScreen) -> bool:
    """Every cell is text drawn as is: no style taken from markup in the name."""
    table = screen.query_one(ListTable)
    for index in range(table.row_count):
        for cell in table.get_row_at(index):
            if isinstance(cell, Text) and any(span.style for span in cell.spans):
                return False
    return True


def export_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    os.makedirs(folder, exist_ok=True)
    return folder
