"""The dataclasses the library surface returns, and the constants a face needs with them.

A face (the TUI) takes these names from here rather than from the modules that define
them, so it reaches the core only through the surface. Importing this module loads the
analytics and scan modules behind them; the CLI, which must start fast, does not.
"""

from __future__ import annotations

from mediatop.analytics.dashboard.snapshot import DashboardSnapshot, FileDetail, ListedFile
from mediatop.analytics.file.report import Breakdown, FileEngagement, FileReport
from mediatop.analytics.images.opportunities import OptimizationOpportunity
from mediatop.analytics.library.overview import OverviewReport, TypeTotals
from mediatop.analytics.optimization.report import OptimizationLine, OptimizationSummary
from mediatop.analytics.performance.report import DashboardPerformance
from mediatop.cleanup.apply import ApplyProgress, ApplyResult, Skipped
from mediatop.cleanup.plan import Candidate, Encoding, Plan, PlanEntry
from mediatop.cleanup.undo import PurgeResult, Refused, UndoResult
from mediatop.library_cleanup import QuarantinedPlan
from mediatop.library_live import MeasureProgress
from mediatop.measure.thumbnail import Thumbnail
from mediatop.scan import ScanProgress, ScanSummary
from mediatop.scan.watch import (
    TREE_POLL_SECONDS,
    FolderChanged,
    FolderEvent,
    FolderFollowed,
    FolderState,
    WatchHeld,
)
from mediatop.store.copy import CopyProgress, StoreCopy
from mediatop.store.queries.browse import EventSource, LogRead, RejectCount
from mediatop.store.watch import StoreChanged

__all__ = [
    "TREE_POLL_SECONDS",
    "ApplyProgress",
    "ApplyResult",
    "Breakdown",
    "Candidate",
    "CopyProgress",
    "DashboardPerformance",
    "DashboardSnapshot",
    "Encoding",
    "EventSource",
    "FileDetail",
    "FileEngagement",
    "FileReport",
    "FolderChanged",
    "FolderEvent",
    "FolderFollowed",
    "FolderState",
    "ListedFile",
    "LogRead",
    "MeasureProgress",
    "OptimizationLine",
    "OptimizationOpportunity",
    "OptimizationSummary",
    "OverviewReport",
    "Plan",
    "PlanEntry",
    "PurgeResult",
    "QuarantinedPlan",
    "Refused",
    "RejectCount",
    "ScanProgress",
    "ScanSummary",
    "Skipped",
    "StoreChanged",
    "StoreCopy",
    "Thumbnail",
    "TypeTotals",
    "UndoResult",
    "WatchHeld",
]
