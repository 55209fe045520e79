"""Optimize (`o`): what resizing, compressing, removing and converting would save, and
every opportunity ranked (`mediatop report optimization`). Savings are the measured
ones; the dashboard's background worker measures those still missing."""

from __future__ import annotations

from mediatop.tui.screens.marking import MarkingListScreen
from mediatop.tui.view import Column, Figure, ListSpec

OPPORTUNITIES = ListSpec(
    "Opportunities, ranked",
    "opportunities",
    (
        Column("Action", "type", "text", 8),
        Column("File", "filename", "path"),
        Column("Impact", "impact", "text", 7),
        Column("Size", "currentSize", "size", 10),
        Column("Saving", "potentialSavings", "size", 10),
        Column("Why", "reason", "text", 30),
    ),
    file_key="mediaId",
)


class OptimizeScreen(MarkingListScreen):
    """The optimisation summary and its ranked list."""

    NAME, LABEL, REPORT = "optimize", "Optimize", "optimization"
    CLEANUP_KIND = "optimize"
    # The report reads no range (its monthly savings are over the last 30 days, always):
    # `t` and `c` would change nothing here, so neither is offered.
    RANGED = COMPARES = False
    FIGURES = (
        Figure("Resize", "resize.count"),
        Figure("Resize saves", "resize.bytes", "size"),
        Figure("Resize not measured", "resize.unmeasured"),
        Figure("Compress", "compress.count"),
        Figure("Compress saves", "compress.bytes", "size"),
        Figure("Compress not measured", "compress.unmeasured"),
        Figure("Remove", "remove.count"),
        Figure("Remove saves", "remove.bytes", "size"),
        Figure("Remove not measured", "remove.unmeasured"),
        Figure("Convert", "convert.count"),
        Figure("Convert saves", "convert.bytes", "size"),
        Figure("Convert not measured", "convert.unmeasured"),
    )
    LISTS = (OPPORTUNITIES,)
