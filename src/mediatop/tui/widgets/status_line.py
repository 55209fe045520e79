"""The status line under the dashboard: scan progress, savings measuring, what is watched
and failures.

Failures stay here until the next successful load replaces them, so an admin who
looked away still sees that something went wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from mediatop.tui.plain import count_text, plain

if TYPE_CHECKING:
    from mediatop.library_types import ScanProgress, ScanSummary

PHASES = {"walking": "Walking", "writing": "Recording", "probing": "Probing", "done": "Scanned"}


class StatusLine(Static):
    """One line: what the app is doing now, or the last failure.

    Outside a scan it reads "<last scan>. <savings measuring>. <what is watched>"; each
    part is kept apart so that one changing leaves the others as they were.
    """

    def __init__(self, watching: str, *, id: str | None = None) -> None:
        super().__init__(Text(watching), id=id)
        self._drawn = Text(watching)
        self._scanned = ""
        self._savings = ""
        self._watching = watching

    def show_progress(self, progress: ScanProgress) -> None:
        phase = PHASES.get(progress.phase, progress.phase)
        counts = (
            f"{count_text(progress.done)}/{count_text(progress.total)}"
            if progress.total
            else count_text(progress.done)
        )
        self.set_class(False, "-error")
        self._draw(Text(f"Scanning the folder — {phase.lower()} {counts} files…"))

    def show_scanned(self, summary: ScanSummary, watching: str) -> None:
        found = _changes(summary) or "no changes"
        self._scanned = f"Scanned {count_text(summary.files_present)} files ({found})."
        self.show_idle(watching)

    def show_followed(self, summary: ScanSummary, at: datetime) -> None:
        """The last change the watch recorded, in place of the start-up scan's line; a
        failure or a problem on show (the folder is gone) stays."""
        self._scanned = f"Changes at {at:%H:%M:%S} UTC: {_changes(summary)}."
        if not self.has_class("-error"):
            self._show_parts()

    def show_savings(self, done: int, total: int, finished: bool) -> None:
        """Progress of the background measuring; a failure on show stays until a load."""
        images = f"{count_text(total)} image{'' if total == 1 else 's'}"
        if not finished:
            self._savings = f"Measuring savings: {count_text(done)} of {images}."
        elif done < total:
            self._savings = f"Savings measured for {count_text(done)} of {images}."
        else:
            self._savings = f"Savings measured for {images}."
        if not self.has_class("-error"):
            self._show_parts()

    def show_idle(self, watching: str) -> None:
        self._watching = watching
        self.set_class(False, "-error")
        self._show_parts()

    def show_error(self, what: str, error: str) -> None:
        """`error` may quote a file name: it is shown as plain, visible text."""
        self.set_class(True, "-error")
        self._draw(Text.assemble((f"{what} failed: ", "bold"), plain(error)))

    def show_problem(self, text: str) -> None:
        """A state that is wrong but not a failure (the folder is gone), until replaced;
        `text` may quote a path: it is shown as plain, visible text."""
        self.set_class(True, "-error")
        self._draw(plain(text))

    def _show_parts(self) -> None:
        self._draw(Text(" ".join(p for p in (self._scanned, self._savings, self._watching) if p)))

    def _draw(self, text: Text) -> None:
        # The same line drawn again would only cost bytes over a slow link; a new one is
        # redrawn alone (one line high, whatever it says: no layout of the screen).
        if text != self._drawn:
            self._drawn = text
            self.update(text, layout=False)


def _changes(summary: ScanSummary) -> str:
    """'2 new, 1 removed': what a scan found, or '' for nothing."""
    return ", ".join(
        f"{count_text(n)} {what}"
        for n, what in ((summary.new, "new"), (summary.changed, "changed"),
                        (summary.deleted, "removed"), (summary.probe_errors, "unreadable"))
        if n
    )  # fmt: skip
