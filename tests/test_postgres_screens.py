"""Every screen of the terminal app shows the same on a PostgreSQL store as on SQLite:
the subject screens' every list (rows and figures) and a file screen, on the screens'
library copied into PostgreSQL by `mediatop store copy` (so both stores hold the same
rows, and any difference is the backend's)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from mediatop.config import Settings
from tui_fixtures import (
    dashboard_app,
    file_screen_loaded,
    static_text,
    wait_for_dashboard,
)
from tui_screen_fixtures import (
    figures_text,
    open_subject,
    screens_library,
    table_rows,
    wait_for_list,
)

SIZE = (140, 44)
SUBJECT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "o"]
# What a file screen shows, each part by its widget's id.
FILE_PARTS = ["#file-facts", "#file-usage", "#file-traffic-title", "#file-links-title"]


async def _what_the_screens_show(settings: Settings) -> list[tuple[str, ...]]:
    """(key, list title, its rows, its figures) for every list of every subject screen,
    then the parts of the file screen of the most viewed image."""
    shown: list[tuple[str, ...]] = []
    app = dashboard_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        for key in SUBJECT_KEYS:
            screen = await open_subject(pilot, key)
            titles: list[str] = []
            while screen.spec.title not in titles:  # "l" steps through the lists, round
                titles.append(screen.spec.title)
                shown.append((key, screen.spec.title, repr(table_rows(screen)),
                              figures_text(screen)))  # fmt: skip
                await pilot.press("l")
                await wait_for_list(pilot)
            assert len(titles) < 10, titles
        screen = await open_subject(pilot, "1")
        while screen.spec.title != "Most viewed images":
            await pilot.press("l")
            await wait_for_list(pilot)
        await pilot.press("enter")
        detail = await file_screen_loaded(pilot)
        shown.append(("file", *(static_text(detail, part) for part in FILE_PARTS)))
    return shown


async def test_every_list_and_a_file_screen_show_the_same_on_postgresql(
    tmp_path: Path, pg_store_url: str
) -> None:
    settings = screens_library(tmp_path)
    copied = subprocess.run(
        [sys.executable, "-m", "mediatop", "store", "copy", str(settings.db_path), pg_store_url],
        capture_output=True,
        text=True,
    )
    assert copied.returncode == 0, copied.stderr
    on_sqlite = await _what_the_screens_show(settings)
    on_postgres = await _what_the_screens_show(replace(settings, db_url=pg_store_url))
    # Not empty lists compared with empty ones: the library's figures are on screen
    # (tests/test_tui_screens.py works them out by hand: brochure.pdf's 3 downloads).
    assert any("2025/02/brochure.pdf" in rows for _, _, rows, *_ in on_sqlite)
    assert "hero-banner.jpg" in on_sqlite[-1][1]
    for sqlite_view, postgres_view in zip(on_sqlite, on_postgres, strict=True):
        assert postgres_view == sqlite_view
