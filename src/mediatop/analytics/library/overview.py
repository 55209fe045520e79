"""Storage overview: the seed's `overview` block and per-type counts and sizes.

Storage used is the total size of the files present now. The quota is the configured
one (`--quota`, MEDIATOP_QUOTA, mediatop.toml) or, when none is set, the size of the
file system that holds the root, and the report says which.

`unused` is the dashboard's Unused line: every file that looks unused (see
`mediatop.analytics.usage.unused`) and the bytes removing them would free, as the usage
report's `unusedSummary` counts them.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import astuple, dataclass
from datetime import UTC, datetime

from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.analytics.library.growth import (
    MonthGrowth,
    QuotaForecast,
    quota_forecast,
    storage_growth,
)
from mediatop.analytics.usage.report import UnusedSummary, unused_summary
from mediatop.analytics.usage.unused import unused_overview
from mediatop.kinds import Kind
from mediatop.store.queries import library as queries


@dataclass(frozen=True)
class TypeTotals:
    type: str
    count: int
    size: int


@dataclass(frozen=True)
class OverviewReport:
    total_files: int
    total_size: int
    average_file_size: int
    storage_used: int
    storage_quota: int | None
    storage_quota_source: str  # 'configured' | 'filesystem' | 'unknown'
    storage_used_percent: float | None
    files_uploaded: int  # in the report's range
    files_deleted: int  # in the report's range
    uploaded_this_month: int
    deleted_this_month: int
    by_type: list[TypeTotals]
    probe_errors: int
    not_yet_probed: int
    range: str
    growth: list[MonthGrowth]  # storage per month (analytics.growth)
    forecast: QuotaForecast  # when the quota is reached at the last 90 days' pace
    unused: UnusedSummary  # files that look unused now, whatever the range


def _month_start(now: datetime) -> int:
    return int(datetime(now.year, now.month, 1, tzinfo=UTC).timestamp())


def storage_quota(ctx: ReportContext) -> tuple[int | None, str]:
    """(the quota in bytes, where it comes from): configured, else the size of the file
    system holding the root, else unknown (None)."""
    if ctx.settings.quota_bytes:
        return ctx.settings.quota_bytes, "configured"
    try:
        return shutil.disk_usage(ctx.settings.root).total, "filesystem"
    except OSError:
        return None, "unknown"


@dataclass(frozen=True)
class LibraryCounts:
    """Present files per kind, and how many carry a probe error or await a probe."""

    by_type: list[TypeTotals]
    probe_errors: int
    not_yet_probed: int


def library_counts(conn: sqlite3.Connection) -> LibraryCounts:
    """Count and bytes of present files per kind (every kind listed, zeros included), and
    the probe figures, in one pass over media_files (its rows are wide: a second pass
    would cost as much again)."""
    rows = {}
    errors = unprobed = 0
    for kind, count, size, kind_errors, kind_unprobed in queries.counts_by_kind(conn):
        rows[kind] = (count, size)
        errors += kind_errors
        unprobed += kind_unprobed
    by_type = [TypeTotals(str(kind), *rows.get(str(kind), (0, 0))) for kind in Kind]
    return LibraryCounts(by_type, errors, unprobed)


def overview_report(ctx: ReportContext) -> OverviewReport:
    conn = ctx.conn
    counts = library_fact(
        ctx,
        "library_counts",
        lambda: library_counts(conn),
        encode=lambda c: [[astuple(t) for t in c.by_type], c.probe_errors, c.not_yet_probed],
        decode=lambda row: LibraryCounts([TypeTotals(*t) for t in row[0]], row[1], row[2]),
    )
    by_type = counts.by_type
    total_files = sum(t.count for t in by_type)
    total_size = sum(t.size for t in by_type)
    quota, quota_source = storage_quota(ctx)
    now_ts = int(ctx.now.timestamp())
    month_start = _month_start(ctx.now)
    start, end = ctx.time_range.start_ts, ctx.time_range.end_ts
    return OverviewReport(
        total_files=total_files,
        total_size=total_size,
        average_file_size=total_size // total_files if total_files else 0,
        storage_used=total_size,
        storage_quota=quota,
        storage_quota_source=quota_source,
        storage_used_percent=round(100.0 * total_size / quota, 2) if quota else None,
        files_uploaded=queries.count_between(conn, "uploaded_at", start, end),
        files_deleted=queries.count_between(conn, "deleted_at", start, end),
        uploaded_this_month=queries.count_between(conn, "uploaded_at", month_start, now_ts + 1),
        deleted_this_month=queries.count_between(conn, "deleted_at", month_start, now_ts + 1),
        by_type=by_type,
        probe_errors=counts.probe_errors,
        not_yet_probed=counts.not_yet_probed,
        range=ctx.time_range.label,
        growth=storage_growth(ctx),
        forecast=quota_forecast(ctx, total_size, quota),
        unused=unused_summary(ctx, unused_overview(ctx, 0)),
    )
