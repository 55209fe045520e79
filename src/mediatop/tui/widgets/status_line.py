"""The status line under the dashboard: scan progress, what is watched, and failures.

Failures stay here until the next successful load replaces them, so an admin who
looked away still sees that something went wrong.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mediatop.scan import ScanProgress, ScanSummary
from mediatop.tui.plain import count_text, plain

PHASES = {"walking": "Walking", "writing": "Recording", "probing": "Probing", "done": "Scanned"}


class StatusLine(Static):
    """One line: what the app is doing now, or the last failure."""

    def show_progress(self, progress: ScanProgress) -> None:
        phase = PHASES.get(progress.phase, progress.phase)
        counts = (
            f"{count_text(progress.done)}/{count_text(progress.total)}"
            if progress.total
            else count_text(progress.done)
        )
        self.set_class(False, "-error")
        self.update(Text(f"Scanning the folder — {phase.lower()} {counts} files…"))

    def show_scanned(self, summary: ScanSummary, watching: str) -> None:
        changes = f"{summary.new} new, {summary.changed} changed, {summary.deleted} removed"
        errors = f", {summary.probe_errors} unreadable" if summary.probe_errors else ""
        self.set_class(False, "-error")
        self.update(
            Text(
                f"Scanned {count_text(summary.files_present)} files ({changes}{errors}). {watching}"
            )
        )

    def show_idle(self, watching: str) -> None:
        self.set_class(False, "-error")
        self.update(Text(watching))

    def show_error(self, what: str, error: str) -> None:
        """`error` may quote a file name: it is shown as plain, visible text."""
        self.set_class(True, "-error")
        self.update(Text.assemble((f"{what} failed: ", "bold"), plain(error)))
