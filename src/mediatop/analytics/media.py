"""The seed's complete MediaAnalytics: overview, usage, performance and types, in one.

`media_report(ctx)` is `getMediaUsageAnalytics(timeRange)`: it composes the overview,
usage and performance reports with the per-type reports of the images, video, documents
and audio modules, so that `GET /api/analytics/media` and `mediatop report media`
give the whole picture in the seed's field names. Image savings are read from the
measurement cache only here (no re-encoding), unless the option `measure` says otherwise.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from mediatop.analytics._forked import fork_available, fork_call
from mediatop.analytics.audio import AudioAnalytics, audio_report
from mediatop.analytics.context import ReportContext
from mediatop.analytics.documents import DocumentAnalytics, documents_report
from mediatop.analytics.images import ImageAnalytics, images_report
from mediatop.analytics.overview import OverviewReport, overview_report
from mediatop.analytics.performance import PerformanceReport, performance_report
from mediatop.analytics.usage import UsageReport, usage_report
from mediatop.analytics.video import VideoAnalytics, videos_report
from mediatop.store import connect, database_file


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


# Longest first (as measured on a large store), so that two threads finish together.
_PARTS: dict[str, Callable[[ReportContext], Any]] = {
    "videos": videos_report,
    "performance": performance_report,
    "images": images_report,
    "usage": usage_report,
    "documents": documents_report,
    "audio": audio_report,
    "overview": overview_report,
}
_THREADS = 2
# With a forked child: the parts it runs, about half the work (bench/report.py), a
# little less since its connection starts with a cold cache.
_CHILD_PARTS = ("images", "usage", "documents")


def _run_named(ctx: ReportContext, path: str, names: Iterable[str]) -> dict[str, Any]:
    """These parts, one after the other, on a read connection of their own."""
    conn = connect(path, readonly=True)
    try:
        return {name: _PARTS[name](replace(ctx, conn=conn)) for name in names}
    finally:
        conn.close()


def _run_parts(ctx: ReportContext) -> dict[str, Any]:
    """Every part: split between this process and a forked child where forking is safe
    (see _forked), else two at a time on threads with read connections of their own.

    A store without a file (in memory) runs the parts one after the other on the
    caller's connection.
    """
    path = database_file(ctx.conn)
    if not path:
        return {name: part(ctx) for name, part in _PARTS.items()}
    if fork_available():
        # This process keeps the caller's connection, whose page cache is warm; the
        # child opens its own (a connection must never cross a fork).
        theirs, ours = fork_call(
            lambda: _run_named(ctx, path, _CHILD_PARTS),
            lambda: {n: part(ctx) for n, part in _PARTS.items() if n not in _CHILD_PARTS},
        )
        return {**theirs, **ours}
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    lock = threading.Lock()

    def run(part: Callable[[ReportContext], Any]) -> Any:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect(path, readonly=True)
            with lock:
                opened.append(conn)
        return part(replace(ctx, conn=conn))

    try:
        with ThreadPoolExecutor(_THREADS, thread_name_prefix="mediatop-media") as pool:
            futures = {name: pool.submit(run, part) for name, part in _PARTS.items()}
            return {name: future.result() for name, future in futures.items()}
    finally:
        for conn in opened:
            conn.close()


def media_report(ctx: ReportContext) -> MediaAnalytics:
    """The seed's MediaAnalytics {overview, usage, performance, types}.

    Image savings are read from the measurement cache unless the option `measure`
    says otherwise: this report never re-encodes by default.
    """
    if ctx.memo is None:  # called directly, not through run_report: its parts still share
        ctx = ctx.fresh_run()
    parts = _run_parts(replace(ctx, options={"measure": "cached", **ctx.options}))
    return MediaAnalytics(
        overview=parts["overview"],
        usage=parts["usage"],
        performance=parts["performance"],
        types=MediaTypes(parts["images"], parts["videos"], parts["documents"], parts["audio"]),
    )
