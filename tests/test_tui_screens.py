"""The subject screens and their keys, driven with the pilot on `screens_library`.

Expected figures are worked out from the data the fixtures write (tui_fixtures'
access log: logo.png 9 requests, hero-banner.jpg 5, brochure.pdf 3, jingle.wav 2,
team.webp 1, request n of a file on day 8 + n % 7 of March 2026 at hour index + 1; the
frozen clock is 2026-03-15 12:00 UTC; record_engagement adds 14 tracked views of the
hero banner within the 5 days before it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static, Tabs

from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen, LinksTable
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.screens.listing import FilterInput, ListScreen, ListTable
from mediatop.tui.screens.subjects.page_files import PageFilesScreen
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import (
    dashboard_app,
    file_screen_loaded,
    rendered_text,
    static_text,
    wait_for_dashboard,
    wait_until,
)
from tui_screen_fixtures import (
    column,
    figures_text,
    open_subject,
    screens_library,
    table_rows,
    wait_for_list,
)

SIZE = (120, 40)


@pytest.fixture
def screens_settings(tmp_path: Path) -> Settings:
    return screens_library(tmp_path)


@pytest.fixture
def screens_app(screens_settings: Settings, tmp_path: Path) -> MediatopApp:
    exports = tmp_path / "exports"
    exports.mkdir()
    return dashboard_app(screens_settings, export_dir=exports)


SUBJECT_KEYS = {
    "1": "images", "2": "videos", "3": "documents", "4": "audio", "5": "unused",
    "6": "duplicates", "7": "insights", "8": "ingest", "o": "optimize",
}  # fmt: skip


async def _most_viewed_images(pilot: Pilot[None]) -> ListScreen:
    """The Images screen at its fourth list (after the oversized, the unoptimised and
    the opportunities): the most viewed images, hero-banner.jpg first."""
    images = await open_subject(pilot, "1")
    for _ in range(3):
        await pilot.press("l")
    assert images.spec.title == "Most viewed images"
    return images


async def test_each_subject_key_opens_its_screen_with_its_tab_active(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        for key, name in SUBJECT_KEYS.items():
            screen = await open_subject(pilot, key)
            assert name == screen.NAME
            assert screen.query_one(Tabs).active == f"tab-{name}"
            # One subject screen replaces the other: escape goes back to the dashboard.
            assert len(pilot.app.screen_stack) == 2
        await pilot.press("0")
        assert isinstance(pilot.app.screen, DashboardScreen)


async def test_a_click_on_a_tab_opens_its_screen(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "1")
        await pilot.click("#tab-audio")
        await wait_until(pilot, lambda: getattr(pilot.app.screen, "NAME", "") == "audio")
        audio = await wait_for_list(pilot)
        assert column(audio, "File") == ["2025/02/jingle.wav"]


async def test_subject_screens_show_their_reports_figures_and_rows(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        documents = await open_subject(pilot, "3")
        # brochure.pdf: 3 requests in the log, each a download.
        assert column(documents, "File") == ["2025/02/brochure.pdf"]
        assert column(documents, "Downloads") == ["3"]
        assert "Downloads        3" in figures_text(documents)
        audio = await open_subject(pilot, "4")
        # jingle.wav: 2 requests from two addresses, two plays.
        assert column(audio, "Plays") == ["2"]
        duplicates = await open_subject(pilot, "6")
        # team-copy.webp has team.webp's bytes; team.webp has the use (1 request, its one
        # view: 1 use, as Most Used counts it): kept.
        assert table_rows(duplicates) == [  # first: the (empty) cleanup mark
            ["", "1", "keep", "2025/01/team.webp", "1", "8.7 kB"],
            ["", "1", "copy", "2025/01/team-copy.webp", "0", "8.7 kB"],
        ]
        ingest = await open_subject(pilot, "8")
        # 9 + 5 + 3 + 2 + 1 = 20 lines, all accepted.
        assert column(ingest, "Lines") == ["20"]
        assert column(ingest, "Accepted") == ["20"]
        await pilot.press("l")  # malformed lines per reason: none
        await pilot.press("l")  # event sources: 20 log events, 20 imported
        assert ingest.spec.title == "Event sources"
        # record_engagement: 14 views + 3 clicks + 2 shares + 1 download = 20 imported.
        assert sorted(zip(column(ingest, "Source"), column(ingest, "Events"), strict=True)) == [
            ("import", "20"),
            ("log", "20"),
        ]


async def test_drill_down_from_the_dashboard_to_a_page_and_back_with_escape(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        images = await _most_viewed_images(pilot)
        # hero-banner.jpg: 5 log views + 14 tracked = 19; logo.png 9; team.webp 1.
        assert column(images, "File")[0] == "2024/03/hero-banner.jpg"
        assert column(images, "Views") == ["19", "9", "1"]
        await pilot.press("enter")
        hero = await file_screen_loaded(pilot)
        assert hero.detail is not None and hero.detail.file.path == b"2024/03/hero-banner.jpg"
        links = hero.query_one(LinksTable)
        assert links.has_focus
        places = [links.get_row_at(i)[1].plain for i in range(links.row_count)]
        assert sorted(places) == ["About us", "Spring sale"]
        links.move_cursor(row=places.index("About us"))
        await pilot.press("enter")
        page = await wait_for_list(pilot)
        assert isinstance(page, PageFilesScreen)
        assert column(page, "File") == ["2024/03/hero-banner.jpg", "2024/05/logo.png"]
        await pilot.press("down", "enter")
        logo = await file_screen_loaded(pilot)
        assert logo.detail is not None and logo.detail.file.path == b"2024/05/logo.png"
        # Back one step at a time: logo, page, hero, Images, the dashboard.
        expected = [PageFilesScreen, FileDetailScreen, type(images), DashboardScreen]
        for kind in expected:
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(pilot.app.screen, kind)


async def test_enter_on_an_exact_copy_opens_the_other_copy(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "6")  # the duplicates report hashes what it compares
        await pilot.press("enter")  # team.webp, the kept copy
        team = await file_screen_loaded(pilot)
        links = team.query_one(LinksTable)
        assert [links.get_row_at(i)[1].plain for i in range(links.row_count)] == [
            "2025/01/team-copy.webp"
        ]
        await pilot.press("enter")
        copy = await file_screen_loaded(pilot)
        assert copy is not team
        assert copy.detail is not None and copy.detail.file.path == b"2025/01/team-copy.webp"


async def test_filter_keeps_matching_rows_and_sort_orders_them(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        images = await open_subject(pilot, "1")
        for _ in range(4):
            await pilot.press("l")
        assert images.spec.title == "Formats"
        # Formats of the 6 images: JPEG 2, PNG 1, WEBP 2, GIF 1 (in the report's order).
        assert sorted(column(images, "Format")) == ["GIF", "JPEG", "PNG", "WEBP"]
        await pilot.press("s")  # sort by the first column (Format), descending
        assert column(images, "Format") == ["WEBP", "PNG", "JPEG", "GIF"]
        await pilot.press("S")  # ascending
        assert column(images, "Format") == ["GIF", "JPEG", "PNG", "WEBP"]
        await pilot.press("s")  # the next column: Files, ascending; ties keep their order
        assert column(images, "Files") == ["1", "1", "2", "2"]
        await pilot.press("slash")
        assert images.query_one(FilterInput).has_focus
        await pilot.press("p", "n")
        assert column(images, "Format") == ["PNG"]
        assert images.query_one(ListTable).border_subtitle == "1 of 4 rows match the filter"
        await pilot.press("escape")  # clears the filter, back to the table
        assert len(column(images, "Format")) == 4
        assert images.query_one(ListTable).has_focus


async def test_cells_cut_short_are_shown_whole_under_the_list(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        insights = await open_subject(pilot, "7")
        detail = insights.query_one("#row-detail", Static)
        findings = [i["message"] for i in insights.figures.report["insights"]]  # type: ignore[union-attr]
        for row in range(2):  # each finding is longer than its column: shown whole below
            assert len(findings[row]) > insights.column_widths[2]
            assert detail.display
            assert f"Finding: {findings[row]}" in str(detail.render())
            await pilot.press("down")
        images = await open_subject(pilot, "1")
        for _ in range(4):  # to the Formats list: short cells only
            await pilot.press("l")
        assert images.spec.title == "Formats"
        assert not images.query_one("#row-detail").display


async def test_t_changes_the_range_of_every_screen(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        documents = await open_subject(pilot, "3")
        assert column(documents, "Downloads") == ["3"]
        await pilot.press("enter")
        brochure = await file_screen_loaded(pilot)
        assert "Use, last 30d" in static_text(brochure, "#file-usage")
        dashboard = pilot.app.screen_stack[0]
        assert isinstance(dashboard, DashboardScreen)
        for _ in range(3):  # 30d -> 90d -> all -> 24h
            await pilot.press("t")
        assert pilot.app.sub_title == "range 24h"
        # The brochure's requests were on 8-10 March: none in the last 24 hours.
        await wait_until(pilot, lambda: "Use, last 24h" in static_text(
            brochure, "#file-usage"))  # fmt: skip
        assert "Uses       0 (0 views, 0 downloads)" in static_text(brochure, "#file-usage")
        await pilot.press("escape")
        # No download in the last 24 hours: the figure is 0 and the list is empty.
        await wait_until(pilot, lambda: "Downloads        0" in figures_text(documents))
        assert table_rows(documents) == []
        await wait_until(
            pilot, lambda: dashboard.query_one(StorageOverview).data.range_label == "24h"
        )


async def test_duplicates_uses_follow_the_range_and_the_kept_copy_does_not(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        duplicates = await open_subject(pilot, "6")
        # team.webp's one log request (8 March, 05:00) is its one view: 1 use
        # in the last 30 days; its copy has none, and no place uses either.
        assert column(duplicates, "Uses") == ["1", "0"]
        for _ in range(4):  # 30d -> 90d -> all -> 24h -> 7d
            await pilot.press("t")
        # The last 7 days start on 8 March at 12:00, after that request.
        await wait_until(pilot, lambda: column(duplicates, "Uses") == ["0", "0"])
        # team.webp is still the copy kept: it is the more used over all time.
        assert column(duplicates, "Keep") == ["keep", "copy"]
        assert column(duplicates, "File") == ["2025/01/team.webp", "2025/01/team-copy.webp"]


async def test_c_puts_the_previous_period_beside_each_figure(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        documents = await open_subject(pilot, "3")
        for _ in range(4):  # 30d -> 90d -> all -> 24h -> 7d
            await pilot.press("t")
        # The last 7 days start on 8 March at 12:00: the brochure's requests of 9 and 10
        # March count, the one of 8 March at 03:00 falls in the 7 days before.
        await wait_until(pilot, lambda: column(documents, "Downloads") == ["2"])
        await pilot.press("c")
        # the header says so on this screen, and not on the dashboard, which is not compared
        assert "compared with the period before" in documents.sub_title
        assert "compared" not in pilot.app.sub_title
        await wait_until(pilot, lambda: "(was 1, +100.0%)" in figures_text(documents))
        assert "Downloads        2 (was 1, +100.0%)" in figures_text(documents)


async def test_c_is_offered_only_where_figures_are_compared(screens_app: MediatopApp) -> None:
    """The dashboard's boxes and a file screen are not compared: there `c` is neither in
    the footer's keys nor does it do anything; on a subject screen it is and does."""

    def offers_c() -> bool:
        return "c" in {b.binding.key for b in pilot.app.active_bindings.values()}

    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        assert not offers_c()
        await pilot.press("c")
        assert not pilot.app.compare  # type: ignore[attr-defined]
        await open_subject(pilot, "3")
        assert offers_c()
        await pilot.press("c")
        assert pilot.app.compare  # type: ignore[attr-defined]


