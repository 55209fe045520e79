"""Videos: engagement per video, where viewers drop off and which parts they watch
(the heatmap as a sparkline), quality and devices, buffering, encoding and delivery
advice (`mediatop report videos`). `enter` on a video opens its file screen, with its
own retention curve."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Sparkline, Static

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, SIZE
from mediatop.tui.subject_data import ReportFigures
from mediatop.tui.view import Column, Figure, ListSpec, lookup


class VideosScreen(ListScreen):
    """The videos report, with the engagement heatmap drawn as a sparkline."""

    NAME, LABEL, REPORT = "videos", "Videos", "videos"
    FIGURES = (
        Figure("Videos", "overview.totalVideos"),
        Figure("Stored", "overview.totalSize", "size"),
        Figure("Length", "overview.totalDuration", "seconds"),
        Figure("Views", "overview.totalViews"),
        Figure("Watch time", "overview.totalWatchTime", "seconds"),
        Figure("Average view", "engagement.averageViewDuration", "seconds"),
        Figure("Completion", "engagement.completionRate", "percent"),
        Figure("Buffering", "performance.bufferingRate", "percent"),
        Figure("Re-encoding saves", "optimization.storageOptimization.estimatedSavings", "size"),
    )
    LISTS = (
        ListSpec(
            "Engagement per video",
            "engagement.mostWatchedVideos",
            (
                FILE,
                Column("Views", "views", "count", 7),
                Column("Viewers", "uniqueViewers", "count", 8),
                Column("Avg watch", "averageWatchTime", "seconds", 9),
                Column("Complete", "completionRate", "percent", 9),
                Column("Drop-off", "abnormalDropOff", "bool", 8),
            ),
        ),
        ListSpec(
            "Drop-off points",
            "engagement.dropOffPoints",
            (
                Column("At (s)", "time", "count"),
                Column("Sessions", "count", "count", 9),
                Column("Share", "percentage", "percent", 7),
            ),
            file_key=None,
        ),
        ListSpec(
            "Quality",
            "performance.qualityDistribution",
            (
                Column("Quality", "value", "text"),
                Column("Sessions", "sessions", "count", 9),
                Column("Share", "percentage", "percent", 7),
                Column("Complete", "completionRate", "percent", 9),
            ),
            file_key=None,
        ),
        ListSpec(
            "Devices",
            "performance.devicePerformance",
            (
                Column("Device", "value", "text"),
                Column("Sessions", "sessions", "count", 9),
                Column("Share", "percentage", "percent", 7),
                Column("Complete", "completionRate", "percent", 9),
            ),
            file_key=None,
        ),
        ListSpec(
            "Encoding",
            "optimization.encodingEfficiency",
            (
                FILE,
                Column("Codec", "codec", "text", 6),
                Column("Bitrate", "bitrate", "count", 10),
                Column("Needs", "recommendedBitrate", "count", 10),
                Column("Verdict", "verdict", "text", 12),
                SIZE,
            ),
        ),
    )

    def compose_more(self) -> ComposeResult:
        yield Static(id="heatmap-title")
        yield Sparkline([], id="heatmap")

    def show_more(self, figures: ReportFigures) -> None:
        cells = lookup(figures.report, "engagement.engagementHeatmap") or []
        values = [float(c.get("engagement") or 0) for c in cells]
        title = self.query_one("#heatmap-title", Static)
        part = int(cells[0].get("endTime", 0) - cells[0].get("startTime", 0)) if cells else 0
        if not values:
            about = Text("No player sessions recorded: no heatmap yet.", style="dim")
        elif len(values) == 1:  # every video is shorter than one part: a figure, not a plot
            engagement = f"{values[0]:,.0f}"
            about = Text.assemble(
                ("Viewed heatmap", "bold"),
                f": one {part} s part (no video is longer), engagement {engagement} "
                "(plays − pauses + seeks)",
            )
        else:
            about = Text.assemble(
                ("Viewed heatmap", "bold"),
                f": engagement (plays − pauses + seeks) in each {part} s part of the "
                f"videos, {len(values)} parts",
            )
        title.update(about)
        self.query_one("#heatmap", Sparkline).data = values
        self.query_one("#heatmap").display = len(values) > 1

    def notes(self, report: Any) -> list[str]:
        advice = lookup(report, "optimization.deliveryOptimization.recommendations") or []
        return [str(line) for line in advice]
