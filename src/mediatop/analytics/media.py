"""The seed's complete MediaAnalytics: overview, usage, performance and types, in one.

`media_report(ctx)` is `getMediaUsageAnalytics(timeRange)`: it composes the overview,
usage and performance reports with the per-type reports of the images, video, documents
and audio modules, so that `mediatop report media` gives the whole picture in the
seed's field names (the shape of the SPEC's `GET /api/analytics/media`, which no HTTP
server serves yet). Image savings are read from the measurement cache only here (no
re-encoding), unless the option `measure` says otherwise.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from mediatop.analytics.audio.report import AudioAnalytics, audio_report
from mediatop.analytics.context import ReportContext
from mediatop.analytics.documents.report import DocumentAnalytics, documents_report
from mediatop.analytics.images.report import ImageAnalytics, images_report
from mediatop.analytics.library.overview import OverviewReport, overview_report
from mediatop.analytics.performance.report import PerformanceReport, performance_report
from mediatop.analytics.usage.report import UsageReport, usage_report
from mediatop.analytics.video.report import VideoAnalytics, videos_report
from mediatop.store import connect, database_file
from mediatop.workers.forked import Turn, fork_is_safe, run_forked


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


# Handed out in this order (see _run_parts): the longest first, so that the short ones
# at the end even the two sides out (bench/report.py, 100k files, 10M events: usage 61,
# videos 86, images 151, performance 142, documents 34, overview 40, audio 10 ms).
# Performance leads: this process, whose cache is warm, takes it while the child opens
# its own connection and takes images. Measured against the order usage, videos,
# images, ...: media 30d 288-304 ms against 305-320, 24h 298-312 against 331-350.
_PARTS: dict[str, Callable[[ReportContext], Any]] = {
    "performance": performance_report,
    "images": images_report,
    "videos": videos_report,
    "usage": usage_report,
    "overview": overview_report,
    "documents": documents_report,
    "audio": audio_report,
}
_NAMES = tuple(_PARTS)
_PROCESSES = 2


def _parts_here(ctx: ReportContext, names: Iterator[str], turn: Turn) -> Iterator[tuple[str, Any]]:
    """The parts this process claims, on the caller's connection (its cache is warm)."""
    for name in names:
        yield name, _PARTS[name](ctx)


def _parts_apart(
    ctx: ReportContext, path: str, names: Iterator[str], turn: Turn
) -> Iterator[tuple[str, Any]]:
    """In the forked child: the parts it claims, on a read connection of its own (a
    connection must never cross a fork). Parts need no turn."""
    conn = connect(path, readonly=True)
    try:
        yield from _parts_here(replace(ctx, conn=conn), names, turn)
    finally:
        conn.close()


def _run_parts(ctx: ReportContext) -> dict[str, Any]:
    """Every part: shared between this process and a forked child where forking is safe
    (see `workers.forked.fork_is_safe`), else two at a time on threads with read
    connections of their own.

    A store without a file (in memory) runs the parts one after the other on the
    caller's connection.
    """
    path = database_file(ctx.conn)
    if not path:
        return {name: part(ctx) for name, part in _PARTS.items()}
    if fork_is_safe():
        # This process keeps the caller's connection, whose cache is warm; the child opens
        # its own and claims its first part once it has.
        apart = functools.partial(_parts_apart, ctx, path)
        here = functools.partial(_parts_here, ctx)
        return dict(run_forked(_NAMES, apart, processes=_PROCESSES - 1, here=here))
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
        with ThreadPoolExecutor(_PROCESSES, thread_name_prefix="mediatop-media") as pool:
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
