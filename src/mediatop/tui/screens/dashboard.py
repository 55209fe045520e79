"""The dashboard: the seed's four boxes, kept current while the app runs.

The screen schedules the background work that keeps the figures live; the library
surface (the app's `MediaLibrary`) does it: the start-up scan, the folder watch (a
rescan of just the changed directories, or the whole tree compared when the watch
cannot name what changed), the store watch (so `mediatop ingest` in another process
shows up), the measuring of image savings after a scan, and the loads of the figures
themselves. Blocking work runs in thread workers (`tui.background`), which post typed
messages; handlers here only hand values to the widgets. On a store this process
cannot write (`read_only` says why), only the loads and the store watch run: nothing
is scanned, followed or measured.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header
from textual.worker import Worker, WorkerState, get_current_worker

from mediatop.textsafe import visible
from mediatop.tui import background, live
from mediatop.tui.data import DEFAULT_RANGE, load_dashboard, user_message
from mediatop.tui.messages import (
    ChangesFollowed,
    DashboardLoaded,
    DirectoriesChanged,
    FileChosen,
    FolderWatch,
    FolderWatchStarted,
    LibraryChanged,
    SavingsMeasured,
    ScanFinished,
    ScanProgress,
    StoreWatch,
    WorkFailed,
)
from mediatop.tui.screens.pacing import PacedLoads, breakpoint_class
from mediatop.tui.terminal_driver import terminal_reports_size
from mediatop.tui.widgets.most_used import FileTable, MostUsed
from mediatop.tui.widgets.optimization import Optimization
from mediatop.tui.widgets.performance_metrics import PerformanceMetrics
from mediatop.tui.widgets.status_line import StatusLine
from mediatop.tui.widgets.storage_overview import StorageOverview

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import FolderState
    from mediatop.tui.export import Export

WATCHER_STOP_TIMEOUT_S = 2.0
LOAD_WORKER = "load dashboard"
LOADING = "Loading the dashboard"
LOAD_GAP_FACTOR = 3
STARTUP_FRAME_DELAY_S = 0.05
SAVINGS_RELOAD_S = 5.0
_WORKER_ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class DashboardScreen(Screen[None]):
    """Storage Overview, Most Used Media, Performance Metrics, Optimization Opportunities."""

    HELP_GROUP = "Dashboard"
    BINDINGS = [
        # Out of the footer (it is in `?` and `:`): the screens refresh on their own.
        Binding("r", "refresh", "Refresh", show=False),
        Binding("o", "app.show('optimize')", "Optimize"),
    ]
    # The -narrow class (an 80-column terminal) lets app.tcss share the bottom row unevenly.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        library: MediaLibrary,
        *,
        now: datetime | None,
        watch: bool,
        scan_on_start: bool,
        measure_savings: bool = True,
        read_only: str | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.now = now
        self.watching = watch
        # Why the store cannot be written, or None. Scans (start-up and followed) and
        # savings measuring all write the store, so a read-only dashboard runs none.
        self.read_only = read_only
        self.scan_on_start = scan_on_start and read_only is None
        self.measuring = measure_savings and read_only is None
        self._watchers = live.Watchers()
        # Scans and rescans write the same rows: one at a time.
        self._scan_lock = threading.Lock()
        # Whether the start-up scan's walk, recorded before its probes start, was shown.
        self._walk_shown = False
        # A new measuring run waits for the one it replaced to finish its batch.
        self._measure_lock = threading.Lock()
        self._scanning = self.scan_on_start
        self._loading = False
        self._load_again = False
        self._load_started = 0.0
        self._savings_running = False
        self._paced_loads = PacedLoads(self, self.load, SAVINGS_RELOAD_S)
        self._loaded_before_scan = False
        self._folder_state: FolderState = "watching"
        self._polling_why = ""
        # Why the store cannot be read ("" while it can), and whether the last load
        # failed: either leaves the boxes showing figures that are no longer current.
        self._store_error = ""
        self._load_failed = False
        # How long the last whole-tree compare took: polling waits ten times that, so a
        # big tree is not compared without pause.
        self._tree_compare_seconds = 0.0
        # Set while a whole-tree rescan is asked for and not yet started: polling asks
        # every few seconds, and asks while the tree is compared must not pile up.
        self._tree_rescan_asked = False
        # How many times a watch of the folder has taken hold: a change made after it
        # grows is seen (what a test of the live dashboard waits for, not a fixed pause).
        self.folder_watches_started = 0
        # The range the boxes show: the app's, which `t` cycles.
        self.range_name = DEFAULT_RANGE

    def compose(self) -> ComposeResult:
        yield Header()
        yield StorageOverview(id="storage")
        yield MostUsed(id="most-used")
        with Horizontal(id="bottom-row"):
            yield PerformanceMetrics(id="performance")
            yield Optimization(id="optimization")
        yield StatusLine(self._watching_text(), id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # The breakpoint's class now, before the first paint: Textual sets it on the first
        # resize, just after, and the restyle would redraw the whole screen once more.
        breakpoints = self.HORIZONTAL_BREAKPOINTS
        wanted = breakpoint_class(self.app.size.width, breakpoints)
        self.update_classes({name: name == wanted for _, name in breakpoints}, animate=False)
        self.query_one(FileTable).focus()
        # Textual lays a new screen out in several passes in its first 50 ms (the focus,
        # the header, the footer's keys), each redrawing most of the screen: one frame
        # instead, three full screens less to send over a slow link.
        if terminal_reports_size():
            self.app.delay_update(STARTUP_FRAME_DELAY_S)
        # The boxes are painted first, their figures follow: a worker started before
        # would hold the first frame back (a load imports the analytics, a scan walks
        # the tree, both on the GIL), by a few hundred ms on a big library. (Kept:
        # Textual keeps a widget's timers in a weak set.)
        self._start_timer = self.set_timer(
            2 * STARTUP_FRAME_DELAY_S, lambda: self.call_after_refresh(self._start_work)
        )

    def _start_work(self) -> None:
        # What the last scan saw, at once; the new scan follows.
        self._loaded_before_scan = self.library.has_store() or not self.scan_on_start
        if self._loaded_before_scan:
            self.load()
        if self.scan_on_start:
            self.scan_library()
        if self.watching:
            if self.read_only is None:  # a change it finds would be rescanned: a write
                poll = self._tree_poll_seconds
                folder = partial(live.follow_folder, self, self.library, poll_seconds=poll)
                self._watchers.start(self, "folder", folder)
            self._watchers.start(self, "store", partial(live.follow_store, self, self.library))
        if self.read_only is not None:
            self.notify(self._watching_text(), title="Read-only store", markup=False)

    async def on_unmount(self) -> None:
        await self._watchers.stopped(WATCHER_STOP_TIMEOUT_S)  # released before the loop ends

    def stop_watching(self) -> None:
        self._watchers.stop.set()

    def _watching_text(self) -> str:
        if self._store_error:  # what it means first, as below
            return (
                "The store cannot be read: the figures are the last ones read, until it "
                f"can be again ({visible(self._store_error)})."
            )
        if self.read_only is not None:
            # What it means first: the status line cuts a long reason at its end. The
            # store watch is not promised: a store read as immutable shows no changes.
            return (
                "Read-only store: nothing can be recorded (no scan, no savings measured; "
                f"r reloads). Why: {visible(self.read_only)}."
            )
        if not self.watching:
            return "Not watching for changes (press r to refresh)."
        if self._folder_state == "polling":
            return f"Polling the folder ({self._polling_why}) and watching the store."
        return "Watching the folder and the store."

    def _tree_poll_seconds(self) -> float:
        from mediatop.library_types import TREE_POLL_SECONDS  # see tui/__init__.py

        return max(TREE_POLL_SECONDS, 10 * self._tree_compare_seconds)

    def action_refresh(self) -> None:
        self.load()

    # Workers: they run off the event loop and only post messages.

    def load(self) -> None:
        """Read the figures again: now, or, while a load is running, once it is done.

        A thread worker cannot be stopped, so replacing a running load would only leave
        it running beside the new one: during a new library's probing, whose commits come
        every second, loads piled up, each slowing the others and the scan.
        """
        if self._loading:
            self._load_again = True
            return
        self._start_load()

    def _start_load(self) -> None:
        self._loading = True
        self._load_started = time.monotonic()
        self._load_figures()

    @on(Worker.StateChanged)
    def _load_ended(self, event: Worker.StateChanged) -> None:
        if event.worker.name != LOAD_WORKER or event.state not in _WORKER_ENDED:
            return
        if not self._load_again:
            self._loading = False
            return
        # Asked for while a load ran (a scan commits every second): it runs after a few
        # times what that load took, so loading never takes the machine from the scan.
        # Until then _loading stays set, and further asks fold into this one.
        self._load_again = False
        took = time.monotonic() - self._load_started
        self.set_timer(LOAD_GAP_FACTOR * took, self._start_load)

    @work(thread=True, group="load", name=LOAD_WORKER)
    def _load_figures(self) -> None:
        try:
            data = load_dashboard(self.library, self.now, self.range_name)
        except Exception as exc:  # any failure becomes a visible status, never a traceback
            self.post_message(WorkFailed(LOADING, user_message(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(DashboardLoaded(data))

    @work(thread=True, group="scan", name="scan folder")
    def scan_library(self) -> None:
        worker = get_current_worker()
        with self._scan_lock:
            # A quit must not wait for a new library's probing to finish.
            background.scan(self.library, self.post_message, cancelled=lambda: worker.is_cancelled)

    def folder_changed(self, dirs: frozenset[bytes] | None) -> None:
        """What the folder watch reports: these directories changed (None: something
        it could not name did, so the whole tree is compared)."""
        if dirs is None:
            if self._tree_rescan_asked:
                return
            self._tree_rescan_asked = True
        self.rescan(dirs)

    @work(thread=True, group="rescan", name="rescan directories")
    def rescan(self, dirs: frozenset[bytes] | None) -> None:
        worker = get_current_worker()
        with self._scan_lock:
            if dirs is None:
                self._tree_rescan_asked = False  # a change from now on asks again
            summary = background.rescan(
                self.library, dirs, self.post_message,
                cancelled=lambda: worker.is_cancelled, now=self.now,
            )  # fmt: skip
            if dirs is None and summary is not None:
                self._tree_compare_seconds = summary.seconds

    @work(thread=True, exclusive=True, group="savings", name="measure savings")
    def measure_in_background(self) -> None:
        """Measure the savings of every image that needs it, batch by batch, until none is
        left or the worker is cancelled (a newer run, or the quit)."""
        worker = get_current_worker()
        with self._measure_lock:
            background.measure_savings(
                self.library, self.post_message, cancelled=lambda: worker.is_cancelled
            )

    # Handlers: hand the workers' values to the widgets.

    def on_library_changed(self, message: LibraryChanged) -> None:
        if message.reason == "store" and self._savings_running:
            self._paced_loads.ask()  # most likely a batch of savings committed
        else:
            self.load()
        if message.reason == "probed" and self.measuring:
            self.measure_in_background()

    def on_savings_measured(self, message: SavingsMeasured) -> None:
        self.query_one(StatusLine).show_savings(message.done, message.total, message.finished)
        self._savings_running = not message.finished
        if message.finished:
            self.load()
        elif message.done:  # a batch landed: the Optimization box has new bytes to show
            self._paced_loads.ask()

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        self.query_one(StorageOverview).show(message.data)
        self.query_one(MostUsed).show(message.data)
        self.query_one(PerformanceMetrics).show(message.data)
        self.query_one(Optimization).show(message.data)
        self._load_failed = False
        self._mark_stale()
        status = self.query_one(StatusLine)
        problem = self._folder_state == "gone" or self._store_error
        if not self._scanning and not problem and status.has_class("-error"):
            status.show_idle(self._watching_text())

    def on_store_watch(self, message: StoreWatch) -> None:
        self._store_error = message.error
        self._mark_stale()
        if not message.error:
            self.load()  # what was committed while the store could not be read
            return
        self.query_one(StatusLine).show_problem(self._watching_text())
        self.notify("The store cannot be read", severity="error", markup=False)

    def _mark_stale(self) -> None:
        # Faded (app.tcss), not emptied: the last figures read still say something.
        self.set_class(self._load_failed or bool(self._store_error), "-stale")

    def on_directories_changed(self, message: DirectoriesChanged) -> None:
        self.folder_changed(message.dirs)

    def on_folder_watch_started(self, message: FolderWatchStarted) -> None:
        self.folder_watches_started += 1

    def on_folder_watch(self, message: FolderWatch) -> None:
        self._folder_state = message.state
        self._polling_why = message.why
        status = self.query_one(StatusLine)
        if message.state != "gone":
            status.show_idle(self._watching_text())
        else:
            # Its files are not marked deleted: a folder that vanished is more often a
            # disk unmounted or a folder moved for a while than a library thrown away.
            status.show_problem(
                f"The media folder {self.library.settings.root} is gone (moved, or its disk "
                "unmounted): the figures are the last scan's until it comes back."
            )

    def on_scan_progress(self, message: ScanProgress) -> None:
        if message.progress.phase != "done":
            self.query_one(StatusLine).show_progress(message.progress)
        if message.progress.phase == "probing" and not self._walk_shown:
            # The walk is recorded before probing starts: a new library's files fill the
            # boxes now, not after minutes of probes (whose findings the store watch
            # loads as they land, and the scan's end loads once more).
            self._walk_shown = True
            self.load()

    def on_scan_finished(self, message: ScanFinished) -> None:
        self._scanning = False
        summary = message.summary
        self.query_one(StatusLine).show_scanned(summary, self._watching_text())
        # A scan that found nothing new leaves the first load's figures true: loading
        # them again would only read the same figures (seconds of work on a big store).
        if summary.has_changes or summary.probed or not self._loaded_before_scan:
            self.load()
        if self.measuring:
            self.measure_in_background()

    def on_changes_followed(self, message: ChangesFollowed) -> None:
        self.query_one(StatusLine).show_followed(message.summary, message.at.astimezone(UTC))

    def on_work_failed(self, message: WorkFailed) -> None:
        if message.what == LOADING:
            self._load_failed = True
            self._mark_stale()
        self.query_one(StatusLine).show_error(message.what, message.error)
        self.notify(f"{message.what} failed", severity="error", markup=False)

    def export_view(self) -> Export | None:
        """What the four boxes show (`e`): see `tui.export_views.dashboard_export`."""
        from mediatop.tui.export_views import dashboard_export

        data = self.query_one(StorageOverview).data
        return None if data is None else dashboard_export(data)

    @on(DataTable.RowSelected, "#files")
    def open_file(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(FileChosen(int(event.row_key.value)))
