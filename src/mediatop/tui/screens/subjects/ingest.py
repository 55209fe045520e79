"""Ingest: every log read with its checkpoint (the node that reads it, where it was read
from, how far, lines read, accepted and malformed, when), malformed lines per reason,
the events recorded per source with the time of the last one, and the requests for
media the library does not have: `mediatop report ingest`."""

from __future__ import annotations

from typing import Any

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.view import Column, Figure, ListSpec


class IngestScreen(ListScreen):
    """Logs, malformed lines, event sources and misses."""

    NAME, LABEL, REPORT = "ingest", "Ingest", "ingest"
    FIGURES = (
        Figure("Missing, asked by people", "misses.humanNotFound"),
        Figure("Paths people missed", "misses.humanNotFoundFiles"),
        Figure("Missing, asked by crawlers", "misses.crawlerNotFound"),
    )
    LISTS = (
        ListSpec(
            "Logs read",
            "logs",
            (
                # narrow counts, so that the log's path has the width (it is shown
                # whole under the table when cut)
                Column("Node", "node", "text", 10),
                Column("Log", "path", "path"),
                Column("Read to byte", "offset", "count", 12),
                Column("Lines", "lines", "count", 9),
                Column("Accepted", "accepted", "count", 9),
                Column("Malformed", "malformed", "count", 9),
                Column("Skipped", "skipped", "count", 8),
                Column("Last read", "readAt", "time", 21),
            ),
            file_key=None,
        ),
        ListSpec(
            "Malformed lines per reason (all logs)",
            "rejects",
            (
                Column("Reason", "reason", "text", 24),
                Column("Lines", "count", "count", 10),
                Column("Sample", "sample", "text"),
            ),
            file_key=None,
        ),
        ListSpec(
            "Event sources",
            "sources",
            (
                Column("Source", "source", "text"),
                Column("Events", "events", "count", 12),
                Column("Last event", "lastEventAt", "time", 21),
            ),
            file_key=None,
        ),
        ListSpec(
            "Media asked for but not in the library",
            "misses.mostMissed",
            (
                Column("Path", "path", "path"),
                Column("People 404", "humanNotFound", "count", 11),
                Column("Crawlers 404", "crawlerNotFound", "count", 12),
                Column("Last status", "lastStatus", "count", 11),
            ),
            file_key=None,
        ),
    )

    def notes(self, report: Any) -> list[str]:
        return ["Logs and event sources are counted over all time; missing media over the range."]
