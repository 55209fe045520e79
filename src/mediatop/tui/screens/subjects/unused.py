"""Unused: the files that look unused, with the risk of removing each, the confidence
and the evidence (`mediatop report usage`, its unused part)."""

from __future__ import annotations

from typing import Any

from mediatop.tui.screens.marking import MarkingListScreen
from mediatop.tui.screens.subjects.columns import FILE, KIND, SIZE
from mediatop.tui.view import Column, Figure, ListSpec


class UnusedScreen(MarkingListScreen):
    """Unused files: risk, confidence and evidence per file."""

    NAME, LABEL, REPORT = "unused", "Unused", "usage"
    CLEANUP_KIND = "unused"
    FIGURES = (
        Figure("Unused files", "unusedSummary.count"),
        Figure("Would free", "unusedSummary.potentialSavings", "size"),
        Figure("Unused after (days)", "unusedSummary.unusedDays"),
        Figure("Low risk", "unusedSummary.byRisk.low.count"),
        Figure("Medium risk", "unusedSummary.byRisk.medium.count"),
        Figure("High risk", "unusedSummary.byRisk.high.count"),
    )
    LISTS = (
        ListSpec(
            "Unused files",
            "unusedFiles",
            (
                FILE,
                KIND,
                Column("Risk", "riskLevel", "text", 6),
                Column("Confidence", "confidence", "ratio", 10),
                SIZE,
                Column("Evidence", "evidence", "text", 30),
            ),
        ),
    )

    def notes(self, report: Any) -> list[str]:
        return ["Risk is what removing the file could break; evidence says why it looks unused."]
