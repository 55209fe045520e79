"""What the dashboard and the file screen show, gathered from analytics in one call.

Runs in thread workers: each call opens its own read connection (sqlite3 connections
belong to one thread), asks the analytics library, closes the connection and returns
frozen values. Nothing here imports Textual, so it can be tested and timed headless.

Each box has one function here that reads its analytics (`_table_rows`,
`_performance`, `_opportunities`; the Storage Overview, unused line included, is the
overview report); switching a box to a new analytic means changing that function
only. A box shows the analytics result as it is, never a figure computed here, so
that `mediatop report ... --json` carries every figure on screen (README, "Every
figure as JSON"). A figure the store cannot tell stays None, shown as "unknown":
figures are never made up.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mediatop.analytics.context import ReportContext
from mediatop.analytics.file.report import FileReport
from mediatop.analytics.library.overview import OverviewReport
from mediatop.config import Settings
from mediatop.model import MediaFile

if TYPE_CHECKING:
    from mediatop.analytics.optimization.report import OptimizationLine, OptimizationSummary
    from mediatop.analytics.performance.report import DashboardPerformance

DEFAULT_RANGE = "30d"
TABLE_ROWS = 25
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


@dataclass(frozen=True)
class FileDetail:
    """One file and its report over the range, for the file screen."""

    file: MediaFile
    report: FileReport
    range_label: str


@contextmanager
def report_context(
    settings: Settings, now: datetime | None, options: dict[str, str] | None = None
) -> Iterator[ReportContext]:
    """A read connection and a report context for one call, closed afterwards."""
    from mediatop.store import connect
    from mediatop.timerange import parse_range

    moment = now or datetime.now(UTC)
    conn = connect(settings.db_path, readonly=True)
    try:
        yield ReportContext(
            conn, settings, parse_range(DEFAULT_RANGE, now=moment), moment, options or {}
        ).fresh_run()
    finally:
        conn.close()


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


def _table_rows(ctx: ReportContext, has_events: bool) -> tuple[list[TableRow], bool]:
    """Most used files when use is recorded in the range, else the largest files."""
    from mediatop.analytics.library.lookup import find_file, largest_files
    from mediatop.analytics.usage.report import most_used

    if has_events:
        used = most_used(ctx, TABLE_ROWS)
        if used:
            rows = []
            for item in used:
                file = find_file(ctx.conn, int(item.id))
                rows.append(
                    TableRow(
                        file.id, file.path, file.kind, file.size, item.usage_count,
                        details_of(file),
                    )
                )  # fmt: skip
            return rows, False
    largest = largest_files(ctx, TABLE_ROWS)
    rows = [TableRow(f.id, f.path, f.kind, f.size, None, details_of(f)) for f in largest]
    return rows, True


def _performance(ctx: ReportContext, has_events: bool) -> PerformanceFigures:
    """The performance report's `dashboard` figures, and what they lack."""
    from mediatop.analytics.performance.report import dashboard_performance

    figures = dashboard_performance(ctx)
    if not has_events:
        return PerformanceFigures(figures, ("No traffic yet.",))
    notes = ("No cache header in the logs.",) if figures.cache_hit_rate is None else ()
    return PerformanceFigures(figures, notes)


def _opportunities(ctx: ReportContext) -> tuple[list[Opportunity], str]:
    """The four lines of the Optimization Opportunities box, and how complete they are.

    From `analytics.optimize`'s cross-type summary, which reads cached measurements
    only: re-encoding images is the savings worker's job, never a dashboard refresh's.
    """
    from mediatop.analytics.optimization.report import optimization_report

    report = optimization_report(replace(ctx, options={"top": "1"}))
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


def load_dashboard(settings: Settings, now: datetime | None) -> DashboardData:
    """Every figure of the dashboard, from one read connection."""
    from mediatop.analytics.library.lookup import has_events
    from mediatop.analytics.library.overview import overview_report

    with report_context(settings, now) as ctx:
        events = has_events(ctx.conn)
        rows, largest = _table_rows(ctx, events)
        # The lower boxes rest on the most analytics: one failing must not blank the
        # whole dashboard, so each says what went wrong in its own box instead.
        try:
            performance = _performance(ctx, events)
        except Exception as exc:
            performance = PerformanceFigures(notes=(f"Not available: {user_message(exc)}",))
        try:
            opportunities, optimization_note = _opportunities(ctx)
        except Exception as exc:
            opportunities, optimization_note = [], f"Not available: {user_message(exc)}"
        return DashboardData(
            overview=overview_report(ctx),
            has_events=events,
            most_used=rows,
            most_used_is_largest=largest,
            performance=performance,
            opportunities=opportunities,
            range_label=ctx.time_range.label,
            optimization_note=optimization_note,
        )


def load_file(settings: Settings, now: datetime | None, file_id: int) -> FileDetail:
    """One file as the store knows it, with its usage, traffic and recommendations."""
    from mediatop.analytics.file.report import file_report
    from mediatop.analytics.library.lookup import find_file

    with report_context(settings, now, {"file": str(file_id)}) as ctx:
        return FileDetail(find_file(ctx.conn, file_id), file_report(ctx), ctx.time_range.label)


def user_message(error: BaseException) -> str:
    """A one-line description of a failure for the status line (never a traceback)."""
    if isinstance(error, sqlite3.Error):
        return f"store error: {error}"
    return str(error) or type(error).__name__
