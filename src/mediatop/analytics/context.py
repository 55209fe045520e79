"""What every report receives: a read connection, the settings, a time range and the clock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime

from mediatop.config import Settings
from mediatop.model import MeasuredNow
from mediatop.timerange import TimeRange


class ReportMemo:
    """Results that the parts of one report run share, each computed once.

    The media report runs its parts two at a time (in two forked children, or in two
    threads where forking is unsafe), and several of them need the same per-file
    table: the first part of a process to ask computes it, the others wait for it.
    One memo lives for one run (`registry.run_report` starts a new one), so nothing
    read here outlives the run that read it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[Hashable, Future[object]] = {}

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        with self._lock:
            result = self._results.get(key)
            owner = result is None
            if result is None:
                result = self._results[key] = Future()
        if owner:
            try:
                result.set_result(compute())
            except BaseException as exc:
                result.set_exception(exc)
                raise
        return result.result()


@dataclass(frozen=True)
class ReportContext:
    """Inputs shared by all analytics. `now` is injected so tests can freeze the clock."""

    conn: sqlite3.Connection
    settings: Settings
    time_range: TimeRange
    now: datetime
    options: Mapping[str, str] = field(default_factory=dict)
    measured: MeasuredNow = field(default_factory=MeasuredNow)
    # None: nothing is shared, each call reads for itself. A context that is reused for
    # several calls (a test, a benchmark's repeats) so never serves one call's reads to
    # the next; only a run started by `fresh_run` shares.
    memo: ReportMemo | None = field(default=None, compare=False, repr=False)

    def fresh_run(self) -> ReportContext:
        """This context with a memo of its own: what one report run starts from."""
        return replace(self, memo=ReportMemo())

    def shared(self, key: Hashable, compute: Callable[[], object]) -> object:
        """`compute()`, once per run for `key` when this run has a memo."""
        return compute() if self.memo is None else self.memo.get(key, compute)

    def for_range(self, time_range: TimeRange) -> ReportContext:
        return replace(self, time_range=time_range)

    def option_int(self, name: str, default: int) -> int:
        value = self.options.get(name)
        return default if value is None else int(value)
