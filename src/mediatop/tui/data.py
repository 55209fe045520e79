"""What the dashboard and the file screen show, read through the library surface.

Runs in thread workers: each call asks the `MediaLibrary` for its figures (the surface
opens and closes its own read connection, so any thread may call it) and returns
frozen values. Nothing here imports Textual, so it can be tested and timed headless.

The surface's `dashboard` gathers the analytics results; each box has one function here
that turns its part into what the box lists (`_table_rows`, `_performance`,
`_opportunities`; the Storage Overview, unused line included, is the overview report
as it is). A box shows the analytics result as it is, never a figure computed here, so
that `mediatop report ... --json` carries every figure on screen (README, "Every figure
as JSON"). A figure the store cannot tell stays None, shown as "unknown": figures are
never made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mediatop.model import MediaFile
from mediatop.timerange import TimeRange, parse_range

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import (
        DashboardPerformance,
        DashboardSnapshot,
        FileDetail,
        ListedFile,
        OptimizationLine,
        OptimizationSummary,
        OverviewReport,
    )

DEFAULT_RANGE = "30d"
NO_TRAFFIC = "No traffic recorded yet — run `mediatop ingest ROOT access.log`"


@dataclass(frozen=True)
class TableRow:
    """One row of the Most Used Media box: a file and how often it was used (None when
    the box lists the largest files because no use is recorded)."""

    file_id: int
    path: bytes
    kind: str
    size: int
    uses: int | None
    details: str


@dataclass(frozen=True)
class PerformanceFigures:
    """The Performance Metrics box: the analytics' figures (None when they could not be
    read; within them, None is a figure the store cannot tell) and notes about them."""

    figures: DashboardPerformance | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Opportunity:
    """One line of the Optimization Opportunities box."""

    label: str  # 'Resize', 'Compress', 'Remove', 'Convert'
    what: str  # 'oversized images'
    one: str  # 'oversized image': what, for a count of one
    count: int  # candidates, from the facts: known before any saving is measured
    bytes: int | None = None  # known savings; None: none measured yet
    unmeasured: int = 0  # files on this line whose saving is not measured yet


@dataclass(frozen=True)
class DashboardData:
    """Everything the four boxes show, read at one moment."""

    overview: OverviewReport  # its `unused` is the Unused line
    has_events: bool
    most_used: list[TableRow]
    most_used_is_largest: bool
    performance: PerformanceFigures
    opportunities: list[Opportunity]
    range_label: str
    optimization_note: str = ""


def default_range(
    now: datetime | None, range_name: str = DEFAULT_RANGE
) -> tuple[TimeRange, datetime]:
    """The range every screen shows (`t` cycles it; the last 30 days up to `now` at
    first), and that moment."""
    moment = now or datetime.now(UTC)
    return parse_range(range_name, now=moment), moment


def details_of(file: MediaFile) -> str:
    """The one fact that says most about a file's content: size in pixels, length or pages."""
    from mediatop.tui.plain import duration_text

    probe = file.probe
    if probe.error:
        return "unreadable"
    if probe.width and probe.height:
        text = f"{probe.width}×{probe.height}"
        return f"{text} {duration_text(probe.duration_s)}" if probe.duration_s else text
    if probe.duration_s is not None:
        return duration_text(probe.duration_s)
    if probe.pages is not None:
        return f"{probe.pages} page{'s' if probe.pages != 1 else ''}"
    return ""


def _table_rows(files: tuple[ListedFile, ...]) -> list[TableRow]:
    """The Most Used Media rows: the listed files, with their uses when they are counted."""
    return [
        TableRow(f.file.id, f.file.path, f.file.kind, f.file.size, f.uses, details_of(f.file))
        for f in files
    ]


def _performance(snapshot: DashboardSnapshot) -> PerformanceFigures:
    """The performance report's `dashboard` figures, and what they lack."""
    figures = snapshot.performance
    if figures is None:
        return PerformanceFigures(notes=(f"Not available: {snapshot.performance_error}",))
    if not snapshot.has_events:
        return PerformanceFigures(figures, ("No traffic yet.",))
    notes = ("No cache header in the logs.",) if figures.cache_hit_rate is None else ()
    return PerformanceFigures(figures, notes)


def _opportunities(snapshot: DashboardSnapshot) -> tuple[list[Opportunity], str]:
    """The four lines of the Optimization Opportunities box, and how complete they are.

    From the analytics' cross-type optimization summary, which reads cached
    measurements only: re-encoding images is the savings worker's job, never a
    dashboard refresh's.
    """
    report = snapshot.optimization
    if report is None:
        return [], f"Not available: {snapshot.optimization_error}"
    return [
        _counted("Resize", "oversized images", "oversized image", report.resize),
        _counted("Compress", "files to compress", "file to compress", report.compress),
        _counted("Remove", "unused files", "unused file", report.remove),
        _counted("Convert", "images to WebP/AVIF", "image to WebP/AVIF", report.convert),
    ], _unmeasured_note(report)


def _unmeasured_note(report: OptimizationSummary) -> str:
    """Which savings are not measured (so a line's bytes are a floor), or ""."""
    from mediatop.tui.plain import count_text

    missing = [
        f"{count_text(n)} {one if n == 1 else many}"
        for n, one, many in (
            (report.resize.unmeasured, "oversized image", "oversized images"),
            (report.compress.unmeasured, "file to compress", "files to compress"),
            (report.convert.unmeasured, "convertible image", "convertible images"),
        )
        if n
    ]
    return f"Savings not measured for {', '.join(missing)}." if missing else ""


def _counted(label: str, what: str, one: str, line: OptimizationLine) -> Opportunity:
    """A line whose count is known at once; its bytes only where savings are measured."""
    measured = line.count - line.unmeasured
    return Opportunity(
        label, what, one, line.count, line.bytes if measured > 0 else None, line.unmeasured
    )


def dashboard_data(snapshot: DashboardSnapshot) -> DashboardData:
    """What the four boxes show, from the figures the library read at one moment."""
    opportunities, optimization_note = _opportunities(snapshot)
    return DashboardData(
        overview=snapshot.overview,
        has_events=snapshot.has_events,
        most_used=_table_rows(snapshot.files),
        most_used_is_largest=snapshot.files_are_largest,
        performance=_performance(snapshot),
        opportunities=opportunities,
        range_label=snapshot.range_label,
        optimization_note=optimization_note,
    )


def load_dashboard(
    library: MediaLibrary, now: datetime | None, range_name: str = DEFAULT_RANGE
) -> DashboardData:
    """Every figure of the dashboard, read at one moment."""
    time_range, moment = default_range(now, range_name)
    return dashboard_data(library.dashboard(time_range, now=moment))


def load_file(
    library: MediaLibrary, now: datetime | None, file_id: int, range_name: str = DEFAULT_RANGE
) -> FileDetail:
    """One file as the store knows it, with its usage, traffic and recommendations."""
    time_range, moment = default_range(now, range_name)
    return library.file_detail(file_id, time_range, now=moment)


def user_message(error: BaseException) -> str:
    """A one-line description of a failure for the status line (never a traceback): the
    surface's errors carry the message a user should read."""
    return str(error) or type(error).__name__
