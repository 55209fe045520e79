"""The seed's complete MediaAnalytics: overview, usage, performance and types, in one.

`media_report(ctx)` is `getMediaUsageAnalytics(timeRange)`: it composes the overview,
usage and performance reports with the per-type reports of the images, video, documents
and audio modules, so that `mediatop report media` gives the whole picture in the
seed's field names (the shape of the SPEC's `GET /api/analytics/media`, which no HTTP
server serves yet). Image savings are read from the measurement cache only here (no
re-encoding), unless the option `measure` says otherwise.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from mediatop.analytics._forked import fork_available, fork_share
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


# Handed out in this order (see _run_parts): the long parts first, as measured on a
# large store (bench/report.py), so that the short ones at the end even the two sides
# out. Usage leads: this process, whose cache is warm, takes it while the child opens
# its own connection.
_PARTS: dict[str, Callable[[ReportContext], Any]] = {
    "usage": usage_report,
    "videos": videos_report,
    "images": images_report,
    "performance": performance_report,
    "documents": documents_report,
    "overview": overview_report,
    "audio": audio_report,
}
_NAMES = tuple(_PARTS)
_THREADS = 2


def _run_claimed(ctx: ReportContext, claimed: Iterable[int]) -> dict[str, Any]:
    """The claimed parts, one after the other, on the context's connection."""
    return {_NAMES[i]: _PARTS[_NAMES[i]](ctx) for i in claimed}


def _run_claimed_apart(ctx: ReportContext, path: str, claimed: Iterable[int]) -> dict[str, Any]:
    """The claimed parts on a read connection of their own (a forked child's)."""
    conn = connect(path, readonly=True)
    try:
        return _run_claimed(replace(ctx, conn=conn), claimed)
    finally:
        conn.close()


def _run_parts(ctx: ReportContext) -> dict[str, Any]:
    """Every part: shared between this process and a forked child where forking is safe
    (see _forked), else two at a time on threads with read connections of their own.

    A store without a file (in memory) runs the parts one after the other on the
    caller's connection.
    """
    path = database_file(ctx.conn)
    if not path:
        return {name: part(ctx) for name, part in _PARTS.items()}
    if fork_available():
        # This process keeps the caller's connection, whose page cache is warm; the
        # child opens its own (a connection must never cross a fork), and claims its
        # first part once it has.
        theirs, ours = fork_share(
            len(_NAMES),
            lambda claimed: _run_claimed_apart(ctx, path, claimed),
            lambda claimed: _run_claimed(ctx, claimed),
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