async def test_the_footer_offers_enter_only_on_rows_of_files(screens_app: MediatopApp) -> None:
    def footer_says() -> set[str]:
        return {str(getattr(key, "description", "")) for key in pilot.app.screen.query("FooterKey")}

    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        images = await _most_viewed_images(pilot)
        await pilot.pause()
        assert "Open" in footer_says()
        await pilot.press("l")
        await pilot.pause()
        assert images.spec.title == "Formats"
        assert "Open" not in footer_says()
        await pilot.press("l")  # the first list, of files: no image is oversized
        await pilot.pause()
        assert table_rows(images) == []
        assert "Open" not in footer_says()
        await pilot.press("l", "l", "l")  # the most viewed again
        await pilot.pause()
        assert "Open" in footer_says()


async def test_e_and_E_write_what_the_screen_shows(screens_app: MediatopApp) -> None:
    import csv
    import json

    app = screens_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        images = await _most_viewed_images(pilot)
        await pilot.press("slash", "o")  # hero-banner.jpg and logo.png, not team.webp
        await pilot.press("enter")
        shown = column(images, "File")
        assert shown == ["2024/03/hero-banner.jpg", "2024/05/logo.png"]
        await pilot.press("e")
        await wait_until(pilot, lambda: app.last_export is not None)
        assert app.last_export is not None and app.last_export.suffix == ".json"
        document = json.loads(app.last_export.read_text())
        assert document["screen"] == "Images" and document["list"] == "Most viewed images"
        assert [row["File"] for row in document["rows"]] == shown
        assert [row["Views"] for row in document["rows"]] == [19, 9]
        assert document["figures"]["Images"] == 6  # 5 images and the copy of team.webp
        # A JSON export is one document, not rows: the app says which screen it holds.
        told = [n.message for n in app._notifications]
        assert f"Exported Images as JSON to {app.last_export}" in told
        first = app.last_export
        await pilot.press("E")
        await wait_until(pilot, lambda: app.last_export != first)
        assert app.last_export is not None and app.last_export.suffix == ".csv"
        with app.last_export.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [row["File"] for row in rows] == shown
        assert [row["Views"] for row in rows] == ["19", "9"]
        told = [n.message for n in app._notifications]
        assert f"Exported 2 rows as CSV to {app.last_export}" in told


