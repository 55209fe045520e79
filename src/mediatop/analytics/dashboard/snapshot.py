"""Every figure the dashboard shows, composed from the analytics over one read connection.

The dashboard's boxes show analytics results as they are, never a figure computed
for the screen, so that `mediatop report ... --json` carries every figure on screen
(README, "Every figure as JSON"). This module only gathers them: the Storage Overview
(the overview report), Most Used Media (most used files in the range, or the largest
when none is used), Performance Metrics (the performance report's dashboard figures)
and Optimization Opportunities (the optimization summary, from cached measurements
only: re-encoding images is the savings worker's job, never a refresh's). The face
formats them; a figure the store cannot tell stays None.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from mediatop.analytics.context import ReportContext
from mediatop.analytics.file.report import FileReport
from mediatop.analytics.library.overview import OverviewReport
from mediatop.analytics.optimization.report import OptimizationSummary
from mediatop.analytics.performance.report import DashboardPerformance
from mediatop.model import MediaFile

# How many files the Most Used Media box lists.
TABLE_ROWS = 25


@dataclass(frozen=True)
class ListedFile:
    """A file of the Most Used Media box and how often it was used in the range (None
    when the box lists the largest files because no use is recorded)."""

    file: MediaFile
    uses: int | None


@dataclass(frozen=True)
class DashboardSnapshot:
    """The dashboard's figures read at one moment. The lower boxes rest on the most
    analytics: one that fails is None with its `*_error` saying why, so the others
    still show."""

    overview: OverviewReport  # its `unused` is the Unused line
    has_events: bool
    files: tuple[ListedFile, ...]
    files_are_largest: bool
    performance: DashboardPerformance | None
    optimization: OptimizationSummary | None
    range_label: str
    performance_error: str = ""
    optimization_error: str = ""


@dataclass(frozen=True)
class FileDetail:
    """One file and its report over the range, for the file screen."""

    file: MediaFile
    report: FileReport
    range_label: str


def dashboard_snapshot(ctx: ReportContext) -> DashboardSnapshot:
    """Every figure of the dashboard over `ctx.time_range`, from `ctx.conn`."""
    from mediatop.analytics.library.lookup import has_events
    from mediatop.analytics.library.overview import overview_report
    from mediatop.analytics.optimization.report import optimization_report
    from mediatop.analytics.performance.report import dashboard_performance

    events = has_events(ctx.conn)
    files, largest = _listed_files(ctx, events)
    performance: DashboardPerformance | None = None
    optimization: OptimizationSummary | None = None
    performance_error = optimization_error = ""
    try:
        performance = dashboard_performance(ctx)
    except Exception as exc:  # shown in its box; the other boxes still show
        performance_error = failure_text(exc)
    try:
        # One line per kind of saving is shown: the top list itself is not.
        optimization = optimization_report(replace(ctx, options={"top": "1"}))
    except Exception as exc:
        optimization_error = failure_text(exc)
    return DashboardSnapshot(
        overview=overview_report(ctx),
        has_events=events,
        files=files,
        files_are_largest=largest,
        performance=performance,
        optimization=optimization,
        range_label=ctx.time_range.label,
        performance_error=performance_error,
        optimization_error=optimization_error,
    )


def _listed_files(ctx: ReportContext, events: bool) -> tuple[tuple[ListedFile, ...], bool]:
    """Most used files when use is recorded in the range, else the largest files."""
    from mediatop.analytics.library.lookup import find_file, largest_files
    from mediatop.analytics.usage.report import most_used

    if events:
        used = most_used(ctx, TABLE_ROWS)
        if used:
            files = (ListedFile(find_file(ctx.conn, int(i.id)), i.usage_count) for i in used)
            return tuple(files), False
    return tuple(ListedFile(f, None) for f in largest_files(ctx, TABLE_ROWS)), True


def file_detail(ctx: ReportContext, file_id: int) -> FileDetail:
    """One file as the store knows it, with its report over `ctx.time_range`."""
    from mediatop.analytics.file.report import file_report
    from mediatop.analytics.library.lookup import find_file

    ctx = replace(ctx, options={**ctx.options, "file": str(file_id)})
    return FileDetail(find_file(ctx.conn, file_id), file_report(ctx), ctx.time_range.label)


def failure_text(error: BaseException) -> str:
    """A one-line description of a failure (never a traceback)."""
    if isinstance(error, sqlite3.Error):
        return f"store error: {error}"
    return str(error) or type(error).__name__
