"""The Performance Metrics box: average load time (server and client, named apart),
cache hit rate, WebP usage and mobile optimisation; "unknown" where the store cannot tell."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from mediatop.tui.data import DashboardData, PerformanceFigures
from mediatop.tui.plain import UNKNOWN, ms_text, percent_text, plain, wrapped


class PerformanceMetrics(Widget):
    """How the library is served, from recorded traffic only (never estimated)."""

    BORDER_TITLE = "Performance Metrics"
    # Focusable, so that tab brings the box into view on a short terminal (80×24),
    # where it lies below the fold and the table keeps the arrow keys.
    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.shown: PerformanceFigures | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="performance-figures")
        yield Static(id="performance-notes")

    def show(self, data: DashboardData) -> None:
        box = data.performance
        if box == self.shown:
            return  # a redraw of the same figures only costs bytes over a slow link
        self.shown = box
        if box.figures is None:  # not read: every figure unknown, the notes say why
            from mediatop.library_types import DashboardPerformance  # see tui/__init__.py

            figures = DashboardPerformance(None, None, None, None, None)
        else:
            figures = box.figures
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column(justify="right")
        # The performance report's `dashboard` block, field by field (README).
        rows = (
            ("Avg load (server)", ms_text(figures.average_server_time_ms)),
            ("Avg load (client)", ms_text(figures.average_client_time_ms)),
            ("Cache hit", percent_text(figures.cache_hit_rate)),
            ("WebP usage", percent_text(figures.web_p_usage)),
            ("Mobile optimised", percent_text(figures.mobile_optimised)),
        )
        for label, value in rows:
            grid.add_row(label, Text(value, style="dim" if value == UNKNOWN else ""))
        self.query_one("#performance-figures", Static).update(grid)
        self.query_one("#performance-notes", Static).update(
            # A note may quote an error message, which may quote a file name.
            Text("\n").join(wrapped(plain(note, "dim italic")) for note in box.notes)
        )
