"""The shared base of the list screens: figures over a table, with the keys of k9s.

A subject screen (Images, Videos, ...) names its report, its figures and its lists
(`mediatop.tui.view`); this base reads the report in a thread worker, draws the
figures (with the previous period beside each when comparing), fills the table with
the list's rows, and gives every list screen the same keys: `/` filters the rows as
you type, `s` cycles the sort column and `S` its direction, `l` shows the screen's next
list, `enter` opens the file of the row, `r` reads again and `escape` goes back.
A key with nothing to act on (no row, an empty list) is neither shown nor reachable.
Under the table, the cells of the highlighted row that its columns cut short (a long
finding, a path, the evidence for an unused file) are shown whole.
Outside text (names, titles, reasons) is drawn as plain, visible text.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static, Tabs
from textual.worker import get_current_worker

from mediatop.timerange import period_words
from mediatop.tui.data import user_message
from mediatop.tui.export import Export
from mediatop.tui.figures_grid import figures_grid
from mediatop.tui.messages import FileChosen, ReportLoaded, WorkFailed
from mediatop.tui.plain import cut_in_the_middle, plain, wrapped
from mediatop.tui.screens.pacing import PacedLoads
from mediatop.tui.subject_data import ReportFigures, load_report
from mediatop.tui.view import (
    Column,
    Figure,
    ListSpec,
    Record,
    Shown,
    file_id,
    file_id_in_key,
    records_of,
    row_again,
    row_keys,
    row_texts,
    shown,
)
from mediatop.tui.widgets.subject_tabs import SubjectTabs

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary

NUMERIC = ("count", "size", "percent", "ms", "seconds", "ratio")
# A list follows the library's changes at most this often: savings batches commit every
# second or so, and a read cut short by the next one would never be shown.
CHANGE_RELOAD_S = 5.0


class ListTable(DataTable[Text]):
    """The rows of the list shown, one per record; enter opens the row's file."""

    HELP_GROUP = "List"
    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="Open file")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_cursor":  # only a row of a list of files opens something
            spec = getattr(self.screen, "spec", None)
            return spec is not None and spec.file_key is not None and self.row_count > 0
        return True


class FilterInput(Input):
    """The filter, shown by `/`: the table keeps the rows containing its text."""

    HELP_GROUP = "Filter"
    BINDINGS = [Binding("escape", "clear", "Clear the filter")]

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one(ListTable).focus()


def _cell(column: Column, text: str, width: int) -> Text:
    """A list cell: a number to the right; a path too wide cut in the middle, keeping the
    end of its name in view (the row under the table shows it whole)."""
    if column.fmt in NUMERIC:
        return Text(text, justify="right")
    if column.fmt == "path":
        return cut_in_the_middle(plain(text), width)
    return plain(text)


