"""The seed's complete MediaAnalytics: overview, usage, performance and types, in one.

`media_report(ctx)` is `getMediaUsageAnalytics(timeRange)`: it composes the overview,
usage and performance reports with the per-type reports of the images, video, documents
and audio modules, so that `mediatop report media` gives the whole picture in the
seed's field names (the shape of the SPEC's `GET /api/analytics/media`, which no HTTP
server serves yet). Image savings are read from the measurement cache only here (no
re-encoding), unless the option `measure` says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mediatop.analytics.audio.report import AudioAnalytics, audio_report
from mediatop.analytics.context import ReportContext
from mediatop.analytics.documents.report import DocumentAnalytics, documents_report
from mediatop.analytics.images.report import ImageAnalytics, images_report
from mediatop.analytics.library.overview import OverviewReport, overview_report
from mediatop.analytics.parts import run_parts
from mediatop.analytics.performance.report import PerformanceReport, performance_report
from mediatop.analytics.usage.report import UsageReport, usage_report
from mediatop.analytics.video.report import VideoAnalytics, videos_report


@dataclass(frozen=True)
class MediaTypes:
    """Per-type analytics, as the seed's `types` block."""

    images: ImageAnalytics
    videos: VideoAnalytics
    documents: DocumentAnalytics
    audio: AudioAnalytics


@dataclass(frozen=True)
class MediaAnalytics:
    overview: OverviewReport
    usage: UsageReport
    performance: PerformanceReport
    types: MediaTypes


# The parts, and the groups they are handed out in (see `run_parts`): the longest first,
# so that the short ones at the end even the two sides out. This process, whose cache is
# warm, takes performance, usage and overview while the child opens its own connection
# and takes images (bench/report.py, 100k files, 10M events, 24h: 150 + 55 + 10 ms here,
# images 125 ms there; 110-170 ms once every image is measured). Usage and overview share
# the unused files' candidate rows, performance and usage a short range's per-file scan
# (at 24h), which the run's memo serves once in one process. Against performance, images,
# videos and usage with overview apart, in six runs on both of the bench stores the
# worst 24h media report went from 319 to 304 ms, the measured store's 30d from 309 to
# 291.
_PARTS: dict[str, Callable[[ReportContext], Any]] = {
    "performance": performance_report,
    "images": images_report,
    "videos": videos_report,
    "usage": usage_report,
    "overview": overview_report,
    "documents": documents_report,
    "audio": audio_report,
}
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("performance", "usage", "overview"),
    ("images",),
    ("videos",),
    ("documents",),
    ("audio",),
)


def media_report(ctx: ReportContext) -> MediaAnalytics:
    """The seed's MediaAnalytics {overview, usage, performance, types}.

    Image savings are read from the measurement cache unless the option `measure`
    says otherwise: this report never re-encodes by default.
    """
    if ctx.memo is None:  # called directly, not through run_report: its parts still share
        ctx = ctx.fresh_run()
    parts = run_parts(replace(ctx, options={"measure": "cached", **ctx.options}), _PARTS, _GROUPS)
    return MediaAnalytics(
        overview=parts["overview"],
        usage=parts["usage"],
        performance=parts["performance"],
        types=MediaTypes(parts["images"], parts["videos"], parts["documents"], parts["audio"]),
    )
