"""Insights: findings in plain sentences, each with the figures that triggered it and the
action it suggests (the seed's insights and recommendations).

Every rule reads the other analytics (usage, unused, performance, growth, overview and,
when present, the images / video / documents modules' public functions); no rule invents
a figure: a rule whose evidence is missing stays silent. Severity is 'critical' (act
now), 'warning' (worth doing soon) or 'info' (good to know).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import humanize

from mediatop.analytics._range_sql import in_range
from mediatop.analytics._rollups import percent, top_files
from mediatop.analytics.context import ReportContext
from mediatop.analytics.growth import quota_forecast
from mediatop.analytics.performance import cache_stats, kind_sums, load_times
from mediatop.analytics.unused import unused_days, unused_overview

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
QUOTA_WARN_DAYS = 180
QUOTA_CRITICAL_DAYS = 30
LOW_CACHE_HIT_PERCENT = 80.0
SLOW_P95_MS = 1000.0
HIGH_ERROR_PERCENT = 2.0
TOP_PAGES = 20
TOP_FILES = 40


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
            f"{_n(files, 'file')} ({_size(total)}) look unused: no request in "
            f"{days} days; "
            + (
                f"{low} of them ({_size(found.bytes_by_risk['low'])}) are low risk."
                if low
                else "none is low risk (see each file's evidence)."
            ),
            "Review the low-risk ones in `mediatop report usage` and quarantine them with "
            "the cleanup plan (it can be undone).",
            figures,
        )
    ]


def _quota(ctx: ReportContext) -> list[Insight]:
    # The overview's quota rule (configured, else the file system's size), without the
    # rest of the overview.
    from mediatop.analytics.overview import _quota as configured_quota

    used = int(
        ctx.conn.execute(
            "SELECT COALESCE(SUM(size), 0) FROM media_files WHERE deleted_at IS NULL"
        ).fetchone()[0]
    )
    quota, _source = configured_quota(ctx)
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


def _top_page_media(ctx: ReportContext) -> set[int]:
    """Files shown on the TOP_PAGES most viewed pages of the range.

    A page's views are approximated by the range views of the media it shows, counting
    the TOP_FILES most viewed files only (found without summing every file), so pages
    showing none of them are not "most viewed"."""
    top = top_files(ctx, "views", ["views"], TOP_FILES)
    views = json.dumps([[i, r.views] for i, r in top])
    rows = ctx.conn.execute(
        "WITH v AS (SELECT json_extract(value, '$[0]') AS media_id, "
        "  json_extract(value, '$[1]') AS views FROM json_each(?)), "
        "pages AS (SELECT l.type, l.location_id, SUM(v.views) AS n FROM usage_locations l "
        "  JOIN v ON v.media_id = l.media_id GROUP BY 1, 2 ORDER BY n DESC LIMIT ?) "
        "SELECT DISTINCT l.media_id FROM usage_locations l JOIN pages p "
        "ON p.type = l.type AND p.location_id = l.location_id WHERE l.media_id IS NOT NULL",
        (views, TOP_PAGES),
    )
    return {r[0] for r in rows}


def _images(ctx: ReportContext) -> list[Insight]:
    """Oversized images, format conversions and WebP adoption, from the images modules'
    public functions over cached measurements (nothing is re-encoded here)."""
    try:
        from mediatop.analytics._media_common import uses_by_file
        from mediatop.analytics.image_facts import (
            OVERSIZE_FACTOR,
            load_image_facts,
            max_display_widths,
        )
        from mediatop.analytics.image_opportunities import image_optimization
        from mediatop.analytics.savings import cached_measurements
    except ModuleNotFoundError:
        return []
    widths = max_display_widths(ctx.conn)
    # No measurement yet is common (nothing re-encoded): skip reading the cache then.
    measured_any = ctx.conn.execute("SELECT 1 FROM savings_cache LIMIT 1").fetchone()
    cached = cached_measurements(ctx.conn) if measured_any else {}
    total, modern = ctx.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(upper(format) IN ('WEBP', 'AVIF')), 0) FROM media_files "
        "WHERE kind = 'image' AND deleted_at IS NULL"
    ).fetchone()
    # Oversized (the images module's rule, recommended_width): natural width over
    # OVERSIZE_FACTOR × the largest display width; the waste is the measured saving of
    # the resize to that width, where the measurement is cached.
    oversized: list[int] = []
    waste = 0
    # Answers: which present images with a known display width are wider than
    # OVERSIZE_FACTOR times it? (Looked up by id from the images that have one.)
    for file_id, size, display in ctx.conn.execute(
        "WITH w AS (SELECT CAST(key AS INTEGER) AS id, value AS display FROM json_each(?)) "
        # CROSS JOIN pins json_each as the outer loop; with a plain JOIN the planner
        # may rescan the whole list once per image (seen on a 100k-file store).
        "SELECT f.id, f.size, w.display FROM w CROSS JOIN media_files f ON f.id = w.id "
        "WHERE f.kind = 'image' AND f.deleted_at IS NULL AND f.width > ? * w.display",
        (json.dumps(widths), OVERSIZE_FACTOR),
    ):
        oversized.append(file_id)
        if cached:
            measured = cached.get(file_id, {}).get(f"resize:{OVERSIZE_FACTOR * display}")
            if measured is not None and measured.encoded_size is not None:
                waste += size - measured.encoded_size
    out: list[Insight] = []
    if oversized:
        on_top = _top_page_media(ctx) & set(oversized)
        out.append(
            Insight(
                "oversized", "warning",
                f"{_n(len(oversized), 'image')} over 2× their largest display width"
                + (f" waste {_size(waste)}" if waste else " found")
                + f"; {len(on_top)} of them are on the {TOP_PAGES} most viewed pages.",
                "Resize them to twice their display width (see `mediatop report images`), "
                "starting with those on the busiest pages.",
                {"images": len(oversized), "bytes": waste, "onTopPages": len(on_top)},
            )
        )  # fmt: skip
    # Format conversions need a cached WebP/AVIF measurement: only those images are loaded.
    found = image_optimization(load_image_facts(ctx.conn, set(cached)), widths, cached, {})
    formats = [o for o in found.opportunities if o.type == "format"]
    if formats:
        saving = sum(o.potential_savings or 0 for o in formats)
        uses = uses_by_file(ctx, [int(o.media_id) for o in formats])
        requests = {media_id: counts[0] for media_id, counts in uses.items()}
        served = sum((o.potential_savings or 0) * requests.get(int(o.media_id), 0) for o in formats)
        out.append(
            Insight(
                "format", "warning" if saving else "info",
                f"{_n(len(formats), 'image')} would be smaller as WebP/AVIF"
                + (f": {_size(saving)} measured" if saving else "")
                + (f", {_size(served)} less traffic over {ctx.time_range.label}"
                   if served else "")
                + ".",
                "Convert them (keep the originals until the pages are updated).",
                {"images": len(formats), "bytes": saving, "trafficBytes": served},
            )
        )  # fmt: skip
    adoption = percent(modern, total)
    if adoption is not None and adoption < 25:
        out.append(
            Insight(
                "webp", "info",
                f"Only {adoption:.0f} % of {_n(total, 'image')} are WebP or AVIF.",
                "Have the CMS generate WebP/AVIF copies for new uploads.",
                {"webPAdoption": adoption, "images": total},
            )
        )  # fmt: skip
    return out


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
    requests = sum(v[0] or 0 for v in sums.values())
    errors = sum(v[7] or 0 for v in sums.values())
    rate = percent(errors, requests)
    rows, args = in_range(ctx.time_range, "media_misses", "path, requests")
    misses = ctx.conn.execute(
        f"SELECT COALESCE(SUM(requests), 0), COUNT(DISTINCT path) FROM ({rows})", args
    ).fetchone()
    parts = []
    if errors:
        parts.append(
            f"{_n(errors, 'media request')} failed over {label}"
            + (f" ({rate:.1f} % of requests)" if rate is not None else "")
        )
    if misses[0]:
        parts.append(
            f"{_n(misses[0], 'request')} over {label} asked for {_n(misses[1], 'file')} the "
            f"library does not have"
        )
    if (rate is not None and rate > HIGH_ERROR_PERCENT) or misses[0]:
        out.append(
            Insight(
                "errors", "warning", "; ".join(parts) + ".",
                "Fix or redirect the broken URLs (most requested first).",
                {"errors": errors, "errorRate": rate, "missingRequests": misses[0],
                 "missingFiles": misses[1]},
            )
        )  # fmt: skip
    return out


def _library(ctx: ReportContext) -> list[Insight]:
    out: list[Insight] = []
    broken = ctx.conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT media_path) FROM usage_locations WHERE media_id IS NULL"
    ).fetchone()
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
    slow_start = ctx.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM media_files WHERE deleted_at IS NULL "
        "AND kind = 'video' AND faststart = 0"
    ).fetchone()
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
    pdfs = ctx.conn.execute(
        "SELECT COUNT(*), SUM(has_text_layer = 0), SUM(title IS NULL OR title = '') "
        "FROM media_files WHERE deleted_at IS NULL AND kind = 'document' "
        "AND probed_at IS NOT NULL AND lower(ext) IN ('.pdf', 'pdf')"
    ).fetchone()
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
        from mediatop.analytics.video_engagement import Scope, session_totals
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


def insights_report(ctx: ReportContext) -> InsightsReport:
    """Every finding the store supports, most severe first."""
    found: list[Insight] = []
    for rule in (_quota, _unused, _images, _serving, _library, _video):
        found.extend(rule(ctx))
    found.sort(key=lambda i: SEVERITY_ORDER[i.severity])
    return InsightsReport(found, [f"{i.message} {i.action}" for i in found])
