"""The named reports: one entry per `mediatop report NAME` and per HTTP report endpoint.

Entries name a module and a function instead of importing them, so that listing the
reports (for `--help`) does not import every analytics module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mediatop.analytics.context import ReportContext


@dataclass(frozen=True)
class ReportSpec:
    name: str
    module: str
    function: str
    description: str
    takes_file: bool = False  # True for reports about one file (need --file ID|PATH)

    def load(self) -> Callable[[ReportContext], Any]:
        func: Callable[[ReportContext], Any] = getattr(
            importlib.import_module(self.module), self.function
        )
        return func


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "overview",
            "mediatop.analytics.overview",
            "overview_report",
            "storage: totals, per type, quota, uploaded/deleted this month",
        ),
    )
}


def run_report(name: str, ctx: ReportContext) -> Any:
    """Compute report `name` (a key of REPORTS) for `ctx`."""
    return REPORTS[name].load()(ctx)
