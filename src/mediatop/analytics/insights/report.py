"""Insights: findings in plain sentences, each with the figures that triggered it and the
action it suggests (the seed's insights and recommendations).

Every rule reads the other analytics (usage, unused, performance, growth, overview and,
when present, the images / video / documents modules' public functions); no rule invents
a figure: a rule whose evidence is missing stays silent. Severity is 'critical' (act
now), 'warning' (worth doing soon) or 'info' (good to know).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import humanize

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent
from mediatop.analytics.library.growth import quota_forecast
from mediatop.analytics.parts import run_parts
from mediatop.analytics.performance.report import cache_stats, kind_sums, load_times
from mediatop.analytics.usage.misses import miss_stats
from mediatop.analytics.usage.unused import unused_days, unused_overview

if TYPE_CHECKING:
    from mediatop.analytics.images.insights import ImageFindings
from mediatop.store.queries import library as queries

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
QUOTA_WARN_DAYS = 180
QUOTA_CRITICAL_DAYS = 30
LOW_CACHE_HIT_PERCENT = 80.0
SLOW_P95_MS = 1000.0
HIGH_ERROR_PERCENT = 2.0


@dataclass(frozen=True)
class Insight:
    """One finding: `message` states it with its figures, `action` says what to do."""

    topic: str
    severity: str  # critical | warning | info
    message: str
    action: str
    figures: dict[str, Any]


@dataclass(frozen=True)
class InsightsReport:
    insights: list[Insight]
    recommendations: list[str]  # the actions, most severe first


def _size(n: float) -> str:
    return humanize.naturalsize(n, binary=False)


def _n(count: int, noun: str) -> str:
    """'1 file', '2 files'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _unused(ctx: ReportContext) -> list[Insight]:
    found = unused_overview(ctx, 0)
    files = sum(found.count_by_risk.values())
    if not files:
        return []
    total = sum(found.bytes_by_risk.values())
    low = found.count_by_risk["low"]
    days = unused_days(ctx)
    figures = {
        "files": files,
        "bytes": total,
        "lowRiskFiles": low,
        "lowRiskBytes": found.bytes_by_risk["low"],
        "unusedDays": days,
    }
    return [
        Insight(
            "unused",
            "warning" if low else "info",
            f"{_n(files, 'file')} ({_size(total)}) {'looks' if files == 1 else 'look'} "
            f"unused: no request in "
            f"{days} days; "
            + (
                f"{low} of them ({_size(found.bytes_by_risk['low'])}) are low risk."
                if low
                else "none is low risk (see each file's evidence)."
            ),
            "Review them, low risk first, with each file's evidence in "
            "`mediatop report usage`, then move them into quarantine, where `mediatop "
            "cleanup undo` puts them back: `mediatop cleanup plan ROOT -o plan.json`, "
            "then `mediatop cleanup apply plan.json` (or `x` on the Unused screen).",
            figures,
        )
    ]


def _quota(ctx: ReportContext) -> list[Insight]:
    # The overview's quota rule (configured, else the file system's size), without the
    # rest of the overview.
    from mediatop.analytics.library.overview import storage_quota

    used = queries.present_bytes(ctx.conn)
    quota, _source = storage_quota(ctx)
    forecast = quota_forecast(ctx, used, quota)
    figures = {
        "storageUsed": used,
        "storageQuota": quota,
        "bytesPerDay": forecast.bytes_per_day,
        "daysLeft": forecast.days_left,
        "quotaReachedOn": forecast.quota_reached_on,
    }
    if forecast.status == "reached":
        return [
            Insight(
                "quota", "critical",
                f"Storage ({_size(used)}) is at or over the quota "
                f"({_size(quota or 0)}).",
                "Free space now: start with unused files and measured image savings.", figures,
            )
        ]  # fmt: skip
    if forecast.status != "date" or forecast.days_left is None:
        return []
    if forecast.days_left > QUOTA_WARN_DAYS:
        return []
    severity = "critical" if forecast.days_left <= QUOTA_CRITICAL_DAYS else "warning"
    return [
        Insight(
            "quota", severity,
            f"At {_size(forecast.bytes_per_day or 0)}/day (last 90 days) storage reaches the "
            f"{_size(quota or 0)} quota on {forecast.quota_reached_on} "
            f"({forecast.days_left:.0f} days).",
            "Raise the quota or free space: unused files and image conversions first.",
            figures,
        )
    ]  # fmt: skip


_Found = tuple[list[Insight], "ImageFindings | None", list[Insight]]


def _rules(ctx: ReportContext) -> _Found:
    """Every rule's findings in order, the image ones (see `image_insights`) but their
    format traffic, which `_format_traffic` reads beside them."""
    before = [*_quota(ctx), *_unused(ctx)]
    after = [*_serving(ctx), *_library(ctx), *_video(ctx)]
    try:
        from mediatop.analytics.images.insights import image_insights
    except ModuleNotFoundError:
        return before, None, after
    return before, image_insights(ctx), after


def _format_traffic(ctx: ReportContext) -> int:
    try:
        from mediatop.analytics.images.insights import format_traffic
    except ModuleNotFoundError:
        return 0
    return format_traffic(ctx)


