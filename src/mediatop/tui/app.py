"""The Textual app: wiring only. Screens, app-wide keys and routing between screens.

`build_app` is the one factory: the CLI (`mediatop ROOT`, `mediatop demo`) and the
tests call it, so tests run the wiring users get. The app holds one `MediaLibrary`,
the library surface, and hands it to its screens: it is their only way to the store,
the folder and the analytics. Tests pass a frozen `now`,
`watch=False` and `scan_on_start=False` for snapshots that only change when the screen
does: image savings are measured in the background only after a scan or a rescan.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.textsafe import visible
from mediatop.tui.messages import FileChosen, LibraryChanged
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.terminal_driver import TerminalDriver, terminal_present

# How often the app looks whether its terminal is still there: a terminal closed without
# a SIGHUP (no controlling terminal) is noticed within this.
TERMINAL_CHECK_S = 0.5


class MediatopApp(App[int]):
    """The dashboard of one media folder, its file screens and the help."""

    CSS_PATH = "app.tcss"
    HELP_GROUP = "Everywhere"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        library: MediaLibrary,
        *,
        now: datetime | None = None,
        watch: bool = True,
        scan_on_start: bool = True,
        measure_savings: bool = True,
        read_only: str | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        settings = self.settings = library.settings
        self.now = now
        self.watching = watch
        self.scan_on_start = scan_on_start
        self.measure_savings = measure_savings
        self.read_only = read_only
        # The folder name comes from outside: plain, visible text (Header draws it as is).
        self.title = f"mediatop — {visible(settings.root.name or str(settings.root))}"
        self.sub_title = "DEMO" if settings.demo else ""
        self._leave_asked = False
        self._event_loop: asyncio.AbstractEventLoop | None = None

    def get_driver_class(self) -> type[Driver]:
        driver_class = super().get_driver_class()
        # The default driver on Linux and macOS, made safe for a terminal that goes away.
        return TerminalDriver if driver_class is LinuxDriver else driver_class

    def leave(self, signum: int | None = None) -> None:
        """Quit as `q` does, asked from a signal handler (a dropped SSH session, `kill`)
        or because the terminal is gone.

        Only hands the request to the event loop: a signal handler may run in the middle
        of anything. Asked before the loop runs, the app quits as soon as it loads."""
        if self._leave_asked:
            return
        self._leave_asked = True
        loop = self._event_loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: already leaving
                loop.call_soon_threadsafe(self.call_later, self.action_quit)

    def on_load(self) -> None:  # the first event, before the terminal is taken over
        self._event_loop = asyncio.get_running_loop()
        if self._leave_asked:
            self.call_later(self.action_quit)

    def on_mount(self) -> None:
        if not self.is_headless and issubclass(self.driver_class, TerminalDriver):
            self.set_interval(TERMINAL_CHECK_S, self._leave_if_terminal_gone)

    def _leave_if_terminal_gone(self) -> None:
        if not terminal_present():
            self.leave()

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen(
            self.library,
            now=self.now,
            watch=self.watching,
            scan_on_start=self.scan_on_start,
            measure_savings=self.measure_savings,
            read_only=self.read_only,
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def on_file_chosen(self, message: FileChosen) -> None:
        self.push_screen(FileDetailScreen(self.library, message.file_id, now=self.now))

    def on_library_changed(self, message: LibraryChanged) -> None:
        # The dashboard reloads itself, then the message bubbles here: a file's screen
        # above it shows the change too (a new view, the file removed, its probe done).
        for screen in self.screen_stack:
            if isinstance(screen, FileDetailScreen):
                screen.load()

    async def action_quit(self) -> None:
        # Stop the watchers first, so their threads return at once rather than at a timeout.
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.stop_watching()
        self.exit(0)


def build_app(
    library: MediaLibrary | Settings,
    *,
    now: datetime | None = None,
    watch: bool = True,
    scan_on_start: bool = True,
    measure_savings: bool = True,
    read_only: str | None = None,
) -> MediatopApp:
    """The app on `library` (or on a library opened with these settings, read-only
    when `read_only` is given); `now` freezes the clock of every report (tests).

    `measure_savings=False` keeps the app from re-encoding images to measure savings
    after its scans (the Optimization box then shows what is already cached).
    `read_only`, the reason the store cannot be written, shows the store as it is:
    no scan, no savings measured, the reason in the status line."""
    # Probes and savings run in spawned processes, whose start needs multiprocessing's
    # resource tracker; starting it passes it sys.stderr's file descriptor, which Textual
    # replaces with a capture that has none while the app runs. Start it now instead.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    if isinstance(library, Settings):
        library = MediaLibrary(library, readonly=read_only is not None, lean=True)
    return MediatopApp(
        library,
        now=now,
        watch=watch,
        scan_on_start=scan_on_start,
        measure_savings=measure_savings,
        read_only=read_only,
    )
