"""What the dashboard and the file screen export (`e`): the figures they show, in the
JSON keys of `mediatop report` (the library surface's `to_jsonable`), and the rows of
their list for a CSV (the list screens build theirs in `screens.listing`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mediatop.library import to_jsonable
from mediatop.tui.export import Export

if TYPE_CHECKING:
    from mediatop.library_types import FileDetail
    from mediatop.tui.data import DashboardData


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
