"""`mediatop report ingest`: what has been read into the store (the Ingest screen).

Every log with its checkpoint (the node that reads it, where it was read from, how far,
lines read, accepted and malformed, when), malformed lines per reason with a sample,
and the events recorded per source with the time of the last one: all over all time,
as the store keeps them. Then the requests over the range for media the library does
not have (`misses`, as `mediatop report misses` gives them).
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.analytics.usage.misses import MissStats, misses_report
from mediatop.store.queries.browse import (
    EventSource,
    LogRead,
    RejectCount,
    event_sources,
    logs_read,
    reject_counts,
)


@dataclass(frozen=True)
class IngestReport:
    logs: list[LogRead]  # the last read first
    rejects: list[RejectCount]  # the most frequent reason first
    sources: list[EventSource]  # the most events first
    misses: MissStats


def ingest_report(ctx: ReportContext) -> IngestReport:
    """Logs, malformed lines and event sources (all time), and the range's misses."""
    conn = ctx.conn
    return IngestReport(
        logs_read(conn), reject_counts(conn), event_sources(conn), misses_report(ctx)
    )
