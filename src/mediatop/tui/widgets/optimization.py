"""The Optimization Opportunities box: images to resize, images to compress, unused files
to remove and images to convert to WebP/AVIF, each with the bytes it would save where
that has been measured."""

from __future__ import annotations

from collections.abc import Iterable

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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.shown: tuple[list[Opportunity], str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="optimization-figures")
        yield Static(id="optimization-notes")

    def show(self, data: DashboardData) -> None:
        shown = (data.opportunities, data.optimization_note)
        if shown == self.shown:
            return  # a redraw of the same figures only costs bytes over a slow link
        self.shown = shown
        self.query_one("#optimization-figures", Static).update(opportunity_grid(data.opportunities))
        self.query_one("#optimization-notes", Static).update(
            wrapped(plain(data.optimization_note, "dim italic"))
        )


def opportunity_grid(opportunities: Iterable[Opportunity]) -> Table:
    """One line per opportunity, however narrow the box: a wrapped line's second half
    would fall below the box's last line, so the description is cut short with an
    ellipsis, never the count or the bytes saved."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()  # the one Rich may narrow; its text cuts itself short (_what)
    grid.add_column(justify="right", no_wrap=True)
    for item in opportunities:
        grid.add_row(item.label, *_line(item))
    return grid


def _line(item: Opportunity) -> tuple[Text, Text, Text]:
    return (
        Text(count_text(item.count), style="yellow" if item.count else ""),
        _what(item.one if item.count == 1 else item.what),
        _saving(item),
    )


def _what(description: str) -> Text:
    return Text(description, no_wrap=True, overflow="ellipsis")


def _saving(item: Opportunity) -> Text:
    """What the line saves: measured bytes, and how much of it is not measured yet."""
    if not item.count:
        return Text()
    if item.bytes is None:
        return Text("not measured yet", style="dim")
    # With some files not measured, the bytes are a floor: the notes say how many.
    floor = "≥" if item.unmeasured else ""
    return Text(f"save {floor}{size_text(item.bytes)}", style="green")
