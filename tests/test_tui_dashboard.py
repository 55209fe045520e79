"""The dashboard driven with the pilot: every binding, the drill-in and the way back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Static

from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.widgets.most_used import FileTable, MostUsed
from mediatop.tui.widgets.optimization import Optimization
from mediatop.tui.widgets.status_line import StatusLine
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import (
    build_library,
    dashboard_app,
    image_bytes,
    rendered_text,
    scan,
    settings_for,
    static_text,
    wait_for_dashboard,
    wait_until,
    write_file,
)


async def test_dashboard_shows_scanned_totals_and_largest_files(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        data = app.screen.query_one(StorageOverview).data
        assert data is not None and data.overview.total_files == 7
        most_used = app.screen.query_one(MostUsed)
        assert most_used.border_title == "Largest Files"  # no events yet, titled as such
        table = app.screen.query_one(FileTable)
        assert table.row_count == 7
        first = table.get_row_at(0)
        assert first[0].plain == "2024/03/hero-banner.jpg"
        assert first[1].plain == "IMG"


async def test_enter_opens_the_file_and_escape_returns(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, FileDetailScreen)
        await wait_until(pilot, lambda: "Path" in static_text(app.screen, "#file-facts"))
        facts = static_text(app.screen, "#file-facts")
        assert "2024/03/hero-banner.jpg" in facts
        assert "1600×900 px" in facts
        assert "IMG  image, image/jpeg" in facts
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        # The cursor is still on the file that was opened.
        assert (
            app.screen.query_one(MostUsed).selected_file_id()
            == app.screen.query_one(MostUsed).data.most_used[0].file_id
        )  # type: ignore[union-attr]


async def test_detail_shows_pages_of_a_document_and_length_of_audio(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        table = app.screen.query_one(FileTable)
        seen = {}
        for row in range(table.row_count):
            name = table.get_row_at(row)[0].plain
            if name.endswith((".pdf", ".wav")):
                table.move_cursor(row=row)
                await pilot.press("enter")
                await wait_until(pilot, lambda: "Path" in static_text(app.screen, "#file-facts"))
                seen[name] = static_text(app.screen, "#file-facts")
                await pilot.press("escape")
        assert re.search(r"Pages\s+1\b", seen["2025/02/brochure.pdf"])
        assert re.search(r"Duration\s+0:02\b", seen["2025/02/jingle.wav"])


async def test_question_mark_shows_help_generated_from_bindings(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = rendered_text(app.screen.query_one("#help Static", Static).content)
        bindings = (*MediatopApp.BINDINGS, *DashboardScreen.BINDINGS, *FileTable.BINDINGS,
                    *MostUsed.BINDINGS)  # fmt: skip
        for binding in bindings:
            # the help says what the footer's short word means, where it has a tooltip
            said = binding.tooltip or binding.description  # type: ignore[union-attr]
            if binding.action == "toggle_compare":  # type: ignore[union-attr]
                # the dashboard's boxes are not compared: `c` is not bound there
                assert said not in text
            else:
                assert said in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_q_quits_from_the_dashboard_and_from_help(app: MediatopApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("question_mark", "q")
        await pilot.pause()
    assert app.return_code == 0


async def test_r_reloads_the_figures(app: MediatopApp) -> None:
    settings = app.settings
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        storage = app.screen.query_one(StorageOverview)
        assert storage.data is not None and storage.data.overview.total_files == 7
        # Another process records an eighth file; this app watches nothing (watch=False),
        # so only r can bring it in.
        write_file(settings.root, b"2026/03/new-upload.png", image_bytes(64, 64, "PNG", (1, 2, 3)))
        scan(settings)
        await pilot.press("r")
        await wait_until(
            pilot, lambda: storage.data is not None and storage.data.overview.total_files == 8
        )
        table = app.screen.query_one(FileTable)
        await wait_until(pilot, lambda: table.row_count == 8)
        shown = [table.get_row_at(row)[0].plain for row in range(table.row_count)]
        assert "2026/03/new-upload.png" in shown


async def test_a_store_that_cannot_be_read_is_shown_not_raised(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    settings = settings_for(tmp_path, root)  # never scanned: no store file
    app = dashboard_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one(StatusLine)
        await wait_until(pilot, lambda: status.has_class("-error"))
        assert "Loading the dashboard failed" in rendered_text(status.content)
        assert isinstance(app.screen, DashboardScreen)


async def test_tab_brings_the_lower_boxes_into_view_on_an_80_by_24_terminal(
    app: MediatopApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(pilot)
        box = app.screen.query_one(Optimization)
        assert app.screen.scroll_y == 0 and app.screen.max_scroll_y > 0  # below the fold
        await pilot.press("tab", "tab")
        assert app.focused is box
        # Scrolled into view (the scroll is animated: wait for it to arrive).
        await wait_until(pilot, lambda: app.screen.scroll_y == app.screen.max_scroll_y)


@pytest.mark.parametrize("width", [36, 44, 60])
def test_an_opportunity_keeps_one_line_with_its_count_and_bytes_however_narrow(
    width: int,
) -> None:
    """On an 80-column terminal a wrapped line's second half fell below the box."""
    from rich.console import Console

    from mediatop.tui.data import Opportunity
    from mediatop.tui.widgets.optimization import opportunity_grid

    lines = [
        Opportunity("Resize", "oversized images", "oversized image", 10, 1_100_000, 9),
        Opportunity("Convert", "images to WebP/AVIF", "image to WebP/AVIF", 27, 1_600_000, 20),
    ]
    console = Console(width=width, record=True, color_system=None)
    console.print(opportunity_grid(lines))
    shown = console.export_text().splitlines()
    assert len(shown) == 2
    assert "10 " in shown[0] and shown[0].rstrip().endswith("save ≥1.1 MB")
    assert "27 " in shown[1] and shown[1].rstrip().endswith("save ≥1.6 MB")
    assert ("images to WebP/AVIF" in shown[1]) == (width != 36)  # else cut with "…"
    assert ("…" in shown[1]) == (width == 36)


async def test_slash_filters_and_s_sorts_the_most_used_table(app: MediatopApp) -> None:
    """The dashboard's table filters and sorts as the list screens' tables do."""

    def paths() -> list[str]:
        table = app.screen.query_one(FileTable)
        return [table.get_row_at(i)[0].plain for i in range(table.row_count)]

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("slash", *"2025")
        # of the seven files, those under 2025/
        await wait_until(pilot, lambda: len(paths()) == 3)
        assert sorted(paths()) == [
            "2025/01/team.webp", "2025/02/brochure.pdf", "2025/02/jingle.wav",
        ]  # fmt: skip
        await pilot.press("escape")  # clears the filter, back on the table
        await wait_until(pilot, lambda: len(paths()) == 7)
        assert isinstance(app.focused, FileTable)
        await pilot.press("s")  # by file name, Z to A ('.' sorts after '-')
        assert paths() == [
            "2026/03/spring.gif", "2025/02/jingle.wav", "2025/02/brochure.pdf",
            "2025/01/team.webp", "2024/05/logo.png", "2024/03/hero-banner.jpg",
            "2024/03/hero-banner-300x169.jpg",
        ]  # fmt: skip
        await pilot.press("S")  # A to Z
        assert paths()[0] == "2024/03/hero-banner-300x169.jpg"
        assert paths()[-1] == "2026/03/spring.gif"
        await pilot.press("enter")  # the cursor's file opens, as before
        assert isinstance(app.screen, FileDetailScreen)