class ListScreen(Screen[None]):
    """Figures over a filterable, sortable table of one of the screen's lists."""

    HELP_GROUP = "List screen"
    # Textual's default focus, the first focusable widget, is the hidden filter (`focusable`
    # ignores `display`): keys typed ahead (`1` then `q`) went into it.
    AUTO_FOCUS = "#list"
    COMPARES = True  # `c` puts the previous period beside its figures (the app asks)
    RANGED = True  # `t` changes the figures (the app asks), and the box names the period
    BINDINGS = [
        Binding("escape", "back", "Back"),
        # r and l only in `?` and `:`: screens refresh themselves; a list's title says l.
        Binding("r", "refresh", "Refresh", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("s", "sort", "Sort", tooltip="Sort column"),
        Binding("S", "sort_direction", "Sort direction", key_display="S", show=False),
        Binding("l", "next_list", "Next list", show=False),
    ]
    NAME: ClassVar[str] = ""  # the tab's name: 'images'
    LABEL: ClassVar[str] = ""  # 'Images'
    REPORT: ClassVar[str] = ""  # the report read: 'images'
    OPTIONS: ClassVar[dict[str, str]] = {}
    FIGURES: ClassVar[tuple[Figure, ...]] = ()
    LISTS: ClassVar[tuple[ListSpec, ...]] = ()

    def __init__(self, library: MediaLibrary, *, now: datetime | None) -> None:
        super().__init__()
        self.library = library
        self.now = now
        self.figures: ReportFigures | None = None
        # Whether the figures shown are those of the latest read (`load` starts one).
        self.settled = False
        self.list_index = 0
        self.column_widths: list[int] = []  # as drawn, to tell which cells are cut short
        self.sort_column: int | None = None
        self.descending = True
        self.view: Shown | None = None
        self._paced_loads = PacedLoads(self, self.load, CHANGE_RELOAD_S)

    # What a screen may override.

    def read(self, range_name: str, compare: bool) -> ReportFigures:
        """The screen's figures (in a worker thread): its report over the range."""
        return load_report(
            self.library, self.now, self.REPORT, range_name, compare=compare, options=self.OPTIONS
        )

    def notes(self, report: Any) -> list[str]:
        """Sentences shown under the figures (they may quote outside text)."""
        return []

    def show_more(self, figures: ReportFigures) -> None:
        """Hook for widgets of a screen's own (a plot): called with every new report."""

    def compose_more(self) -> ComposeResult:
        yield from ()

    def marked_ids(self) -> set[int] | None:
        """The ids of the files marked for cleanup, shown in a first column; None: the
        screen has no marks (see `mediatop.tui.screens.marking`)."""
        return None

    def box_title(self) -> Text:
        """The title of the figures' box (plain text: it may quote a page's title)."""
        return Text(self.LABEL)

    # The screen.

    def compose(self) -> ComposeResult:
        yield Header()
        if self.NAME:
            yield SubjectTabs(self.NAME)
        with VerticalScroll(id="figures-box"):
            yield Static(Text("Reading the store…", style="dim"), id="figures")
            yield Static(id="figure-notes")
        yield from self.compose_more()
        field = FilterInput(placeholder="filter: type to keep matching rows", id="filter")
        field.display = False  # until `/`
        yield field
        yield ListTable(id="list")
        yield Static(id="row-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#figures-box").border_title = self.box_title()
        self.query_one("#row-detail").display = False
        self.query_one(ListTable).focus()
        self.load()

    def library_changed(self) -> None:
        """The folder or the store changed (the app says so): read the figures again,
        the first time at once."""
        self._paced_loads.ask()

    @property
    def spec(self) -> ListSpec:
        return self.LISTS[self.list_index]

    def load(self) -> None:
        """Read the figures again (the app calls this when the range changes)."""
        self.settled = False
        app: Any = self.app
        range_name, compare = app.range_name, app.compare and self.COMPARES
        if self.COMPARES:  # the header says whether these figures are compared
            self.sub_title = app.header_note(self, compared=compare and range_name != "all")
        self.run_worker(
            lambda: self._read(range_name, compare), thread=True, exclusive=True, name="read list"
        )

    def _read(self, range_name: str, compare: bool) -> None:
        worker = get_current_worker()
        try:
            figures = self.read(range_name, compare)
            if not worker.is_cancelled:
                self.post_message(ReportLoaded(figures))
        except Exception as exc:  # a visible error row, never a traceback
            self.post_message(WorkFailed(f"Reading {self.LABEL}", user_message(exc)))

    def on_report_loaded(self, message: ReportLoaded) -> None:
        self.figures = message.figures
        self.settled = True
        box = self.query_one("#figures-box")
        box.border_subtitle = self._range_caption(message.figures) if self.RANGED else ""
        self.query_one("#figures", Static).update(self._figures_grid(message.figures))
        notes = [plain(n) for n in self.notes(message.figures.report)]
        if message.figures.compare_note:
            notes.append(plain(message.figures.compare_note))
        self.query_one("#figure-notes", Static).update(
            wrapped(Text("\n").join(notes)) if notes else ""
        )
        self.query_one("#figure-notes").display = bool(notes)
        self.show_more(message.figures)
        self._fill()

    def on_work_failed(self, message: WorkFailed) -> None:
        self.query_one("#figures", Static).update(
            Text.assemble((f"{message.what} failed: ", "bold red"), plain(message.error))
        )

    def _range_caption(self, figures: ReportFigures) -> str:
        if figures.previous_label:
            return f"{period_words(figures.range_label)}, against the {figures.previous_label}"
        return period_words(figures.range_label)

    def _figures_grid(self, figures: ReportFigures) -> Table:
        width = self.query_one("#figures").content_region.width or self.app.size.width - 4
        return figures_grid(figures, self.FIGURES, width)

    def _fill(self) -> None:
        """The list's rows as filtered and sorted, the cursor kept on its row's file."""
        if self.figures is None or not self.LISTS:
            return
        spec = self.spec
        table = self.query_one(ListTable)
        cursor = table.cursor_row
        # The cursor's row is found again by its key (`row_keys`: its file), not its number:
        # rows landing above it must not slide another file under `enter` or a mark.
        on_list = self.view is not None and self.view.spec is spec and cursor < table.row_count
        kept = table.ordered_rows[cursor].key.value if on_list else None
        self.view = shown(
            records_of(self.figures.report, spec),
            spec,
            filter_text=self.query_one(FilterInput).value,
            sort_column=self.sort_column,
            descending=self.descending,
        )
        table.clear(columns=True)
        marked = self.marked_ids()
        if marked is not None:
            table.add_column(Text("✓"), key="mark", width=1)
        fixed = sum(c.width or 0 for c in spec.columns) + (3 if marked is not None else 0)
        free = table.size.width - fixed - 2 * len(spec.columns) - 2
        self.column_widths = [column.width or max(16, free) for column in spec.columns]
        for index, (column, width) in enumerate(zip(spec.columns, self.column_widths, strict=True)):
            title = Text(column.title + self._sort_mark(index))
            if column.fmt in NUMERIC:
                title.justify = "right"
            table.add_column(title, key=str(index), width=width)
        keys = row_keys(self.view.rows, spec.file_key)
        for record, key in zip(self.view.rows, keys, strict=True):
            texts = row_texts(record, spec.columns)
            cells = [
                _cell(c, text, width)
                for c, text, width in zip(spec.columns, texts, self.column_widths, strict=True)
            ]
            if marked is not None:
                cells.insert(0, Text("✓" if self.file_id_of(record) in marked else ""))
            table.add_row(*cells, key=key)
        if self.view.rows:
            table.move_cursor(row=row_again(kept, keys, cursor))
        self._show_whole(table.cursor_row if self.view.rows else None)
        table.border_title = self._list_title()
        table.border_subtitle = self._list_caption()
        self.refresh_bindings()  # the keys that need a row, or a list, follow the rows

    def _sort_mark(self, index: int) -> str:
        return (" ↓" if self.descending else " ↑") if index == self.sort_column else ""

    def _list_title(self) -> str:
        more = f" ({self.list_index + 1}/{len(self.LISTS)}, l: next)" if len(self.LISTS) > 1 else ""
        return f"{self.spec.title}{more}"

    def _list_caption(self) -> str:
        assert self.view is not None
        count = len(self.view.rows)
        if self.view.filter_text:
            return f"{count} of {self.view.total} rows match the filter"
        return f"{count} row{'s' if count != 1 else ''}"

    def on_resize(self) -> None:
        if self.figures is not None:  # as many figures to a line as the width holds
            self.query_one("#figures", Static).update(self._figures_grid(self.figures))
        self._fill()

    # Keys.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that do nothing on this screen are left out of the footer.
        if action == "next_list":
            return len(self.LISTS) > 1
        if action in ("sort", "sort_direction", "filter"):  # nothing to sort or filter
            return self.view is not None and self.view.total > 0
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    def action_filter(self) -> None:
        field = self.query_one(FilterInput)
        field.display = True
        field.focus()

    def action_sort(self) -> None:
        if self.LISTS:
            count = len(self.spec.columns)
            self.sort_column = 0 if self.sort_column is None else (self.sort_column + 1) % count
            self._fill()

    def action_sort_direction(self) -> None:
        self.descending = not self.descending
        self._fill()

    def action_next_list(self) -> None:
        if len(self.LISTS) > 1:
            self.list_index = (self.list_index + 1) % len(self.LISTS)
            self.sort_column = None
            self._fill()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(ListTable).focus()

    @on(DataTable.RowHighlighted, "#list")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_whole(event.cursor_row)

    def _show_whole(self, number: int | None) -> None:
        """Under the table, the cells of row `number` that their columns cut short."""
        lines = []
        if self.view is not None and number is not None and 0 <= number < len(self.view.rows):
            columns = self.spec.columns
            texts = row_texts(self.view.rows[number], columns)
            for column, text, width in zip(columns, texts, self.column_widths, strict=False):
                if column.fmt not in NUMERIC and cell_len(text) > width:
                    lines.append(Text.assemble((f"{column.title}: ", "bold"), plain(text)))
        detail = self.query_one("#row-detail", Static)
        detail.update(wrapped(Text("\n").join(lines)) if lines else "")
        detail.display = bool(lines)

    @on(DataTable.RowSelected, "#list")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        # The key's file, not the row's: a read landing before this may have moved it.
        chosen = None if event.row_key.value is None else file_id_in_key(event.row_key.value)
        if chosen is not None:
            self.post_message(FileChosen(chosen))

    def file_id_of(self, record: Record) -> int | None:
        """The library id of the file a row is about, None for rows of other things."""
        return file_id(record, self.spec.file_key)

    @on(Tabs.TabActivated)
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix("tab-")
        if name and name != self.NAME:
            self.run_worker(self.app.run_action(f"show({name!r})"))

    def export_view(self) -> Export | None:
        """What the screen shows: its figures and its list's rows as shown."""
        from mediatop.tui.export_views import list_export

        if self.figures is None:
            return None
        return list_export(self.LABEL, self.figures, self.FIGURES, self.view)
