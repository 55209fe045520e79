"""What every report receives: a read connection, the settings, a time range and the clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from mediatop.analytics.timerange import TimeRange
from mediatop.config import Settings


@dataclass(frozen=True)
class ReportContext:
    """Inputs shared by all analytics. `now` is injected so tests can freeze the clock."""

    conn: sqlite3.Connection
    settings: Settings
    time_range: TimeRange
    now: datetime
    options: Mapping[str, str] = field(default_factory=dict)

    def for_range(self, time_range: TimeRange) -> ReportContext:
        return replace(self, time_range=time_range)

    def option_int(self, name: str, default: int) -> int:
        value = self.options.get(name)
        return default if value is None else int(value)
