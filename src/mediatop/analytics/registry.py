"""The named reports: one entry per `mediatop report NAME` (the SPEC's report endpoints
name the same reports, and `mediatop serve` answers them from this registry).

Entries name a module and a function instead of importing them, so that listing the
reports (for `--help`) does not import every analytics module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry is read by every CLI command: kept light
    from mediatop.analytics.context import ReportContext


@dataclass(frozen=True)
class ReportSpec:
    name: str
    module: str
    function: str
    description: str
    # The option naming what a report is about, when it is about one thing: "file"
    # (--file ID|PATH) or "place" (--place TYPE:ID).
    about: str | None = None

    def load(self) -> Callable[[ReportContext], Any]:
        func: Callable[[ReportContext], Any] = getattr(
            importlib.import_module(self.module), self.function
        )
        return func


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "overview",
            "mediatop.analytics.library.overview",
            "overview_report",
            "storage: totals, per type, quota, uploaded/deleted this month",
        ),
        ReportSpec(
            "usage",
            "mediatop.analytics.usage.report",
            "usage_report",
            "most used, unused (with evidence and risk), recent uploads, downloads",
        ),
        ReportSpec(
            "performance",
            "mediatop.analytics.performance.report",
            "performance_report",
            "load times (server/client p50-p99), bandwidth, cache hits, compression, slowest",
        ),
        ReportSpec(
            "misses",
            "mediatop.analytics.usage.misses",
            "misses_report",
            "requests for media the library does not have: people and crawlers apart",
        ),
        ReportSpec(
            "ingest",
            "mediatop.analytics.usage.ingest_state",
            "ingest_report",
            "what has been read in: logs with their checkpoints, malformed lines, events "
            "per source, and the misses",
        ),
        ReportSpec(
            "file",
            "mediatop.analytics.file.report",
            "file_report",
            "one file (--file ID|PATH): metadata, places used, traffic, engagement, advice, "
            "and its kind's analysis (image performance, video engagement and delivery, "
            "document insights)",
            about="file",
        ),
        ReportSpec(
            "place",
            "mediatop.analytics.usage.place",
            "place_report",
            "one place (--place TYPE:ID, a page or post as the references name it): the "
            "files it uses, how, their uses, and the paths it names that are missing",
            about="place",
        ),
        ReportSpec(
            "insights",
            "mediatop.analytics.insights.report",
            "insights_report",
            "findings with their figures and the action each suggests",
        ),
        ReportSpec(
            "media",
            "mediatop.analytics.media",
            "media_report",
            "the complete MediaAnalytics: overview, usage, performance, types",
        ),
        ReportSpec(
            "images",
            "mediatop.analytics.images.report",
            "images_report",
            "images: formats, compression, WebP, responsive/lazy, oversized, measured savings",
        ),
        ReportSpec(
            "duplicates",
            "mediatop.analytics.duplicates.report",
            "duplicates_report",
            "exact copies (content hash) and near-duplicate images (perceptual hash)",
        ),
        ReportSpec(
            "videos",
            "mediatop.analytics.video.report",
            "videos_report",
            "videos: views, watch time, completion, drop-off, heatmap, encoding and delivery",
        ),
        ReportSpec(
            "documents",
            "mediatop.analytics.documents.report",
            "documents_report",
            "documents: downloads, conversion, access patterns, searchability",
        ),
        ReportSpec(
            "audio",
            "mediatop.analytics.audio.report",
            "audio_report",
            "audio: count, duration, bitrate, plays, completion",
        ),
        ReportSpec(
            "optimization",
            "mediatop.analytics.optimization.report",
            "optimization_report",
            "optimisation: resize, compress, remove, convert (counts, bytes), ranked list",
        ),
    )
}


def run_report(name: str, ctx: ReportContext) -> Any:
    """Compute report `name` (a key of REPORTS) for `ctx`."""
    return REPORTS[name].load()(ctx.fresh_run())
