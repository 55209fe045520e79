"""The library surface's live side: what a dashboard asks of a library as it runs.

`MediaLibrary` (in `mediatop.library`, the one object faces use) inherits these: the
figures of the dashboard and of a file's screen, read at one moment; rescans of the
folders a watch saw change; the images whose savings are not measured yet, and their
measuring in short batches; and the two watchers, which are async and run on the
caller's event loop until their stop event is set. Like the rest of the surface, the
synchronous methods open the connections they need and close them before returning,
so any thread may call them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mediatop.config import Settings
from mediatop.errors import MediatopError, ReportError, StoreError, StoreWriteError

if TYPE_CHECKING:
    import asyncio  # in annotations only: the CLI's commands need no event loop

    from mediatop.analytics.context import ReportContext
    from mediatop.analytics.dashboard.snapshot import DashboardSnapshot, FileDetail
    from mediatop.scan import ScanSummary
    from mediatop.scan.watch import FolderEvent
    from mediatop.store.watch import StoreChanged
    from mediatop.timerange import TimeRange

# Wall time one batch of savings measuring may spend starting re-encodings: short enough
# that a quit (which waits for the batch in flight) stays prompt, long enough to
# amortise the pool's start.
BATCH_BUDGET_S = 1.0


@dataclass(frozen=True)
class MeasureProgress:
    """How far the measuring of savings has come: `done` of the `total` images it found
    needing a measurement when it started; `finished` once it stops for good."""

    done: int
    total: int
    finished: bool = False


class LiveLibrary:
    """The live methods of `MediaLibrary`; its connection helpers back them."""

    settings: Settings
    readonly: bool
    _closed: bool

    def _reader(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # MediaLibrary's

    def _writer(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # MediaLibrary's

    def measure_savings(self, file_ids: Sequence[int], *, budget_s: float | None = None) -> int:
        """Re-encode these images in order, starting new work for at most `budget_s`, to
        measure and cache what each planned re-encoding saves; how many were measured
        (failures included: they are cached too, so never retried in a loop)."""
        from mediatop.measure.savings import measure_savings

        with self._writer() as conn:
            return measure_savings(
                conn, self.settings.root, file_ids,
                budget_s=budget_s, workers=self.settings.probe_workers,
            ).measured  # fmt: skip

    # -- the dashboard -----------------------------------------------------------

    def dashboard(self, time_range: TimeRange, *, now: datetime | None = None) -> DashboardSnapshot:
        """Every figure the dashboard shows over `time_range`, read at one moment."""
        from mediatop.analytics.dashboard.snapshot import dashboard_snapshot

        with self._report_context(time_range, now) as ctx:
            return dashboard_snapshot(ctx)

    def file_detail(
        self, file_id: int, time_range: TimeRange, *, now: datetime | None = None
    ) -> FileDetail:
        """One file (ReportError when there is none) and its report over `time_range`."""
        from mediatop.analytics.dashboard.snapshot import file_detail

        with self._report_context(time_range, now) as ctx:
            return file_detail(ctx, file_id)

    def rescan(
        self,
        dirs: Iterable[bytes] | None,
        *,
        on_recorded: Callable[[], object] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ScanSummary:
        """Record what changed in these directories (relative to the root, as bytes; None:
        compare the whole tree), then probe the new files. `on_recorded` is called once the
        changes are recorded, before probing; `cancelled` returning True stops probing."""
        from mediatop.scan.watch import rescan_changed

        with self._writing():
            return rescan_changed(
                self.settings.store, self.settings.root, dirs,
                on_recorded=on_recorded, cancelled=cancelled,
            )  # fmt: skip

    def images_to_measure(self) -> list[int]:
        """Ids of the present images whose planned re-encodings are not all measured yet,
        largest first."""
        from mediatop.measure.for_reports import unmeasured_images

        with self._reader() as conn:
            missing = unmeasured_images(conn)
        # the largest stand to save the most
        return [f.id for f in sorted(missing, key=lambda f: (-f.size, f.id))]

    def measure_in_batches(
        self, *, cancelled: Callable[[], bool], budget_s: float = BATCH_BUDGET_S
    ) -> Iterator[MeasureProgress]:
        """Measure the savings of every image that needs it, one budgeted batch at a time,
        yielding the progress before the first batch and after each one. Stops between
        batches once `cancelled()` is true, and when a batch measures nothing (rather
        than spin)."""
        pending = self.images_to_measure()
        total = len(pending)
        if not total:
            return
        wanted = set(pending)
        yield MeasureProgress(0, total)
        while pending and not cancelled():
            measured = self.measure_savings(pending, budget_s=budget_s)
            # Images that appeared meanwhile are left to the run their rescan starts.
            left = [i for i in self.images_to_measure() if i in wanted]
            yield MeasureProgress(total - len(left), total, finished=not left or not measured)
            if not measured:
                return
            pending = left

    async def watch_folder(
        self,
        stop: asyncio.Event,
        on_event: Callable[[FolderEvent], object],
        *,
        poll_seconds: Callable[[], float] | None = None,
    ) -> None:
        """Call `on_event` with what happens under the media folder (the store's own files
        left out) until `stop` is set: see `mediatop.scan.watch.watch_folder`."""
        from mediatop.scan.watch import TREE_POLL_SECONDS, store_paths, watch_folder

        await watch_folder(
            self.settings.root, stop, on_event, ignore=store_paths(self.settings.db_path),
            poll_seconds=poll_seconds or (lambda: TREE_POLL_SECONDS),
        )  # fmt: skip

    async def watch_store(
        self,
        stop: asyncio.Event,
        on_change: Callable[[StoreChanged], object],
        *,
        on_watching: Callable[[], object] | None = None,
    ) -> None:
        """Call `on_change` each time another connection commits to the store (a scan,
        `mediatop ingest` in another process), until `stop` is set; `on_watching` once
        the watch holds (a commit from then on is seen)."""
        from mediatop.store.watch import watch_store

        try:
            await watch_store(
                self.settings.store, stop, on_change,
                readonly=self.readonly, on_watching=on_watching,
            )  # fmt: skip
        except sqlite3.Error as exc:
            raise StoreError(f"store error: {exc}") from exc

    @contextlib.contextmanager
    def _report_context(
        self, time_range: TimeRange, now: datetime | None
    ) -> Iterator[ReportContext]:
        """A report context over `time_range` for one read; a store that cannot be read
        becomes StoreError, a file that is not there ReportError."""
        from mediatop.analytics.context import ReportContext

        moment = now or datetime.now(UTC)
        with self._reader() as conn:
            try:
                yield ReportContext(conn, self.settings, time_range, moment, {}).fresh_run()
            except sqlite3.Error as exc:
                raise StoreError(f"store error: {exc}") from exc
            except LookupError as exc:
                raise ReportError(str(exc.args[0] if exc.args else exc)) from exc

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A write made by a source on connections of its own; a failure of the store
        becomes StoreWriteError."""
        if self._closed:
            raise MediatopError("the library is closed")
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreWriteError(f"the store could not be written: {exc}") from exc
