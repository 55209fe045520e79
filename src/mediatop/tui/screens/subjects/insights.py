"""Insights: each finding with its severity, the figures behind it and the action it
suggests (`mediatop report insights`)."""

from __future__ import annotations

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.view import Column, Figure, ListSpec


class InsightsScreen(ListScreen):
    """Findings, most severe first, with their figures."""

    NAME, LABEL, REPORT = "insights", "Insights", "insights"
    # Its figures count findings, each about the range against the one before already:
    # `c` would put nothing beside them, so it is not offered here.
    COMPARES = False
    FIGURES = (
        Figure("Findings", "insights", "items"),
        Figure("Recommendations", "recommendations", "items"),
    )
    LISTS = (
        ListSpec(
            "Insights",
            "insights",
            (
                Column("Severity", "severity", "text", 9),
                Column("Topic", "topic", "text", 12),
                Column("Finding", "message"),
                Column("Figures", "figures", "text", 40),
            ),
            file_key=None,
        ),
        ListSpec(
            "Actions",
            "insights",
            (
                Column("Severity", "severity", "text", 9),
                Column("Topic", "topic", "text", 12),
                Column("Action", "action"),
            ),
            file_key=None,
        ),
    )
