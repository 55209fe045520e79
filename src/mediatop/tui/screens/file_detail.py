"""One file's screen: what the store knows about it (`widgets.file_sections` draws the
sections, `widgets.video_plots` a video's plots), and the ways on from it. The table of
links lists the places that use the file and its exact copies: `enter` on a place lists
every library file that place uses, `enter` on a copy opens that file's screen, and
`escape` walks back one step at a time.

Every value read from the file (its name, its embedded title, author, the probe error
that may quote it, the titles of the places) is shown as plain, visible text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static
from textual.worker import get_current_worker

from mediatop.tui.data import DEFAULT_RANGE, load_file, user_message
from mediatop.tui.export import Export
from mediatop.tui.export_views import file_export
from mediatop.tui.messages import (
    FileChosen,
    FileLoaded,
    PlaceChosen,
    PreviewLoaded,
    WorkFailed,
)
from mediatop.tui.plain import plain, plain_path, size_text
from mediatop.tui.widgets.file_sections import (
    facts_table,
    more_sections,
    traffic_title,
    usage_section,
)
from mediatop.tui.widgets.image_preview import PREVIEW_COLUMNS, PREVIEW_ROWS, ImagePreview
from mediatop.tui.widgets.video_plots import VideoPlots

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import FileDetail


@dataclass(frozen=True)
class Link:
    """A row of the links table: a place that uses the file, or a copy of it."""

    place_type: str | None = None
    place_id: str | None = None
    title: str | None = None
    file_id: int | None = None


class LinksTable(DataTable[Text]):
    """Places using the file and its exact copies; enter follows the row.

    It has the focus (enter opens a place at once) but is a short table low on a long
    screen: the page keys scroll the screen, and moving the cursor brings the table
    into view."""

    HELP_GROUP = "Places and copies"
    BINDINGS = [
        Binding("enter", "select_cursor", "Open place or copy"),
        Binding("pagedown", "scroll_screen('page_down')", show=False),
        Binding("pageup", "scroll_screen('page_up')", show=False),
        Binding("home", "scroll_screen('home')", show=False),
        Binding("end", "scroll_screen('end')", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)

    def action_scroll_screen(self, how: str) -> None:
        page = self.parent
        if isinstance(page, VerticalScroll):
            getattr(page, f"scroll_{how}")(animate=False)

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.scroll_visible(animate=False)

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.scroll_visible(animate=False)


class FileDetailScreen(Screen[None]):
    """What the store knows about one file, and where it leads."""

    HELP_GROUP = "File"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        # Out of the footer (it is in `?` and `:`): the screens refresh on their own.
        Binding("r", "refresh", "Refresh", show=False),
        Binding("p", "toggle_preview", "Preview"),
    ]

    def __init__(self, library: MediaLibrary, file_id: int, *, now: datetime | None) -> None:
        super().__init__()
        self.library = library
        self.file_id = file_id
        self.now = now
        self.detail: FileDetail | None = None
        self.links: list[Link] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="file-detail"):
            yield Static(Text("Reading the store…", style="dim"), id="file-facts")
            yield ImagePreview(id="file-preview", classes="-hidden")
            yield Static(id="file-usage")
            yield Static(id="file-traffic-title", classes="-hidden")
            yield Sparkline([], id="file-traffic", classes="-hidden")
            yield VideoPlots(id="video-plots")
            yield Static(id="file-links-title", classes="-hidden")
            yield LinksTable(id="file-links", classes="-hidden")
            yield Static(id="file-more")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#file-detail").border_title = "File"
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the file's figures (again: the app calls this when the library changes
        or the range does)."""
        range_name = str(getattr(self.app, "range_name", DEFAULT_RANGE))
        self.run_worker(
            lambda: self._load(range_name), thread=True, exclusive=True, name="load file"
        )

    def _load(self, range_name: str) -> None:
        worker = get_current_worker()
        try:
            detail = load_file(self.library, self.now, self.file_id, range_name)
        except Exception as exc:  # shown on the screen, never as a traceback
            self.post_message(WorkFailed("Reading the file", user_message(exc)))
            return
        if not worker.is_cancelled:  # a newer load replaced this one: its figures are older
            self.post_message(FileLoaded(detail))

    def on_file_loaded(self, message: FileLoaded) -> None:
        detail = self.detail = message.detail
        # The name, not the id: ids depend on the order a scan met the files.
        self.query_one("#file-detail").border_title = Text.assemble(
            "File ", plain_path(os.path.basename(detail.file.path))
        )
        self.query_one("#file-facts", Static).update(facts_table(detail.file))
        report = detail.report
        self.query_one("#file-usage", Static).update(usage_section(report, detail.range_label))
        # Views, not requests: tracked events count as views but are not requests.
        views = [day.views for day in report.traffic]
        has_traffic = any(views)
        if has_traffic:
            self.query_one("#file-traffic-title", Static).update(traffic_title(report))
            self.query_one("#file-traffic", Sparkline).data = views
        for selector in ("#file-traffic-title", "#file-traffic"):
            self.query_one(selector).set_class(not has_traffic, "-hidden")
        self.query_one(VideoPlots).show(report)
        self._preview(detail)
        self._fill_links(detail)
        self.query_one("#file-more", Static).update(more_sections(report))

    def _fill_links(self, detail: FileDetail) -> None:
        """The places using the file, then its copies; hidden when there is neither."""
        table = self.query_one(LinksTable)
        had_focus = table.has_focus
        table.clear(columns=True)
        table.add_columns("What", "Where", "")
        self.links = []
        for place in detail.report.used_in:
            self.links.append(Link(place.type, place.id, place.title))
            where = plain(place.title or place.id)
            table.add_row(
                Text(f"{place.type} ({place.usage})"), where, plain(place.url or "", "dim"),
                key=str(len(self.links) - 1),
            )  # fmt: skip
        copies = detail.report.exact_copies
        for copy in copies:
            self.links.append(Link(file_id=int(copy.id)))
            table.add_row(
                Text("exact copy", style="yellow"), plain_path(copy.filename),
                Text(size_text(copy.size), style="dim"), key=str(len(self.links) - 1),
            )  # fmt: skip
        places, count = len(detail.report.used_in), len(copies)
        title = f"Used in {places} place{'s' if places != 1 else ''}"
        if count:
            title += f", {count} exact cop{'ies' if count != 1 else 'y'}"
        self.query_one("#file-links-title", Static).update(
            Text.assemble((title, "bold underline"), ("  (enter opens)", "dim"))
        )
        for selector in ("#file-links-title", "#file-links"):
            self.query_one(selector).set_class(not self.links, "-hidden")
        if self.links and not had_focus:
            # Not scrolled to: the file's facts stay at the top. Scrolling to the table
            # as it was before this layout opened the screen some lines down, or not.
            table.focus(scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_preview":  # only images have a preview
            return self.detail is not None and self.detail.file.kind == "image"
        return True

    def action_toggle_preview(self) -> None:
        """Show or hide the preview, on this and every file screen after it."""
        app: Any = self.app
        app.preview = not app.preview
        if self.detail is not None:
            self._preview(self.detail)

    def _preview(self, detail: FileDetail) -> None:
        """Draw the image's preview in a worker, when previews are on."""
        preview = self.query_one(ImagePreview)
        # A removed file has nothing to draw: its Removed row says why.
        shown = (
            bool(getattr(self.app, "preview", False))
            and detail.file.kind == "image"
            and detail.file.deleted_at is None
        )
        preview.set_class(not shown, "-hidden")
        self.refresh_bindings()
        if not shown:
            return
        preview.show_waiting()
        file_id = self.file_id
        self.run_worker(
            lambda: self._draw_preview(file_id), thread=True, exclusive=True, group="preview"
        )

    def _draw_preview(self, file_id: int) -> None:
        try:
            thumbnail = self.library.thumbnail(file_id, PREVIEW_COLUMNS, 2 * PREVIEW_ROWS)
        except Exception as exc:  # shown in the preview's place, never as a traceback
            self.post_message(PreviewLoaded(file_id, None, user_message(exc)))
            return
        self.post_message(PreviewLoaded(file_id, thumbnail))

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        preview = self.query_one(ImagePreview)
        if message.thumbnail is not None:
            preview.show_thumbnail(message.thumbnail)
        else:
            preview.show_problem(message.problem)

    @on(DataTable.RowSelected, "#file-links")
    def _follow_link(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:
            return
        link = self.links[int(event.row_key.value)]
        if link.file_id is not None:
            self.post_message(FileChosen(link.file_id))
        elif link.place_type is not None and link.place_id is not None:
            self.post_message(PlaceChosen(link.place_type, link.place_id, link.title))

    def on_work_failed(self, message: WorkFailed) -> None:
        self.query_one("#file-facts", Static).update(
            Text.assemble((f"{message.what} failed: ", "bold red"), plain(message.error))
        )

    def export_view(self) -> Export | None:
        """The file, its report over the range and its copies (`e`)."""
        return None if self.detail is None else file_export(self.detail)
