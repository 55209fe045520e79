"""Documents: downloads, conversion, access patterns (by hour, weekday, referrer...) and
searchability gaps (`mediatop report documents`)."""

from __future__ import annotations

from typing import Any

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, SIZE
from mediatop.tui.view import Column, Figure, ListSpec, lookup


class DocumentsScreen(ListScreen):
    """The documents report."""

    NAME, LABEL, REPORT = "documents", "Documents", "documents"
    FIGURES = (
        Figure("Documents", "overview.totalDocuments"),
        Figure("Stored", "overview.totalSize", "size"),
        Figure("Downloads", "overview.totalDownloads"),
        Figure("Conversion", "performance.overallConversionRate", "percent"),
        Figure("Searchable", "performance.searchability.searchabilityRate", "percent"),
        Figure("Missing metadata", "performance.searchability.missingMetadata"),
    )
    LISTS = (
        ListSpec(
            "Most downloaded",
            "usage.mostDownloadedDocs",
            (
                FILE,
                Column("Downloads", "downloads", "count", 10),
                Column("Views", "views", "count", 7),
                Column("Conversion", "conversionRate", "percent", 10),
                SIZE,
            ),
        ),
        ListSpec(
            "Searchability gaps",
            "performance.searchability.documentsWithGaps",
            (
                FILE,
                Column("Searchable", "searchable", "bool", 10),
                Column("Missing", "missing", "text", 30),
                SIZE,
            ),
        ),
        ListSpec(
            "Access patterns",
            "usage.accessPatterns",
            (
                Column("By", "dimension", "text", 10),
                Column("Value", "value", "text"),
                Column("Uses", "count", "count", 7),
                Column("Share", "percentage", "percent", 7),
            ),
            file_key=None,
        ),
    )

    def notes(self, report: Any) -> list[str]:
        advice = lookup(report, "performance.searchability.recommendations") or []
        return [str(line) for line in advice]
