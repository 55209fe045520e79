"""Helpers of the TUI cleanup tests: a scanned real tree, the names and marks a marking
screen shows, marking a row with the keys, and waiting for the preview."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from cleanup_support import write_tree
from mediatop.config import Settings
from mediatop.tui.screens.cleanup_preview import CleanupPreviewScreen
from mediatop.tui.screens.listing import ListTable
from mediatop.tui.screens.marking import MarkingListScreen
from tui_fixtures import scan, settings_for, wait_until
from tui_screen_fixtures import table_rows

SIZE = (120, 40)


def tree(tmp_path: Path, files: dict[bytes, bytes]) -> Settings:
    root = tmp_path / "media"
    root.mkdir()
    write_tree(root, files)
    settings = settings_for(tmp_path, root)
    scan(settings)
    return settings


def file_names(screen: MarkingListScreen) -> list[str]:
    index = 1 + [c.title for c in screen.spec.columns].index("File")  # after the mark column
    return [row[index] for row in table_rows(screen)]


def marks_shown(screen: MarkingListScreen) -> dict[str, str]:
    """File name -> its mark cell ('✓' or '') as the table draws it."""
    rows = table_rows(screen)
    return dict(zip(file_names(screen), (row[0] for row in rows), strict=True))


async def mark(pilot: Pilot, screen: MarkingListScreen, name: str) -> None:
    """Put the cursor on the row of `name` with the arrow keys, then press space."""
    table = screen.query_one(ListTable)
    await pilot.press("home")
    for _ in range(file_names(screen).index(name)):
        await pilot.press("down")
    assert file_names(screen)[table.cursor_row] == name
    await pilot.press("space")


async def preview_shown(pilot: Pilot) -> CleanupPreviewScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CleanupPreviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CleanupPreviewScreen)
    await wait_until(pilot, lambda: screen.state != "reading", timeout=20)
    await pilot.pause()
    return screen


async def clean_up(pilot: Pilot, screen: MarkingListScreen, name: str) -> CleanupPreviewScreen:
    """Mark `name`, preview it (x), apply the plan (y) and wait until it is done."""
    await mark(pilot, screen, name)
    await pilot.press("x")
    preview = await preview_shown(pilot)
    await pilot.press("y")
    await wait_until(pilot, lambda: preview.state == "done", timeout=20)
    return preview
