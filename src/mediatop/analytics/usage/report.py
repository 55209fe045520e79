"""The usage report: most used files, unused files, recent uploads and download statistics.

Reads the per-file rollups (or `file_totals` for the `all` range), `usage_locations`
and `kind_daily`; never the raw events. Which files are unused, and why, is decided in
`mediatop.analytics.usage.unused`.

**Usage score** (orders "most used"; ties broken by views, then id):

    score = views + 2 × downloads + 2 × clicks + 3 × shares + 5 × places used

A download, click or share is a deliberate act, worth more than a view; each place
the CMS uses a file (`usage_locations`) counts 5 because removing or breaking the file
breaks that page whether or not it was visited in the range.
`usageCount` is the number of uses in the range (views + downloads + clicks + shares),
the figure the dashboard shows as "234×"; `placesUsed` is the number of references.
"""

from __future__ import annotations

import heapq
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from mediatop.analytics._rollups import (
    MAX_WALK,
    SHORT_RANGE_DAYS,
    MediaUsageLocation,
    RangeSums,
    average_view_seconds,
    file_rows,
    last_used_for,
    locations_for,
    percent,
    range_sums,
    range_sums_sql,
    short_range_table,
    top_files,
    top_in_range,
    top_limit,
    ts_to_datetime,
)
from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.analytics.usage.unused import (
    RISK_ORDER,
    UnusedFile,
    UnusedOverview,
    unused_days,
    unused_overview,
)
from mediatop.store.queries.ranges import in_range

SCORE_SQL = "(v + 2 * d + 2 * c + 3 * s + 5 * n)"


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


# A file's usage score is its traffic plus 5 per place used, and its all-time score
# bounds its score over any range. _bound_query answers, highest first, the all-time
# score of every present file that can rank among the first `depth`, without scoring
# every file (a lookup in media_files for each):
#  - the floor is the `depth`-th highest all-time traffic (counting deleted files too,
#    whose totals remain in file_totals): at least `depth` files score that much, so a
#    file that ranks scores at least the floor;
#  - a file's score is at most its traffic + 5 × the most places any file has, so one
#    that ranks has traffic >= floor - 5 × that most. When that cut is above 0, the
#    files over it are the only candidates (a few more than `depth`);
#  - otherwise (little traffic) every file with traffic at the floor or a reference is.
_TRAFFIC_SQL = "(views + 2 * downloads + 2 * clicks + 3 * shares)"
_FLOOR_SQL = (
    f"SELECT MIN(b), COUNT(*) FROM (SELECT {_TRAFFIC_SQL} AS b FROM file_totals "
    "ORDER BY b DESC LIMIT ?)"
)
_OVER_CUT = f"SELECT media_id FROM file_totals WHERE {_TRAFFIC_SQL} >= :cut"
_AT_FLOOR_OR_USED = (
    f"SELECT media_id FROM file_totals WHERE {_TRAFFIC_SQL} >= :cut "
    "UNION SELECT media_id FROM usage_locations WHERE media_id IS NOT NULL"
)
_SCORED_SQL = f"""
WITH x AS (
  SELECT f.id, COALESCE(t.views, 0) AS v, COALESCE(t.downloads, 0) AS d,
         COALESCE(t.clicks, 0) AS c, COALESCE(t.shares, 0) AS s,
         (SELECT COUNT(*) FROM usage_locations u WHERE u.media_id = f.id) AS n
  FROM ({{candidates}}) candidates CROSS JOIN media_files f ON f.id = candidates.media_id
  LEFT JOIN file_totals t ON t.media_id = f.id
  WHERE f.deleted_at IS NULL
)
SELECT id, {SCORE_SQL} AS score, v, d, c, s, n FROM x
"""


def _most_places(ctx: ReportContext) -> int:
    """The most usage_locations rows naming one file (a library fact)."""
    return int(
        library_fact(
            ctx,
            "most_places_per_file",
            lambda: ctx.conn.execute(
                "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM usage_locations "
                "WHERE media_id IS NOT NULL GROUP BY media_id)"
            ).fetchone()[0],
        )
    )


