"""The Textual app: wiring only. Screens, app-wide keys and routing between screens.

`build_app` is the one factory: the CLI (`mediatop ROOT`, `mediatop demo`) and the
tests call it, so tests run the wiring users get. Tests pass a frozen `now`,
`watch=False` and `scan_on_start=False` for snapshots that only change when the screen
does: image savings are measured in the background only after a scan or a rescan.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime

from textual.app import App
from textual.binding import Binding

from mediatop.config import Settings
from mediatop.textsafe import visible
from mediatop.tui.messages import FileChosen, LibraryChanged
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.help import HelpScreen


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
        settings: Settings,
        *,
        now: datetime | None = None,
        watch: bool = True,
        scan_on_start: bool = True,
        measure_savings: bool = True,
        read_only: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.now = now
        self.watching = watch
        self.scan_on_start = scan_on_start
        self.measure_savings = measure_savings
        self.read_only = read_only
        # The folder name comes from outside: plain, visible text (Header draws it as is).
        self.title = f"mediatop — {visible(settings.root.name or str(settings.root))}"
        self.sub_title = "DEMO" if settings.demo else ""

    # A dropped SSH session hangs the app up, and `kill` terminates it: both leave as `q`
    # does, so the watchers stop and the demo's temporary folder is removed.
    _LEAVE_ON = (signal.SIGHUP, signal.SIGTERM)

    def on_load(self) -> None:  # the first event, before the terminal is taken over
        loop = asyncio.get_running_loop()
        for signum in self._LEAVE_ON:
            loop.add_signal_handler(signum, self.call_later, self.action_quit)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._LEAVE_ON:
            loop.remove_signal_handler(signum)

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen(
            self.settings,
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
        self.push_screen(FileDetailScreen(self.settings, message.file_id, now=self.now))

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
    settings: Settings,
    *,
    now: datetime | None = None,
    watch: bool = True,
    scan_on_start: bool = True,
    measure_savings: bool = True,
    read_only: str | None = None,
) -> MediatopApp:
    """The app for `settings`; `now` freezes the clock of every report (tests).

    `measure_savings=False` keeps the app from re-encoding images to measure savings
    after its scans (the Optimization box then shows what is already cached).
    `read_only`, the reason the store cannot be written, shows the store as it is:
    no scan, no savings measured, the reason in the status line."""
    # Probes and savings run in spawned processes, whose start needs multiprocessing's
    # resource tracker; starting it passes it sys.stderr's file descriptor, which Textual
    # replaces with a capture that has none while the app runs. Start it now instead.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    return MediatopApp(
        settings,
        now=now,
        watch=watch,
        scan_on_start=scan_on_start,
        measure_savings=measure_savings,
        read_only=read_only,
    )
