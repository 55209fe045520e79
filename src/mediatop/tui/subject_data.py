"""What a subject screen reads: one report in its JSON form over the app's range, and,
when comparing, the same report over the period before it; and the subject screens'
names and keys (the app's bindings and the tab bar share them).

Runs in thread workers, through the library surface only (`report_data`, the call
behind `mediatop report NAME --json [--compare]`). No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mediatop.tui.data import default_range

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary

# (screen name, key, label), in the order of the keys. The app binds the same keys.
SUBJECTS = (
    ("dashboard", "0", "Dashboard"),
    ("images", "1", "Images"),
    ("videos", "2", "Videos"),
    ("documents", "3", "Documents"),
    ("audio", "4", "Audio"),
    ("unused", "5", "Unused"),
    ("duplicates", "6", "Duplicates"),
    ("insights", "7", "Insights"),
    ("ingest", "8", "Ingest"),
    ("optimize", "o", "Optimize"),
)

# What `t` cycles through, in order: the ranges `mediatop report --range` names.
RANGES = ("24h", "7d", "30d", "90d", "all")


def next_range(current: str) -> str:
    """The range after `current` in RANGES (back to the first after the last)."""
    index = RANGES.index(current) if current in RANGES else -1
    return RANGES[(index + 1) % len(RANGES)]


@dataclass(frozen=True)
class ReportFigures:
    """A report over the range: its JSON, and when comparing, the change from the
    period before (`change`: {key: {current, previous, change, changePercent}} nested
    as the report is), or why there is none (`compare_note`)."""

    name: str
    report: Any
    range_label: str
    change: Any = None
    previous_label: str | None = None
    compare_note: str = ""


def load_report(
    library: MediaLibrary,
    now: datetime | None,
    name: str,
    range_name: str,
    *,
    compare: bool = False,
    options: dict[str, str] | None = None,
) -> ReportFigures:
    """Report `name` over `range_name` up to `now`, compared with the period before when
    asked and the range has one ('all' has none: the note says so)."""
    time_range, moment = default_range(now, range_name)
    if compare and not time_range.is_all:
        previous = time_range.previous()
        data = library.report_data(name, time_range, options, previous=previous, now=moment)
        return ReportFigures(
            name, data["current"], time_range.label, data["change"], previous.label
        )
    report = library.report_data(name, time_range, options, now=moment)
    note = "'all' has no previous period to compare with" if compare else ""
    return ReportFigures(name, report, time_range.label, compare_note=note)


def change_of(figures: ReportFigures, key: str) -> dict[str, Any] | None:
    """The change of one figure (a dotted key) from the previous period, if compared."""
    value = figures.change
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if isinstance(value, dict) and "previous" in value else None