async def test_e_on_the_dashboard_writes_its_boxes(screens_app: MediatopApp) -> None:
    import json

    app = screens_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: app.last_export is not None)
        assert app.last_export is not None
        document = json.loads(app.last_export.read_text())
        # 7 files of the snapshot library and the copy of team.webp.
        assert document["storageOverview"]["totalFiles"] == 8
        assert document["mostUsedMedia"][0]["file"] == "2024/03/hero-banner.jpg"


async def _from_the_palette(pilot: Pilot[None], words: str) -> None:
    """Open the palette (`:`), type `words` and run the command they find."""
    await pilot.press("colon")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def test_palette_offers_every_key_and_runs_it(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "3")
        await _from_the_palette(pilot, "time range")
        await wait_until(pilot, lambda: pilot.app.sub_title == "range 90d")


async def test_the_palette_offers_export_and_compare_as_the_keys_do(
    screens_app: MediatopApp, tmp_path: Path
) -> None:
    """The palette asks whether an action applies of the screen under it, not of itself
    (export and compare were missing from it everywhere)."""
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "3")
        await _from_the_palette(pilot, "export json")
        await wait_until(pilot, lambda: any((tmp_path / "exports").glob("*.json")))
        await _from_the_palette(pilot, "compare")
        await wait_until(pilot, lambda: "compared" in (pilot.app.screen.sub_title or ""))


