"""The usage report: most used files, unused files, recent uploads and download statistics.

Reads the per-file rollups (or `file_totals` for the `all` range), `usage_locations`
and `kind_daily`; never the raw events. Which files are unused, and why, is decided in
`mediatop.analytics.usage.unused`.

"Most used" is ordered by the usage score (`mediatop.analytics.usage.score`).
`usageCount` is the number of uses in the range (views + downloads + clicks + shares),
the figure the dashboard shows as "234×"; `placesUsed` is the number of references.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mediatop.analytics._rollups import top_files
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit, ts_to_datetime
from mediatop.analytics.usage.score import scores_of, top_scored
from mediatop.analytics.usage.unused import (
    RISK_ORDER,
    UnusedFile,
    UnusedOverview,
    unused_days,
    unused_overview,
)
from mediatop.store.queries import usage as queries
from mediatop.store.queries.rollups import (
    MediaUsageLocation,
    file_rows,
    last_used_for,
    locations_for,
)


@dataclass(frozen=True)
class MediaEngagement:
    """The seed's MediaEngagement. Rates are percentages of views (None without views);
    `average_view_time` is seconds per video session (videos only, else None)."""

    views: int
    clicks: int
    shares: int
    downloads: int
    average_view_time: float | None
    interaction_rate: float | None


@dataclass(frozen=True)
class MediaUsageData:
    """The seed's MediaUsageData for one file over the report's range."""

    id: str
    filename: bytes
    type: str
    size: int
    usage_count: int
    last_used: datetime | None
    used_in: list[MediaUsageLocation]
    views: int
    downloads: int
    engagement: MediaEngagement
    places_used: int
    score: int


@dataclass(frozen=True)
class RecentUploadData:
    id: str
    filename: bytes
    type: str
    size: int
    uploaded_at: datetime
    uploaded_source: str  # how the upload time is known: first_seen | path | mtime


@dataclass(frozen=True)
class DayCount:
    date: str
    downloads: int


@dataclass(frozen=True)
class FileDownloads:
    id: str
    filename: bytes
    type: str
    size: int
    downloads: int
    views: int


@dataclass(frozen=True)
class DownloadStats:
    total_downloads: int
    by_type: dict[str, int]
    by_day: list[DayCount]
    top_files: list[FileDownloads]


@dataclass(frozen=True)
class RiskTotals:
    count: int
    bytes: int


@dataclass(frozen=True)
class UnusedSummary:
    """All unused candidates counted (the list in the report is cut to --top)."""

    count: int
    potential_savings: int
    unused_days: int
    by_risk: dict[str, RiskTotals]


@dataclass(frozen=True)
class UsageReport:
    most_used_files: list[MediaUsageData]
    unused_files: list[UnusedFile]
    recent_uploads: list[RecentUploadData]
    download_stats: DownloadStats
    unused_summary: UnusedSummary


def engagement_of(
    views: int, clicks: int, shares: int, downloads: int, view_time: float | None
) -> MediaEngagement:
    """Interaction rate = (clicks + shares + downloads) / views × 100, as the seed's
    engagementRate."""
    return MediaEngagement(
        views, clicks, shares, downloads, view_time, percent(clicks + shares + downloads, views)
    )


def usage_data(ctx: ReportContext, file_ids: list[int] | None, limit: int) -> list[MediaUsageData]:
    """MediaUsageData for the given files (None: the `limit` present files with the highest
    usage score over the range, ties broken by views then id)."""
    scored = top_scored(ctx, limit) if file_ids is None else scores_of(ctx, file_ids)
    ids = [r[0] for r in scored]
    files = file_rows(ctx.conn, ids)
    places = locations_for(ctx.conn, ids)
    last = last_used_for(ctx.conn, ids)
    view_time = queries.average_view_seconds(
        ctx.conn, ctx.time_range, [i for i in ids if i in files and files[i].kind == "video"]
    )
    out = []
    for file_id, v, d, c, s, n, score in scored:
        f = files.get(file_id)
        if f is None:
            continue
        out.append(
            MediaUsageData(
                id=str(file_id), filename=f.path, type=f.kind, size=f.size,
                usage_count=v + d + c + s, last_used=ts_to_datetime(last.get(file_id)),
                used_in=places.get(file_id, []), views=v, downloads=d,
                engagement=engagement_of(v, c, s, d, view_time.get(file_id)),
                places_used=n, score=score,
            )
        )  # fmt: skip
    return out


def most_used(ctx: ReportContext, limit: int = 10) -> list[MediaUsageData]:
    """The dashboard's Most Used Media: present files by usage score (module docstring)."""
    return usage_data(ctx, None, limit)


def recent_uploads(
    ctx: ReportContext, limit: int, kind: str | None = None
) -> list[RecentUploadData]:
    """Files (of `kind`, or of any) uploaded in the range, newest first (present files
    only)."""
    rows = queries.recent_upload_rows(ctx.conn, ctx.time_range, limit, kind)
    return [
        RecentUploadData(str(i), bytes(p), k, s, ts_to_datetime(u), src)  # type: ignore[arg-type]
        for i, p, k, s, u, src in rows
    ]


def download_stats(ctx: ReportContext, limit: int) -> DownloadStats:
    """Downloads in the range: total, per kind, per day (from kind_daily) and top files."""
    by_type: dict[str, int] = {}
    by_day: dict[str, int] = {}
    for kind, day, downloads in queries.kind_day_downloads(ctx.conn, ctx.time_range):
        by_type[kind] = by_type.get(kind, 0) + downloads
        by_day[day] = by_day.get(day, 0) + downloads
    top = top_files(ctx, "downloads", ["downloads", "views"], limit)
    files = file_rows(ctx.conn, [i for i, _r in top])
    return DownloadStats(
        total_downloads=sum(by_type.values()),
        by_type=dict(sorted(by_type.items())),
        by_day=[DayCount(d, n) for d, n in sorted(by_day.items())],
        top_files=[
            FileDownloads(str(i), files[i].path, files[i].kind, files[i].size, r.downloads, r.views)
            for i, r in top
            if i in files
        ],
    )


def unused_summary(ctx: ReportContext, overview: UnusedOverview) -> UnusedSummary:
    by_risk = {
        risk: RiskTotals(overview.count_by_risk[risk], overview.bytes_by_risk[risk])
        for risk in RISK_ORDER
    }
    return UnusedSummary(
        count=sum(overview.count_by_risk.values()),
        potential_savings=sum(overview.bytes_by_risk.values()),
        unused_days=unused_days(ctx),
        by_risk=by_risk,
    )


def usage_report(ctx: ReportContext) -> UsageReport:
    """The seed's `usage` block: mostUsedFiles, unusedFiles, recentUploads, downloadStats."""
    limit = top_limit(ctx, 10)
    unused = unused_overview(ctx, max(limit, 50))
    return UsageReport(
        most_used_files=most_used(ctx, limit),
        unused_files=unused.top,
        recent_uploads=recent_uploads(ctx, max(limit, 20)),
        download_stats=download_stats(ctx, limit),
        unused_summary=unused_summary(ctx, unused),
    )
