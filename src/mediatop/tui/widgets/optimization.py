"""The Optimization Opportunities box: images to resize, images to compress, unused files
to remove and images to convert to WebP/AVIF, each with the bytes it would save where
that has been measured."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from mediatop.tui.data import DashboardData, Opportunity
from mediatop.tui.plain import count_text, plain, size_text, wrapped


class Optimization(Widget):
    """What could be done to the library, with the count and bytes each action concerns."""

    BORDER_TITLE = "Optimization Opportunities"
    # Focusable, so that tab brings the box into view on a short terminal (80×24),
    # where it lies below the fold and the table keeps the arrow keys.
    can_focus = True

    def compose(self) -> ComposeResult:
        yield Static(id="optimization-figures")
        yield Static(id="optimization-notes")

    def show(self, data: DashboardData) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column(justify="right")
        grid.add_column()
        grid.add_column(justify="right")
        for item in data.opportunities:
            grid.add_row(item.label, *_line(item))
        self.query_one("#optimization-figures", Static).update(grid)
        self.query_one("#optimization-notes", Static).update(
            wrapped(plain(data.optimization_note, "dim italic"))
        )


def _line(item: Opportunity) -> tuple[Text, Text, Text]:
    if item.count is None:
        return Text("?", style="dim"), Text(item.what), Text("not measured yet", style="dim")
    style = "yellow" if item.count else ""
    count = f"≥{count_text(item.count)}" if item.at_least else count_text(item.count)
    return (
        Text(count, style=style),
        Text(item.one if item.count == 1 and not item.at_least else item.what),
        _saving(item),
    )


def _saving(item: Opportunity) -> Text:
    """What the line saves: measured bytes, and how much of it is not measured yet."""
    if not item.count:
        return Text()
    if item.bytes is None:
        return Text("not measured yet", style="dim")
    # With some files not measured, the bytes are a floor: the notes say how many.
    floor = "≥" if item.unmeasured else ""
    return Text(f"save {floor}{size_text(item.bytes)}", style="green")