def _serving(ctx: ReportContext) -> list[Insight]:
    out: list[Insight] = []
    sums = kind_sums(ctx)
    cache = cache_stats(ctx, 10, sums)
    label = ctx.time_range.label
    if cache.hit_rate is not None and cache.hit_rate < LOW_CACHE_HIT_PERCENT:
        top_misses = sum(f.misses for f in cache.most_uncached)
        share = percent(top_misses, cache.misses) or 0
        out.append(
            Insight(
                "cache", "warning",
                f"Cache hit rate is {cache.hit_rate:.0f} % over {label}; the 10 most uncached "
                f"files cause {share:.0f} % of the {cache.misses} misses.",
                "Check the cache headers and CDN rules for those files first.",
                {"hitRate": cache.hit_rate, "misses": cache.misses, "topTenShare": share},
            )
        )  # fmt: skip
    for item in load_times(ctx, sums):
        p95 = item.server.p95_ms
        if item.type != "all" and p95 is not None and p95 > SLOW_P95_MS:
            out.append(
                Insight(
                    "load", "warning",
                    f"{item.type.capitalize()} requests take {p95:,.0f} ms at p95 on the server "
                    f"over {label} ({item.server.samples} requests).",
                    "Serve these from a cache or CDN; see the slowest files in "
                    "`mediatop report performance`.",
                    {"type": item.type, "p95Ms": p95, "samples": item.server.samples},
                )
            )  # fmt: skip
    out.extend(_broken_links(ctx, sums))
    return out


def _broken_links(ctx: ReportContext, sums: dict[str, tuple[Any, ...]]) -> list[Insight]:
    """Failed media requests, and people's requests for media the library does not
    have. Crawlers' misses are told apart and never raise the warning alone: a crawler
    asking for an old URL is not a visitor meeting a broken link."""
    label = ctx.time_range.label
    requests = sum(v[0] or 0 for v in sums.values())
    errors = sum(v[7] or 0 for v in sums.values())
    rate = percent(errors, requests)
    misses = miss_stats(ctx, 0)
    parts = []
    if errors:
        parts.append(
            f"{_n(errors, 'media request')} failed over {label}"
            + (f" ({rate:.1f} % of requests)" if rate is not None else "")
        )
    if misses.human_not_found:
        crawlers = (
            f" (crawlers: {_n(misses.crawler_not_found, 'more request')} for "
            f"{_n(misses.crawler_not_found_files, 'such file')})"
            if misses.crawler_not_found
            else ""
        )
        parts.append(
            f"{_n(misses.human_not_found, 'request')} by people over {label} asked for "
            f"{_n(misses.human_not_found_files, 'file')} the library does not have{crawlers}"
        )
    if not ((rate is not None and rate > HIGH_ERROR_PERCENT) or misses.human_not_found):
        return []
    return [
        Insight(
            "errors", "warning", "; ".join(parts) + ".",
            "Fix or redirect the broken URLs (most requested first; see "
            "`mediatop report misses`).",
            {"errors": errors, "errorRate": rate,
             "humanMissingRequests": misses.human_not_found,
             "humanMissingFiles": misses.human_not_found_files,
             "crawlerMissingRequests": misses.crawler_not_found,
             "crawlerMissingFiles": misses.crawler_not_found_files},
        )
    ]  # fmt: skip


def _library(ctx: ReportContext) -> list[Insight]:
    out: list[Insight] = []
    broken = queries.broken_references(ctx.conn)
    if broken[0]:
        out.append(
            Insight(
                "references", "warning",
                f"{_n(broken[0], 'reference')} in the content point to "
                f"{_n(broken[1], 'file')} that the library does not have.",
                "Restore those files or fix the pages that link to them.",
                {"references": broken[0], "files": broken[1]},
            )
        )  # fmt: skip
    slow_start = queries.late_index_videos(ctx.conn)
    if slow_start[0]:
        out.append(
            Insight(
                "faststart", "warning",
                f"{_n(slow_start[0], 'MP4 video')} ({_size(slow_start[1])}) with the index "
                f"(moov atom) at the end: playback waits for the whole download.",
                "Remux them with faststart (e.g. `ffmpeg -c copy -movflags +faststart`).",
                {"videos": slow_start[0], "bytes": slow_start[1]},
            )
        )  # fmt: skip
    pdfs = queries.pdf_gaps(ctx.conn)
    if pdfs[0] and (pdfs[1] or pdfs[2]):
        out.append(
            Insight(
                "documents", "info",
                f"Of {_n(pdfs[0], 'PDF')}: {pdfs[1] or 0} without a text layer (not "
                f"searchable), {pdfs[2] or 0} without a title.",
                "Run OCR on the scanned ones and fill in titles before the next upload.",
                {"pdfs": pdfs[0], "withoutText": pdfs[1] or 0, "withoutTitle": pdfs[2] or 0},
            )
        )  # fmt: skip
    return out


def _video(ctx: ReportContext) -> list[Insight]:
    """Completion rate of video sessions started in the range (video module's totals)."""
    try:
        from mediatop.analytics.video.engagement import session_totals
        from mediatop.store.queries.video import Scope
    except ModuleNotFoundError:
        return []
    totals = session_totals(ctx, Scope())
    rate = totals.completion_rate
    if rate is None or totals.sessions < 10 or rate >= 25:
        return []
    return [
        Insight(
            "video", "info",
            f"Only {rate:.0f} % of {_n(totals.sessions, 'video play')} over "
            f"{ctx.time_range.label} reach the end.",
            "Look at the drop-off points in `mediatop report videos` and trim the slow parts.",
            {"completionRate": rate, "sessions": totals.sessions},
        )
    ]  # fmt: skip


_GROUPS = (("rules",), ("traffic",))


def insights_report(ctx: ReportContext) -> InsightsReport:
    """Every finding the store supports, most severe first."""
    # the rules here, on the warm connection; the long read beside them in a child
    parts = run_parts(ctx, {"rules": _rules, "traffic": _format_traffic}, _GROUPS)
    before, images, after = parts["rules"]
    found = [*before, *([] if images is None else images.with_traffic(ctx, parts["traffic"]))]
    found += after
    found.sort(key=lambda i: SEVERITY_ORDER[i.severity])
    return InsightsReport(found, [f"{i.message} {i.action}" for i in found])
