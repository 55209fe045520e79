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
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen

from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.textsafe import visible
from mediatop.tui.data import DEFAULT_RANGE
from mediatop.tui.export import Export, export_path, write_export
from mediatop.tui.messages import (
    ExportWritten,
    FileChosen,
    LibraryChanged,
    PlaceChosen,
    WorkFailed,
)
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.help import HelpScreen
from mediatop.tui.subject_data import SUBJECTS
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
        # The dashboard shows `o` in its footer, as the mock-up's header does; the tab
        # bar shows it on the other screens.
        Binding("o", "show('optimize')", "Optimize", show=False),
        Binding("e", "export('json')", "Export", tooltip="Export JSON"),
        Binding("E", "export('csv')", "Export CSV", key_display="E", show=False),
        Binding("t", "cycle_range", "Range", tooltip="Time range"),
        Binding("c", "toggle_compare", "Compare"),
        # Both keys in one binding: Textual adds its own ctrl+p only when no binding opens
        # the palette.
        Binding("colon,ctrl+p", "command_palette", "Commands", key_display=":", show=False),
        Binding("0", "dashboard", "Dashboard", show=False),
        *(
            Binding(key, f"show({name!r})", label, show=False)
            for name, key, label in SUBJECTS
            if key.isdigit() and key != "0"
        ),
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
        export_dir: Path | None = None,
        preview: bool | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        settings = self.settings = library.settings
        self.now = now
        self.watching = watch
        self.scan_on_start = scan_on_start
        self.measure_savings = measure_savings
        self.read_only = read_only
        # Where `e` writes: the folder the app was started in, unless told otherwise.
        self.export_dir = export_dir or Path.cwd()
        # The range every screen shows (`t` cycles it) and whether figures are compared
        # with the period before (`c`).
        self.range_name = DEFAULT_RANGE
        self.compare = False
        self.last_export: Path | None = None
        # Image previews on file screens (`p` toggles): on by default, except over SSH,
        # where a slow link would carry every preview's colours.
        self.preview = "SSH_CONNECTION" not in os.environ if preview is None else preview
        # The folder name comes from outside: plain, visible text (Header draws it as is).
        self.title = f"mediatop — {visible(settings.root.name or str(settings.root))}"
        self._demo = settings.demo
        self.sub_title = self.header_note()
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
        # Immediate, not queued: a screen pushed draws its header with the note already right.
        self.screen_change_signal.subscribe(self, self._header_follows_screen, immediate=True)
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

    def header_note(self, screen: Screen[Any] | None = None, *, compared: bool = False) -> str:
        """The header's second part over `screen`'s figures (by default the figures
        shown): DEMO, read-only, the range when those figures read one, and on a screen
        that compares (it asks), whether it does."""
        parts = ["DEMO"] if self._demo else []
        if self.library.changing_files_refused() is not None:
            parts.append("read-only")  # no key that changes files is shown or reachable
        if reads_range(self._figures_screen() if screen is None else screen):
            parts.append(f"range {self.range_name}")
        if compared:
            parts.append("compared with the period before")
        return " · ".join(parts)

    def _header_follows_screen(self, _screen: Screen[Any]) -> None:
        # A screen pushed or popped may read no range (Optimize): the header stops
        # naming one there, and names it again back on a screen that does.
        self.sub_title = self.header_note()

    def _figures_screen(self) -> Screen[Any] | None:
        """The screen whose figures are shown: the one on top, or under the help and the
        command palette the one beneath them. None before the first screen."""
        under = (CommandPalette, HelpScreen)
        return next((s for s in reversed(self.screen_stack) if not isinstance(s, under)), None)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from mediatop.tui.commands import binding_commands

        yield from binding_commands(self, screen)

    def action_show(self, name: str) -> None:
        """Open subject screen `name`: in place of the subject screen shown, else on top
        (escape then comes back to where it was opened from)."""
        from mediatop.tui.screens.listing import ListScreen
        from mediatop.tui.screens.subjects.registry import subject_screen

        if name == "dashboard":
            self.action_dashboard()
            return
        current = self.screen
        if isinstance(current, ListScreen) and name == current.NAME:
            return
        screen = subject_screen(name, self.library, self.now)
        if isinstance(current, ListScreen) and current.NAME:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_dashboard(self) -> None:
        """Back to the dashboard, whatever was opened on top of it."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()

    def action_cycle_range(self) -> None:
        from mediatop.tui.subject_data import next_range

        self.range_name = next_range(self.range_name)
        self._reload_every_screen()

    def action_toggle_compare(self) -> None:
        self.compare = not self.compare
        self._reload_every_screen()

    def _reload_every_screen(self) -> None:
        """Every open screen reads its figures again, over the range now chosen."""
        self.sub_title = self.header_note()
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.range_name = self.range_name
            reload = getattr(screen, "load", None)
            if callable(reload):
                reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Asked of the screen the user is on: with the command palette open, the one
        # under it (the palette gathers its commands from it).
        screen = next(s for s in reversed(self.screen_stack) if not isinstance(s, CommandPalette))
        if action == "export":
            # Only screens that can say what they show export it (not the help).
            return callable(getattr(screen, "export_view", None))
        # The range and the comparison are the figures' under the help, as its keys are.
        figures = self._figures_screen()
        if action == "cycle_range":
            return reads_range(figures)
        if action == "toggle_compare":
            # Only a subject screen's figures are compared: elsewhere `c` is neither
            # shown nor reachable, and the header says nothing of it.
            return bool(getattr(figures, "COMPARES", False))
        return True

    def action_export(self, fmt: str) -> None:
        """Write what the current screen shows into a file, in a worker; the app says where."""
        export: Export | None = self.screen.export_view()  # type: ignore[attr-defined]
        if export is None:
            self.notify("Nothing to export yet: the figures are still being read.")
            return
        self.run_worker(lambda: self._write_export(export, fmt), thread=True, name="export")

    def _write_export(self, export: Export, fmt: str) -> None:
        moment = self.now or datetime.now(UTC)
        path = export_path(self.export_dir, export, fmt, self.range_name, moment)
        try:
            rows = write_export(path, export, fmt)
        except OSError as exc:
            self.post_message(WorkFailed("Export", f"cannot write {path}: {exc.strerror}"))
            return
        self.post_message(ExportWritten(export.screen, path, rows))

    def on_export_written(self, message: ExportWritten) -> None:
        self.last_export = message.path
        if message.rows is None:
            what = f"{message.screen} as JSON"
        else:
            what = f"{message.rows} row{'s' if message.rows != 1 else ''} as CSV"
        self.notify(f"Exported {what} to {message.path}", title="Export", markup=False)

    def on_work_failed(self, message: WorkFailed) -> None:
        # Only the app's own work (an export) reaches here: screens handle theirs.
        self.notify(f"{message.what} failed: {message.error}", severity="error", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen.active_bindings))

    def on_file_chosen(self, message: FileChosen) -> None:
        self.push_screen(FileDetailScreen(self.library, message.file_id, now=self.now))

    def on_place_chosen(self, message: PlaceChosen) -> None:
        from mediatop.tui.screens.subjects.page_files import PageFilesScreen

        self.push_screen(
            PageFilesScreen(
                self.library, now=self.now, place_type=message.place_type,
                place_id=message.place_id, place_title=message.title,
            )
        )  # fmt: skip

    def on_library_changed(self, message: LibraryChanged) -> None:
        # The dashboard reloads itself, then the message bubbles here: a file's screen
        # or a list above it shows the change too (a new view, files added or removed).
        from mediatop.tui.screens.listing import ListScreen

        for screen in self.screen_stack:
            if isinstance(screen, FileDetailScreen):
                screen.load()
            elif isinstance(screen, ListScreen):
                screen.library_changed()

    async def action_quit(self) -> None:
        # Stop the watchers first, so their threads return at once rather than at a timeout.
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.stop_watching()
        self.exit(0)


def reads_range(screen: Screen[Any] | None) -> bool:
    """Whether `screen`'s figures depend on the time range (`t` changes them): a screen
    whose figures do not says `RANGED = False`. Before the first screen, the dashboard's
    do."""
    return bool(getattr(screen, "RANGED", True))


def build_app(
    library: MediaLibrary | Settings,
    *,
    now: datetime | None = None,
    watch: bool = True,
    scan_on_start: bool = True,
    measure_savings: bool = True,
    read_only: str | None = None,
    export_dir: Path | None = None,
    preview: bool | None = None,
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
        export_dir=export_dir,
        preview=preview,
    )
