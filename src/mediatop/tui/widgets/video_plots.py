"""A video's engagement on its file screen: its retention curve, its drop-off points and
its viewed heatmap as sparklines (Textual's own), then its seeks, the qualities, devices
and countries of its player sessions, and the delivery advice.

Drawn from the file report's `videoEngagement` and `deliveryOptimization` (what
`mediatop report file --file ID --json` prints); hidden for any other kind of file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from mediatop.tui.plain import count_text, duration_text, percent_text, plain

if TYPE_CHECKING:
    from mediatop.library_types import FileReport

# (widget id, title, what one value is)
PLOTS = (
    ("retention", "Retention", "% of sessions still watching at each point"),
    ("drop-off", "Drop-off", "sessions that stopped at each point"),
    ("heatmap", "Viewed heatmap", "sessions that watched each part"),
)


class VideoPlots(Widget):
    """Retention, drop-off and heatmap of one video, and its sessions' breakdowns."""

    def compose(self) -> ComposeResult:
        for name, _title, _what in PLOTS:
            yield Static(id=f"{name}-title", classes="plot-title")
            yield Sparkline([], id=f"{name}-plot", classes="plot")
        yield Static(id="video-more")

    def show(self, report: FileReport) -> None:
        """Draw the video's figures; hide the widget when the file is no video."""
        analysis = report.video_engagement
        self.display = analysis is not None
        if analysis is None:
            return
        series = {
            "retention": [(p.time, p.percentage or 0.0) for p in analysis.audience.retention_curve],
            "drop-off": _drop_offs(analysis),
            "heatmap": [
                (h.start_time, float(h.engagement)) for h in analysis.engagement.engagement_heatmap
            ],
        }
        for name, title, what in PLOTS:
            points = series[name]
            caption = Text.assemble((title, "bold"), f": {what}")
            if len(points) > 1:
                caption.append(
                    f", {duration_text(points[0][0])} to {duration_text(points[-1][0])}", "dim"
                )
            elif points:  # a video shorter than one 10 s point: a figure, not a plot
                caption.append(f": {points[0][1]:g} at {duration_text(points[0][0])}", "dim")
            else:
                caption.append(" (no player session recorded)", "dim")
            self.query_one(f"#{name}-title", Static).update(caption)
            plot = self.query_one(f"#{name}-plot", Sparkline)
            plot.data = [value for _, value in points]
            plot.display = len(points) > 1
        self.query_one("#video-more", Static).update(_more(report))


def _drop_offs(analysis: Any) -> list[tuple[int, float]]:
    """Sessions that stopped in each 10 s bucket, over the same points as the retention
    curve (0 where none stopped), so the plot's width is the video's length."""
    stopped = {p.time: float(p.count) for p in analysis.engagement.drop_off_points}
    times = [p.time for p in analysis.audience.retention_curve] or sorted(stopped)
    return [(t, stopped.get(t, 0.0)) for t in times]


def _more(report: FileReport) -> Table:
    """Seeks, qualities, devices and countries side by side; the delivery advice below."""
    analysis = report.video_engagement
    assert analysis is not None
    grid = Table.grid(padding=(0, 4))
    columns: list[Table] = [
        _breakdown(
            "Seeks",
            [(duration_text(s.time), s.count, None) for s in analysis.engagement.seek_patterns[:5]],
        ),
        _breakdown("Quality", _rows(analysis.engagement.quality_preferences)),
        _breakdown("Devices", _rows(analysis.audience.device_breakdown)),
        _breakdown("Countries", _rows(analysis.audience.geographic_distribution)),
    ]
    for _ in columns:
        grid.add_column(vertical="top")
    grid.add_row(*columns)
    plan = report.delivery_optimization
    if plan is not None and plan.recommendations:
        advice = Table.grid()
        advice.add_column()
        advice.add_row(Text("\nDelivery", style="bold underline"))
        for line in plan.recommendations:
            advice.add_row(Text.assemble("  • ", plain(line)))
        outer = Table.grid()
        outer.add_column()
        outer.add_row(grid)
        outer.add_row(advice)
        return outer
    return grid


def _rows(breakdown: list[Any]) -> list[tuple[str, int, float | None]]:
    return [(b.value, b.sessions, b.percentage) for b in breakdown[:5]]


def _breakdown(title: str, rows: list[tuple[str, int, float | None]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(min_width=8, max_width=24)
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_row(Text(title, style="bold"), "", "")
    if not rows:
        table.add_row(Text("none", style="dim"), "", "")
    for value, count, percent in rows:
        # Qualities, device classes and countries come from events: plain text.
        share = percent_text(percent) if percent is not None else ""
        table.add_row(plain(value), count_text(count), share)
    return table
