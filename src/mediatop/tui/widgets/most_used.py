"""The Most Used Media box: the files used most over the range (uses, kind, size,
pixels/length/pages); while no use is recorded, the largest files, titled as such.

`enter` (or a click on the highlighted row) posts `FileTable.RowSelected`, which the
dashboard turns into the file's detail screen. `/` filters the rows as you type, `s`
cycles the sort column and `S` its direction, as on the list screens (`tui.view`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from mediatop.kinds import SHORT_LABEL, Kind
from mediatop.timerange import period_words
from mediatop.tui.data import NO_TRAFFIC, DashboardData, TableRow
from mediatop.tui.plain import count_text, cut_in_the_middle, plain_path, size_text
from mediatop.tui.view import Column, ListSpec, row_again, shown

if TYPE_CHECKING:
    from textual.widgets import Input

# Widths of the columns after the file name; the name takes what is left.
TYPE_WIDTH, USES_WIDTH, SIZE_WIDTH, DETAILS_WIDTH = 4, 7, 9, 18


class FileTable(DataTable[Text]):
    """The files of the box, one row per file, keyed by the file's id."""

    HELP_GROUP = "Files table"
    BINDINGS = [Binding("enter", "select_cursor", "Open file")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]


# The box's columns as the list screens' filter and sort see them (uses only when the
# box lists uses).
_COLUMNS = (
    Column("File", "path", "path"),
    Column("Type", "type"),
    Column("Uses", "uses", "count"),
    Column("Size", "size", "size"),
    Column("Details", "details"),
)


class MostUsed(Widget):
    """Most used files, or the largest ones until traffic is recorded."""

    BORDER_TITLE = "Most Used Media"
    HELP_GROUP = "Most Used Media"
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("s", "sort", "Sort", tooltip="Sort column"),
        # in help and the palette; the footer has no room for it beside the others
        Binding("S", "sort_direction", "Sort direction", key_display="S", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.data: DashboardData | None = None
        self.sort_column: int | None = None  # None: the box's own order
        self.descending = True
        self._filter: Input | None = None  # made at the first `/`

    def compose(self) -> ComposeResult:
        yield Static(id="most-used-note")
        yield FileTable(id="files")

    def action_filter(self) -> None:
        # Made at the first `/`: Textual's Input is not imported before the first paint.
        from mediatop.tui.widgets.most_used_filter import MostUsedFilter

        if self._filter is None:
            self._filter = MostUsedFilter()
            self.mount(self._filter, before=self.query_one(FileTable))
        self._filter.display = True
        self._filter.focus()

    def filter_text(self) -> str:
        """What the filter holds ('' before the first `/`)."""
        return self._filter.value if self._filter is not None else ""

    def action_sort(self) -> None:
        count = len(self._spec().columns)
        self.sort_column = 0 if self.sort_column is None else (self.sort_column + 1) % count
        self._refill()

    def action_sort_direction(self) -> None:
        self.descending = not self.descending
        self._refill()

    def on_input_changed(self, event: Message) -> None:
        event.stop()
        self._refill()

    def on_input_submitted(self, event: Message) -> None:
        event.stop()
        self.query_one(FileTable).focus()

    def _refill(self) -> None:
        if self.data is not None:
            self._fill(self.data)

    def _spec(self) -> ListSpec:
        with_uses = self.data is None or not self.data.most_used_is_largest
        columns = tuple(c for c in _COLUMNS if with_uses or c.key != "uses")
        return ListSpec("Most used", "", columns)

    def show(self, data: DashboardData) -> None:
        unchanged = self.data is not None and _listed(self.data) == _listed(data)
        self.data = data  # kept to refill the table on resize
        if unchanged:
            return  # a refill of the same rows would redraw the whole box
        if data.most_used_is_largest:
            self.border_title = "Largest Files"
            self.border_subtitle = "no use recorded yet" if not data.has_events else (
                f"no use recorded in the {period_words(data.range_label)}"
            )  # fmt: skip
        else:
            self.border_title = "Most Used Media"
            # Ordered as analytics.usage ranks: downloads and shares weigh more than views.
            self.border_subtitle = f"{period_words(data.range_label)}, by usage score"
        note = self.query_one("#most-used-note", Static)
        note.update(Text(NO_TRAFFIC, style="dim italic") if not data.has_events else "")
        note.display = not data.has_events
        self._fill(data)

    def on_resize(self) -> None:
        if self.data is not None:
            self._fill(self.data)

    def _fill(self, data: DashboardData) -> None:
        """Rebuild the rows, keeping the cursor on the same file when it is still listed,
        else on the same row (see `tui.view.row_again`)."""
        table = self.query_one(FileTable)
        selected, cursor = _cursor_key(table), table.cursor_row
        table.clear(columns=True)
        with_uses = not data.most_used_is_largest
        fixed = TYPE_WIDTH + SIZE_WIDTH + DETAILS_WIDTH + (USES_WIDTH if with_uses else 0)
        columns = 4 if with_uses else 3
        # Each column has one cell of padding on each side; keep room for the scrollbar.
        name_width = max(20, table.size.width - fixed - 2 * (columns + 1) - 2)
        table.add_column("File", key="file", width=name_width)
        table.add_column("Type", key="type", width=TYPE_WIDTH)
        if with_uses:
            table.add_column(Text("Uses", justify="right"), key="uses", width=USES_WIDTH)
        table.add_column(Text("Size", justify="right"), key="size", width=SIZE_WIDTH)
        table.add_column("Details", key="details", width=DETAILS_WIDTH)
        by_id = {row.file_id: row for row in data.most_used}
        records = [
            {"id": r.file_id, "path": r.path, "type": kind_label(r.kind), "uses": r.uses,
             "size": r.size, "details": r.details}
            for r in data.most_used
        ]  # fmt: skip
        view = shown(
            records, self._spec(), filter_text=self.filter_text(),
            sort_column=self.sort_column, descending=self.descending,
        )  # fmt: skip
        keys = [str(record["id"]) for record in view.rows]
        for record, key in zip(view.rows, keys, strict=True):
            table.add_row(*_cells(by_id[record["id"]], with_uses, name_width), key=key)
        if keys:
            table.move_cursor(row=row_again(selected, keys, cursor))

    def selected_file_id(self) -> int | None:
        """The id of the file under the cursor, if any (for tests and actions)."""
        key = _cursor_key(self.query_one(FileTable))
        return None if key is None else int(key)


def _listed(data: DashboardData) -> tuple[object, ...]:
    """What the box draws of `data`: rows, title and note."""
    return (data.most_used, data.most_used_is_largest, data.has_events, data.range_label)


def _cursor_key(table: FileTable) -> str | None:
    if not table.row_count:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return key


def kind_label(kind: str) -> str:
    """IMG / VID / DOC / AUD / OTH, as in the mock-up."""
    try:
        return SHORT_LABEL[Kind(kind)]
    except ValueError:
        return kind[:3].upper()


def _cells(row: TableRow, with_uses: bool, name_width: int) -> list[Text]:
    cells = [cut_in_the_middle(plain_path(row.path), name_width), Text(kind_label(row.kind))]
    if with_uses:
        cells.append(Text(f"{count_text(row.uses or 0)}×", justify="right"))
    cells.append(Text(size_text(row.size), justify="right"))
    cells.append(Text(row.details, style="dim"))
    return cells
