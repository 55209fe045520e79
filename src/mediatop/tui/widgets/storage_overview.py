"""The Storage Overview box: files and bytes per kind, storage against the quota with a
usage bar, uploads and deletions this month, probe problems and unused files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, JustifyMethod
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from mediatop.tui.data import DashboardData
from mediatop.tui.plain import count_text, percent_text, size_text, usage_bar

if TYPE_CHECKING:
    from mediatop.library_types import OverviewReport, TypeTotals

KIND_LABELS = {
    "image": "Images",
    "video": "Videos",
    "document": "Documents",
    "audio": "Audio",
    "other": "Other",
}


class UsageBar(Widget):
    """A one-line bar of storage used against the quota, as wide as the box."""

    fraction: reactive[float | None] = reactive(None)
    caption: reactive[str] = reactive("")

    def render(self) -> Text:
        caption = f" {self.caption}"
        width = max(10, self.size.width - len(caption))
        return Text.assemble(usage_bar(self.fraction, width), caption)


# Below this content width the three groups of figures do not fit side by side (an 80-
# column terminal): this month's figures move to a line of their own.
WIDE_LAYOUT_WIDTH = 100


class StorageOverview(Widget):
    """Files and storage as scanned: totals per kind, quota usage bar, unused files."""

    BORDER_TITLE = "Storage Overview"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.data: DashboardData | None = None  # what is shown, for tests and actions

    def compose(self) -> ComposeResult:
        yield Static(Text("Reading the store…", style="dim"), id="storage-figures")
        yield Static(id="storage-unused")
        yield UsageBar(id="storage-bar")

    def show(self, data: DashboardData) -> None:
        unchanged = self.data is not None and self.data.overview == data.overview
        self.data = data
        if unchanged:
            return  # a redraw of the same figures only costs bytes over a slow link
        overview = data.overview
        self._show_figures()
        self.query_one("#storage-unused", Static).update(_unused_line(data))
        bar = self.query_one(UsageBar)
        quota = overview.storage_quota
        bar.fraction = overview.storage_used / quota if quota else None
        bar.caption = _bar_caption(overview)

    def on_resize(self) -> None:
        if self.data is not None:
            self._show_figures()

    def _show_figures(self) -> None:
        assert self.data is not None
        wide = self.content_size.width >= WIDE_LAYOUT_WIDTH
        figures = _figures(self.data.overview) if wide else _narrow_figures(self.data.overview)
        self.query_one("#storage-figures", Static).update(figures)


Cells = tuple[Text | str, str, str]


def _kind(totals: dict[str, TypeTotals], kind: str) -> Cells:
    found = totals.get(kind)
    count, size = (found.count, found.size) if found else (0, 0)
    return Text(KIND_LABELS[kind], style="bold"), count_text(count), size_text(size)


# Label, count, size for each group of figures.
_COLUMNS: tuple[JustifyMethod, ...] = ("left", "right", "right") * 3


def _grid(columns: int) -> Table:
    grid = Table.grid(padding=(0, 2))
    for justify in _COLUMNS[:columns]:
        # Labels may wrap; figures never do (a cut number would mislead).
        grid.add_column(justify=justify, no_wrap=justify == "right")
    return grid


def _kind_rows(overview: OverviewReport) -> list[tuple[Cells, Cells]]:
    """Totals and kinds, as the left and middle groups."""
    totals = {t.type: t for t in overview.by_type}
    quota = overview.storage_quota
    total: Cells = (
        Text("Total files", style="bold"),
        count_text(overview.total_files),
        size_text(overview.total_size),
    )
    storage: Cells = (
        Text("Storage", style="bold"),
        size_text(overview.storage_used),
        "of unknown" if quota is None else f"of {size_text(quota)}",
    )
    return [
        (total, storage),
        (_kind(totals, "image"), _kind(totals, "video")),
        (_kind(totals, "document"), _kind(totals, "audio")),
        (_kind(totals, "other"), ("", "", "")),
    ]


def _figures(overview: OverviewReport) -> Table:
    """Three aligned groups: totals and kinds on the left and middle, this month on the right."""
    grid = _grid(8)
    month = [
        ("Uploaded this month", overview.uploaded_this_month),
        ("Deleted this month", overview.deleted_this_month),
        ("Unreadable files", overview.probe_errors),
        ("Not yet probed", overview.not_yet_probed),
    ]
    for (left, middle), (label, value) in zip(_kind_rows(overview), month, strict=True):
        grid.add_row(*left, *middle, Text(label, style="dim"), count_text(value))
    return grid


def _narrow_figures(overview: OverviewReport) -> Group:
    """Totals and kinds in two groups, then this month's and the probes' figures on one
    line, in words short enough for an 80-column terminal."""
    grid = _grid(6)
    for left, middle in _kind_rows(overview):
        grid.add_row(*left, *middle)
    counts = Text.assemble(
        ("This month ", "bold"),
        f"{count_text(overview.uploaded_this_month)} uploaded, "
        f"{count_text(overview.deleted_this_month)} deleted",
        ("   Probes ", "bold"),
        f"{count_text(overview.probe_errors)} unreadable, "
        f"{count_text(overview.not_yet_probed)} not yet probed",
    )
    return Group(grid, counts)


def _unused_line(data: DashboardData) -> Text:
    """The overview report's `unused` count and potential savings."""
    unused = data.overview.unused
    label = Text("Unused       ", style="bold")
    if unused.count == 0:
        return Text.assemble(label, "no file looks unused")
    savings = size_text(unused.potential_savings)
    style = "yellow" if unused.count else ""
    return Text.assemble(
        label,
        (f"{count_text(unused.count)} files", style),
        f" ({savings} potential savings)",
    )


def _bar_caption(overview: OverviewReport) -> str:
    if overview.storage_quota is None:
        return "quota unknown"
    source = "disk" if overview.storage_quota_source == "filesystem" else "quota"
    used = percent_text(overview.storage_used_percent)
    return f"{used} of the {size_text(overview.storage_quota)} {source}"
