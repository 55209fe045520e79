"""Recommendations for one file: plain sentences with the figures that triggered them.

Used by the file report (`recommendations`). Each rule looks at one kind of evidence
the report already computed; no query runs here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import humanize

from mediatop.analytics.context import ReportContext
from mediatop.model import MediaFile
from mediatop.timerange import period_words

if TYPE_CHECKING:
    from mediatop.analytics.file.report import Breakdown, FileEngagement, FilePerformance
    from mediatop.analytics.usage.report import MediaUsageData
    from mediatop.analytics.usage.unused import UnusedFile

SLOW_P95_MS = 1000.0
LOW_CACHE_HIT_PERCENT = 50.0
HIGH_ERROR_PERCENT = 5.0
LOW_COMPLETION_PERCENT = 25.0
LARGE_IMAGE_BYTES = 1_000_000


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=False)


def _unused_advice(unused: UnusedFile | None) -> list[str]:
    if unused is None:
        return []
    return [
        f"Looks unused ({'; '.join(unused.evidence[1:3])}): risk {unused.risk_level}, "
        f"confidence {unused.confidence:.2f}; removing it would free "
        f"{_size(unused.potential_savings)}."
    ]


def _optimization_advice(media: MediaFile, optimization: list[Any]) -> list[str]:
    """One sentence per measured or unmeasured opportunity; a large image with none gets
    the typical WebP/AVIF saving."""
    out: list[str] = []
    for item in optimization:
        saving = getattr(item, "potential_savings", None)
        what = str(getattr(item, "type", "optimise"))
        reason = getattr(item, "reason", None)
        target = getattr(item, "recommended_format", None)
        head = f"{what.capitalize()}" + (f" to {target}" if target else "")
        detail = f" ({reason})" if reason else ""
        if saving:
            out.append(f"{head}{detail}: saves {_size(saving)} (measured).")
        else:
            out.append(f"{head}{detail}: the saving is not measured yet.")
    if not optimization and media.kind == "image" and media.size > LARGE_IMAGE_BYTES:
        fmt = (media.probe.format or media.ext).lstrip(".").upper()
        if fmt not in ("WEBP", "AVIF", "SVG"):
            out.append(
                f"At {_size(media.size)} this {fmt} image is large; a WebP or AVIF copy is "
                f"typically 30-50 % smaller."
            )
    return out


def _delivery_advice(ctx: ReportContext, perf: FilePerformance) -> list[str]:
    """Slow server time, a low cache hit rate, many errors, mostly crawlers."""
    out: list[str] = []
    p95 = perf.server_all_time.p95_ms
    if p95 is not None and p95 > SLOW_P95_MS:
        out.append(
            f"Server time p95 is {p95:,.0f} ms over {perf.server_all_time.samples} requests; "
            f"serve it from a cache or CDN."
        )
    if perf.cache_hit_rate is not None and perf.cache_hit_rate < LOW_CACHE_HIT_PERCENT:
        out.append(
            f"Only {perf.cache_hit_rate:.0f} % of its requests hit the cache "
            f"({period_words(ctx.time_range.label)}); check its cache headers."
        )
    if perf.error_rate is not None and perf.error_rate > HIGH_ERROR_PERCENT:
        out.append(
            f"{perf.errors} of {perf.requests} requests ({perf.error_rate:.0f} %) failed "
            f"({period_words(ctx.time_range.label)}); look for broken links or permissions."
        )
    total_requests = perf.requests + perf.bot_requests
    if total_requests >= 20 and perf.bot_requests > perf.requests:
        out.append(
            f"Crawlers made {perf.bot_requests} of its {total_requests} requests; "
            f"its human audience is small."
        )
    return out


def _video_advice(media: MediaFile, engagement: FileEngagement) -> list[str]:
    out: list[str] = []
    if media.probe.faststart is False:
        out.append(
            "The MP4's index (moov atom) is at the end: move it to the front (faststart) "
            "so playback starts before the whole file is downloaded."
        )
    rate = engagement.completion_rate
    if rate is not None and engagement.sessions and rate < LOW_COMPLETION_PERCENT:
        out.append(
            f"Only {rate:.0f} % of {engagement.sessions} sessions watched to the end; "
            f"consider a shorter cut or a better opening."
        )
    return out


def _pdf_advice(media: MediaFile) -> list[str]:
    out: list[str] = []
    if media.probe.has_text_layer is False:
        out.append("The PDF has no text layer: it cannot be searched; run OCR on it.")
    if not media.probe.title:
        out.append("The PDF has no title in its metadata; search results will show a name.")
    return out


def _audience_advice(
    ctx: ReportContext,
    media: MediaFile,
    usage: MediaUsageData,
    unused: UnusedFile | None,
    devices: list[Breakdown],
) -> list[str]:
    """Places nobody visited in the range; a wide image seen mostly on mobile."""
    out: list[str] = []
    if usage.places_used and not usage.usage_count and unused is None:
        out.append(
            f"Used in {usage.places_used} place(s) but not requested "
            f"({period_words(ctx.time_range.label)}); those pages may get no visits."
        )
    mobile = next((d for d in devices if d.value == "mobile"), None)
    if (
        mobile is not None
        and mobile.percent is not None
        and mobile.percent >= 50
        and media.kind == "image"
        and (media.probe.width or 0) > 2000
    ):
        out.append(
            f"{mobile.percent:.0f} % of its views are on mobile yet it is "
            f"{media.probe.width} px wide; serve a smaller size through srcset."
        )
    return out


def file_recommendations(
    ctx: ReportContext,
    media: MediaFile,
    usage: MediaUsageData,
    perf: FilePerformance,
    engagement: FileEngagement,
    unused: UnusedFile | None,
    optimization: list[Any],
    devices: list[Breakdown],
) -> list[str]:
    """What an admin could do about this file, most useful first."""
    out = [
        *_unused_advice(unused),
        *_optimization_advice(media, optimization),
        *_delivery_advice(ctx, perf),
    ]
    if media.kind == "video":
        out.extend(_video_advice(media, engagement))
    if media.kind == "document" and (media.probe.format or media.ext).lower().endswith("pdf"):
        out.extend(_pdf_advice(media))
    out.extend(_audience_advice(ctx, media, usage, unused, devices))
    return out