def _bound_query(ctx: ReportContext, depth: int) -> tuple[str, dict[str, int]]:
    """SQL and parameters of the all-time scores of the files that can rank among the
    first `depth` present files (see above): rows (id, score, v, d, c, s, n)."""
    depth += ctx.conn.execute(
        "SELECT COUNT(*) FROM media_files WHERE deleted_at IS NOT NULL"
    ).fetchone()[0]
    floor, ranked = ctx.conn.execute(_FLOOR_SQL, (depth,)).fetchone()
    if ranked < depth:  # fewer files with traffic than places to fill: all can rank
        return _SCORED_SQL.format(candidates=_AT_FLOOR_OR_USED), {"cut": 0}
    cut = floor - 5 * _most_places(ctx)
    if cut > 0:
        return _SCORED_SQL.format(candidates=_OVER_CUT), {"cut": cut}
    return _SCORED_SQL.format(candidates=_AT_FLOOR_OR_USED), {"cut": floor}


def _places_count(ctx: ReportContext, ids: list[int]) -> dict[int, int]:
    """file id -> number of usage_locations rows naming it."""
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            ctx.conn.execute(
                f"SELECT media_id, COUNT(*) FROM usage_locations WHERE media_id IN ({marks}) "
                f"GROUP BY media_id",
                chunk,
            )
        )
    return found


def _scored(ctx: ReportContext, file_ids: list[int] | None, limit: int) -> list[tuple[Any, ...]]:
    """(id, views, downloads, clicks, shares, places, score) for the given files, or for
    the `limit` present files with the highest score over the range."""
    if file_ids is not None:
        sums = range_sums(ctx, file_ids)
        places = _places_count(ctx, file_ids)
        out = []
        for file_id in file_ids:
            r = sums.get(file_id, RangeSums())
            n = places.get(file_id, 0)
            score = r.views + 2 * r.downloads + 2 * r.clicks + 3 * r.shares + 5 * n
            out.append((file_id, r.views, r.downloads, r.clicks, r.shares, n, score))
        return out
    if ctx.time_range.is_all:
        # All-time totals are the range's totals: one ordered query answers it.
        bound_sql, params = _bound_query(ctx, limit)
        return [
            (i, v, d, c, s, n, score)
            for i, score, v, d, c, s, n in ctx.conn.execute(
                f"SELECT * FROM ({bound_sql}) WHERE score > 0 "
                f"ORDER BY score DESC, v DESC, id LIMIT :limit",
                {**params, "limit": limit},
            )
        ]

    def key(row: tuple[Any, ...], r: RangeSums) -> tuple[float, ...]:
        score = r.views + 2 * r.downloads + 2 * r.clicks + 3 * r.shares + 5 * row[2]
        return (score, r.views, -row[0])

    def direct() -> list[tuple[tuple[Any, ...], RangeSums]]:
        sub, args = range_sums_sql(ctx)
        # Answers: the same top list from one grouped scan of the range's rollup rows.
        rows = ctx.conn.execute(
            f"""
            WITH t AS ({sub}),
            l AS (SELECT media_id, COUNT(*) AS n FROM usage_locations
                  WHERE media_id IS NOT NULL GROUP BY media_id),
            x AS (
              SELECT f.id, COALESCE(t.s_views, 0) AS v, COALESCE(t.s_downloads, 0) AS d,
                     COALESCE(t.s_clicks, 0) AS c, COALESCE(t.s_shares, 0) AS s,
                     COALESCE(l.n, 0) AS n
              FROM media_files f LEFT JOIN t ON t.media_id = f.id
              LEFT JOIN l ON l.media_id = f.id
              WHERE f.deleted_at IS NULL AND (t.media_id IS NOT NULL OR l.media_id IS NOT NULL)
            )
            SELECT id, {SCORE_SQL} AS score, n, v, d, c, s FROM x WHERE score > 0
            ORDER BY score DESC, v DESC, id LIMIT ?
            """,
            [*args, limit],
        )
        return [
            ((i, score, n), RangeSums(views=v, downloads=d, clicks=c, shares=s_))
            for i, score, n, v, d, c, s_ in rows
        ]

    def _from_table() -> list[tuple[tuple[Any, ...], RangeSums]]:
        """The top list from the shared one-scan table of a short range."""
        table = short_range_table(ctx)
        places = dict(
            ctx.conn.execute(
                "SELECT media_id, COUNT(*) FROM usage_locations WHERE media_id IS NOT NULL "
                "GROUP BY media_id"
            ).fetchall()
        )
        gone = {r[0] for r in ctx.conn.execute(
            "SELECT id FROM media_files WHERE deleted_at IS NOT NULL"
        )}  # fmt: skip
        # Tens of thousands of files: scored straight from the summed tuples (requests,
        # views, downloads, clicks, shares, ...), no object per file; the tie-break by
        # views only for the files that reach the top score.
        scores = {i: s[1] + 2 * s[2] + 2 * s[3] + 3 * s[4] for i, s in table.items()}
        for file_id, n in places.items():
            scores[file_id] = scores.get(file_id, 0) + 5 * n
        for file_id in gone:
            scores.pop(file_id, None)
        highest = [score for score in heapq.nlargest(limit, scores.values()) if score > 0]
        if not highest:
            return []
        empty = astuple(RangeSums())
        reaching = [
            (score, table.get(i, empty)[1], -i)
            for i, score in scores.items()
            if score >= highest[-1]
        ]
        return [
            ((-neg_id, 0, places.get(-neg_id, 0)), RangeSums(*table.get(-neg_id, empty)))
            for _score, _views, neg_id in heapq.nlargest(limit, reaching)
        ]

    if ctx.time_range.days <= SHORT_RANGE_DAYS:
        best = _from_table()  # a day or two of rows: one scan beats any walk
    else:
        bound_sql, params = _bound_query(ctx, MAX_WALK + 1)
        best = top_in_range(
            ctx,
            f"SELECT id, score, n FROM ({bound_sql}) ORDER BY score DESC",
            key,
            limit,
            direct,
            params,
        )
    return [
        (row[0], r.views, r.downloads, r.clicks, r.shares, row[2], int(key(row, r)[0]))
        for row, r in best
    ]