async def test_help_lists_every_key_of_a_list_screen(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await _most_viewed_images(pilot)  # a list with rows: every key has one to act on
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.pause()
        text = rendered_text(pilot.app.screen.query_one("#help").query_one("Static").content)
        for description in (
            "Filter", "Sort column", "Sort direction", "Next list", "Open file", "Back",
            "Refresh", "Export JSON", "Export CSV", "Time range", "Compare", "Commands",
            "Images", "Dashboard", "Optimize", "Quit",
        ):  # fmt: skip
            assert description in text, description


async def test_r_reads_the_report_again(
    screens_app: MediatopApp, screens_settings: Settings, tmp_path: Path
) -> None:
    from tui_fixtures import FROZEN_NOW, ingest

    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        documents = await open_subject(pilot, "3")
        assert column(documents, "Downloads") == ["3"]
        stamp = FROZEN_NOW.replace(day=14).strftime("%d/%b/%Y:%H:%M:%S +0000")
        log = tmp_path / "more.log"
        log.write_text(
            f'203.0.113.9 - - [{stamp}] "GET /uploads/2025/02/brochure.pdf HTTP/1.1" 200 10 '
            '"-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"\n'
        )
        ingest(screens_settings, log)
        await pilot.press("r")
        await wait_until(pilot, lambda: column(documents, "Downloads") == ["4"])


async def test_q_quits_from_a_list_screen(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "5")
        await pilot.press("q")
        await pilot.pause()
    assert screens_app.return_value == 0


async def test_o_on_the_dashboard_opens_optimize_and_escape_comes_back(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        optimize = await open_subject(pilot, "o")
        assert optimize.NAME == "optimize"
        # team-copy.webp is unused (never requested, no place uses it): one file to remove,
        # its 8,692 bytes the saving (the size the images report gives team.webp).
        assert "Remove   1 Remove saves   8.7 kB" in figures_text(optimize)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DashboardScreen)


async def test_ctrl_p_opens_the_same_palette(screens_app: MediatopApp) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        await pilot.press(*"time range")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.range_name == "90d")  # after 30d


