"""The seed's complete MediaAnalytics: overview, usage, performance and types, in one.

`media_report(ctx)` is `getMediaUsageAnalytics(timeRange)`: it composes the overview,
usage and performance reports with the per-type reports of the images, video, documents
and audio modules, so that `GET /api/analytics/media` and `mediatop report media`
give the whole picture in the seed's field names. Image savings are read from the
measurement cache only here (no re-encoding), unless the option `measure` says otherwise.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import Any

from mediatop.analytics.context import ReportContext
from mediatop.analytics.performance import PerformanceReport, performance_report
from mediatop.analytics.usage import UsageReport, usage_report

# (field, module, function): the per-type reports, by name so each loads only here.
TYPE_REPORTS = (
    ("images", "mediatop.analytics.images", "images_report"),
    ("videos", "mediatop.analytics.video", "videos_report"),
    ("documents", "mediatop.analytics.documents", "documents_report"),
    ("audio", "mediatop.analytics.audio", "audio_report"),
)


@dataclass(frozen=True)
class MediaTypes:
    """Per-type analytics; a type whose module is not installed is None."""

    images: Any
    videos: Any
    documents: Any
    audio: Any


@dataclass(frozen=True)
class MediaAnalytics:
    overview: Any
    usage: UsageReport
    performance: PerformanceReport
    types: MediaTypes


def type_reports(ctx: ReportContext) -> MediaTypes:
    """The images, videos, documents and audio reports for the range."""
    options = {"measure": "cached", **ctx.options}
    typed = replace(ctx, options=options)
    found: dict[str, Any] = {}
    for name, module, function in TYPE_REPORTS:
        try:
            loaded = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise  # the module exists but is broken: say so
            found[name] = None
            continue
        found[name] = getattr(loaded, function)(typed)
    return MediaTypes(**found)


def media_report(ctx: ReportContext) -> MediaAnalytics:
    """The seed's MediaAnalytics {overview, usage, performance, types}."""
    from mediatop.analytics.overview import overview_report

    return MediaAnalytics(
        overview=overview_report(ctx),
        usage=usage_report(ctx),
        performance=performance_report(ctx),
        types=type_reports(ctx),
    )