def usage_data(ctx: ReportContext, file_ids: list[int] | None, limit: int) -> list[MediaUsageData]:
    """MediaUsageData for the given files (None: the `limit` present files with the highest
    usage score over the range, ties broken by views then id)."""
    scored = _scored(ctx, file_ids, limit)
    ids = [r[0] for r in scored]
    files = file_rows(ctx.conn, ids)
    places = locations_for(ctx.conn, ids)
    last = last_used_for(ctx.conn, ids)
    view_time = average_view_seconds(
        ctx, [i for i in ids if i in files and files[i].kind == "video"]
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
    of_kind = "" if kind is None else "AND kind = ? "
    rows = ctx.conn.execute(
        "SELECT id, path, kind, size, uploaded_at, uploaded_source FROM media_files "
        f"WHERE deleted_at IS NULL {of_kind}AND uploaded_at >= ? AND uploaded_at < ? "
        "ORDER BY uploaded_at DESC, id DESC LIMIT ?",
        (*([] if kind is None else [kind]), ctx.time_range.start_ts, ctx.time_range.end_ts, limit),
    )
    return [
        RecentUploadData(str(i), bytes(p), k, s, ts_to_datetime(u), src)  # type: ignore[arg-type]
        for i, p, k, s, u, src in rows
    ]


def download_stats(ctx: ReportContext, limit: int) -> DownloadStats:
    """Downloads in the range: total, per kind, per day (from kind_daily) and top files."""
    by_type: dict[str, int] = {}
    by_day: dict[str, int] = {}
    # Answers: downloads per kind and per day in the range.
    for kind, day, downloads in ctx.conn.execute(
        *in_range(ctx.time_range, "kind_daily", "kind, date, downloads", "downloads > 0")
    ):
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
