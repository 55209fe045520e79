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


# The parts, and the groups they are handed out in (see _run_parts): the longest first,
# so that the short ones at the end even the two sides out (bench/report.py, 100k files,
# 10M events, quiet: performance 157, images 123, videos 85, usage 55, overview 33,
# documents 31, audio 8 ms at 30d). Performance leads: this process, whose cache is
# warm, takes it while the child opens its own connection and takes images. Usage and
# overview go as one group: both read the candidate rows of unused files, which the
# run's memo then serves once, in one process (overview 33 -> 8 ms after usage; apart,
# in two processes, each read them). Grouping usage with performance as well (they
# share a short range's scan at 24h) made the first group too long to even out.
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
    ("performance",),
    ("images",),
    ("videos",),
    ("usage", "overview"),
    ("documents",),
    ("audio",),
)
_PROCESSES = 2


def _parts_here(
    ctx: ReportContext, groups: Iterator[tuple[str, ...]], turn: Turn
) -> Iterator[tuple[str, Any]]:
    """The parts of the groups this process claims, on the caller's connection (its
    cache is warm)."""
    for group in groups:
        for name in group:
            yield name, _PARTS[name](ctx)


def _parts_apart(
    ctx: ReportContext, path: str, groups: Iterator[tuple[str, ...]], turn: Turn
) -> Iterator[tuple[str, Any]]:
    """In the forked child: the parts of the groups it claims, on a read connection of
    its own (a connection must never cross a fork). Parts need no turn.

    The connection is left open: the child ends with os._exit as soon as it is done, and
    the kernel drops its page cache and mapping far faster than sqlite3_close frees them
    (some 20 ms for a 64 MB cache, which the report would wait for). It holds no lock
    between statements, so nothing waits on it meanwhile."""
    conn = connect(path, readonly=True)
    yield from _parts_here(replace(ctx, conn=conn), groups, turn)


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
        return dict(run_forked(_GROUPS, apart, processes=_PROCESSES - 1, here=here))
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    lock = threading.Lock()

    def run(group: tuple[str, ...]) -> list[tuple[str, Any]]:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect(path, readonly=True)
            with lock:
                opened.append(conn)
        return [(name, _PARTS[name](replace(ctx, conn=conn))) for name in group]

    try:
        with ThreadPoolExecutor(_PROCESSES, thread_name_prefix="mediatop-media") as pool:
            futures = [pool.submit(run, group) for group in _GROUPS]
            return {name: part for future in futures for name, part in future.result()}
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