async def test_e_on_a_file_screen_writes_its_report_and_copies(screens_app: MediatopApp) -> None:
    import json

    app = screens_app
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "6")
        await pilot.press("enter")  # team.webp, kept; its copy team-copy.webp
        await file_screen_loaded(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: app.last_export is not None)
        assert app.last_export is not None
        document = json.loads(app.last_export.read_text())
        assert document["report"]["filename"] == "2025/01/team.webp"
        # team.webp: its one request in the log (day 8, 05:00), within the 30 days.
        assert document["report"]["usage"]["usageCount"] == 1
        copies = document["report"]["exactCopies"]
        assert [c["filename"] for c in copies] == ["2025/01/team-copy.webp"]


async def test_a_report_that_cannot_be_read_shows_an_error_row(
    screens_app: MediatopApp, screens_settings: Settings
) -> None:
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        # The store is replaced by a file that is not a database.
        for suffix in ("-wal", "-shm"):
            Path(f"{screens_settings.db_path}{suffix}").unlink(missing_ok=True)
        screens_settings.db_path.write_bytes(b"this is not a database" * 100)
        await pilot.press("3")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, DashboardScreen))
        screen = pilot.app.screen
        await wait_until(pilot, lambda: "failed" in static_text(screen, "#figures"))
        text = static_text(screen, "#figures")
        assert text.startswith("Reading Documents failed: ")
        assert "Traceback" not in text
        assert pilot.app.is_running


async def test_a_file_screen_scrolls_with_the_page_keys_while_its_places_have_the_focus(
    screens_app: MediatopApp,
) -> None:
    async with screens_app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(pilot)
        await _most_viewed_images(pilot)
        await pilot.press("enter")  # hero-banner.jpg, used in two places
        hero = await file_screen_loaded(pilot)
        links = hero.query_one(LinksTable)
        await wait_until(pilot, lambda: links.row_count == 2)
        page = hero.query_one("#file-detail")
        assert links.has_focus and page.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert page.scroll_y > 0 and links.has_focus
        await pilot.press("home")
        await pilot.pause()
        assert page.scroll_y == 0
        await pilot.press("down")  # the cursor moves: the table comes into view
        await pilot.pause()
        assert links.cursor_row == 1
        assert page.scroll_y + page.scrollable_content_region.height >= links.virtual_region.bottom


async def test_at_80_columns_every_tab_shows_its_key_and_the_active_one_its_name(
    screens_app: MediatopApp,
) -> None:
    from textual.widgets import Tab

    from mediatop.tui.widgets.subject_tabs import SubjectTabs

    async with screens_app.run_test(size=(80, 24)) as pilot:
        await wait_for_dashboard(pilot)
        insights = await open_subject(pilot, "7")
        await pilot.pause()
        labels = [tab.label_text for tab in insights.query_one(SubjectTabs).query(Tab)]
        assert labels == ["0", "1", "2", "3", "4", "5", "6", "7 Insights", "8", "o"]
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        labels = [tab.label_text for tab in insights.query_one(SubjectTabs).query(Tab)]
        assert labels[0] == "0 Dashboard" and labels[-1] == "o Optimize"


async def test_q_quits_while_a_subject_screen_is_still_loading(screens_app: MediatopApp) -> None:
    """A key typed ahead as a screen opens reaches the list and the app, never the
    hidden filter (`q` went into the filter and the app stayed open)."""
    async with screens_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        # both queued at once, as the terminal's driver hands over keys typed ahead
        # (pilot.press would wait for the screen to settle between them)
        for key in "1q":
            pilot.app.post_message(events.Key(key, key))
        await wait_until(pilot, lambda: not pilot.app.is_running)
