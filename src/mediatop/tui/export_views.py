"""What the dashboard, the file screen and the list screens export (`e`): the figures
they show, in the JSON keys of `mediatop report` (the library surface's `to_jsonable`),
and the rows of their list for a CSV."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mediatop.library import to_jsonable
from mediatop.tui.export import Export
from mediatop.tui.view import export_rows, figure_values

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mediatop.library_types import FileDetail
    from mediatop.tui.data import DashboardData
    from mediatop.tui.subject_data import ReportFigures
    from mediatop.tui.view import Figure, Shown


def dashboard_export(data: DashboardData) -> Export:
    """The four boxes: the overview, the Most Used (or Largest) files, the performance
    figures and the optimisation lines; the CSV has the files' rows."""
    rows = [
        {
            "id": row.file_id,
            "file": os.fsdecode(row.path),
            "type": row.kind,
            "uses": row.uses,
            "size": row.size,
            "details": row.details,
        }
        for row in data.most_used
    ]
    document: dict[str, Any] = {
        "screen": "Dashboard",
        "range": data.range_label,
        "storageOverview": to_jsonable(data.overview),
        "mostUsedMedia" if not data.most_used_is_largest else "largestFiles": rows,
        "performanceMetrics": to_jsonable(data.performance.figures),
        "optimizationOpportunities": to_jsonable(data.opportunities),
    }
    return Export("Dashboard", document, rows)


def file_export(detail: FileDetail) -> Export:
    """One file's screen: the file and its report over the range (its exact copies
    among it); the CSV has the report's figures as field,value rows."""
    report = to_jsonable(detail.report)
    document: dict[str, Any] = {
        "screen": "File",
        "range": detail.range_label,
        "file": to_jsonable(detail.file),
        "report": report,
    }
    rows = [{"field": k, "value": v} for k, v in _flatten(report).items()]
    return Export(f"file {detail.file.id}", document, rows)


def list_export(
    label: str, figures: ReportFigures, shown_figures: Sequence[Figure], view: Shown | None
) -> Export:
    """A list screen: its figures and, once drawn, its list's rows as shown (filtered
    and sorted); the CSV has those rows."""
    rows = export_rows(view) if view is not None else []
    document: dict[str, Any] = {
        "screen": label,
        "range": figures.range_label,
        "figures": figure_values(figures.report, shown_figures),
    }
    if view is not None:
        document.update(
            list=view.spec.title,
            filter=view.filter_text,
            sortedBy=None
            if view.sort_column is None
            else view.spec.columns[view.sort_column].title,
            descending=view.descending,
            rows=rows,
        )
    return Export(label, document, rows)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested figures as dotted keys (lists are left out: they are the lists shown)."""
    flat: dict[str, Any] = {}
    if not isinstance(data, dict):
        return {prefix: data}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        elif not isinstance(value, list):
            flat[name] = value
    return flat
