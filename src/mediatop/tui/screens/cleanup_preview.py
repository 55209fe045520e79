"""The preview of a cleanup (`x` on a list screen): what applying would do to the
marked files, and the apply itself once confirmed.

It lists each planned file with its size and why it is planned (the evidence, the copy
kept, the re-encoding), the total freed, the files applying would skip now and why
(`would_skip`) and the marked files the plan leaves out. Nothing moves until `y` is
pressed, a key that is never `enter` or `space`; `escape` cancels. The apply runs in a
thread worker with its progress on screen, then the screen says what moved and what
was skipped, with each reason. Names are drawn as plain, visible text.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from mediatop.tui import cleanup_work
from mediatop.tui.cleanup_messages import (
    ApplyProgressed,
    NotPlanned,
    PlanApplied,
    PreviewReady,
)
from mediatop.tui.messages import WorkFailed
from mediatop.tui.plain import plain, plain_path, size_text, wrapped

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import Plan, PlanEntry, Skipped


def _files_table(entries: tuple[PlanEntry, ...]) -> Table:
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
    table.add_column("File", ratio=1, overflow="fold")
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("Why", ratio=2)
    for entry in entries:
        candidate = entry.candidate
        table.add_row(wrapped(plain_path(candidate.path)), size_text(candidate.size),
                      wrapped(plain(_why(entry))))  # fmt: skip
    return table


def _why(entry: PlanEntry) -> str:
    """Why a file is planned: its evidence; for a re-encoding, the target and its
    measured sizes first, once (the evidence's `target: N bytes measured to M` says
    them again, in bytes)."""
    evidence = list(entry.candidate.evidence)
    if entry.encoding is not None:
        target = entry.encoding.target
        sizes = f"{size_text(entry.candidate.size)} → {size_text(entry.encoding.bytes_after)}"
        rest = [said for said in evidence if not said.startswith(f"{target}: ")]
        evidence = [f"{target}: {sizes}, measured", *rest]
    return "; ".join(evidence)


def _reasons(title: str, rows: list[tuple[Text, str]]) -> Group:
    lines: list[RenderableType] = [Text(f"\n{title} ({len(rows)}):", style="bold")]
    for name, reason in rows:
        lines.append(wrapped(Text.assemble("  ", name, " — ", plain(reason))))
    return Group(*lines)


class CleanupPreviewScreen(Screen[bool]):
    """What applying would do to the marked files; `y` applies, `escape` cancels.
    Dismissed with whether files were changed."""

    HELP_GROUP = "Cleanup preview"
    RANGED = False  # no figure here depends on the time range: `t` is not offered
    CSS_PATH = "../cleanup.tcss"
    BINDINGS = [
        Binding("escape", "close", "Cancel / back"),
        Binding("y", "confirm", "Confirm: apply"),
    ]

    def __init__(
        self, library: MediaLibrary, kind: str, marked: dict[int, str], *, now: datetime | None
    ) -> None:
        super().__init__()
        self.library = library
        self.kind = kind
        self.marked = marked
        self.now = now
        self.plan: Plan | None = None
        self.to_apply = 0  # files applying would change now
        self.state = "reading"  # 'reading' | 'ready' | 'applying' | 'done'

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="preview-box"):
            yield Static(Text("Planning the marked files…", style="dim"), id="preview-body")
        yield ProgressBar(id="apply-progress", show_eta=False)
        yield Static(id="preview-prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#preview-box")
        box.border_title = "Preview: nothing is changed until you confirm"
        self.query_one(ProgressBar).display = False
        library, kind, marked, now = self.library, self.kind, self.marked, self.now
        self.run_worker(lambda: cleanup_work.preview(library, kind, marked, now, self.post_message),
                        thread=True, name="cleanup preview")  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.state == "ready" and self.to_apply > 0
        if action == "close":
            return None if self.state == "applying" else True  # shown, dimmed while applying
        return True

    def on_preview_ready(self, message: PreviewReady) -> None:
        plan, skipped = message.plan, message.skipped
        self.plan = plan
        skipped_paths = {s.path for s in skipped}
        kept = tuple(e for e in plan.entries if e.candidate.path not in skipped_paths)
        self.to_apply = len(kept)
        freed = dataclasses.replace(plan, entries=kept).total_bytes
        parts: list[RenderableType] = [Text(self._summary(freed), style="bold"), Text("")]
        if plan.entries:
            parts.append(_files_table(plan.entries))
        if skipped:
            parts.append(_skips("Would be skipped", skipped))
        if message.not_planned:
            parts.append(_left_out(message.not_planned))
        self.query_one("#preview-body", Static).update(Group(*parts))
        self.state = "ready"
        self._prompt(self._question())
        self.refresh_bindings()

    def _summary(self, freed: int) -> str:
        files = _files(self.to_apply)
        if self.kind == "optimize":
            saving = size_text(freed)
            return f"Re-encode {files}, saving {saving}; the originals go into the quarantine."
        return f"Move {files} into the quarantine, freeing {size_text(freed)}."

    def _question(self) -> str:
        if self.to_apply == 0:
            return "Nothing would be applied. escape goes back."
        doing = "re-encode" if self.kind == "optimize" else "move"
        optimize = self.kind == "optimize"
        where = " (originals into the quarantine)" if optimize else " into the quarantine"
        return f"Press y to {doing} {_files(self.to_apply)}{where}; escape cancels."

    def _prompt(self, text: str, style: str = "bold") -> None:
        self.query_one("#preview-prompt", Static).update(Text(text, style=style))

    def action_confirm(self) -> None:
        if self.plan is None or self.state != "ready":
            return
        self.state = "applying"
        self.refresh_bindings()
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=len(self.plan.entries), progress=0)
        self._prompt("Applying…", "")
        library, plan = self.library, self.plan
        self.run_worker(lambda: cleanup_work.apply(library, plan, self.post_message),
                        thread=True, name="cleanup apply")  # fmt: skip

    def on_apply_progressed(self, message: ApplyProgressed) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    def on_plan_applied(self, message: PlanApplied) -> None:
        result = message.result
        self.state = "done"
        self.query_one("#preview-box").border_title = "Applied: every move is journalled"
        self.refresh_bindings()
        self.query_one(ProgressBar).update(progress=len(self.plan.entries) if self.plan else 0)
        done = f"Done: {_files(result.moved)} ({size_text(result.bytes_moved)}) "
        done += (
            "re-encoded, the originals in the quarantine"
            if self.kind == "optimize"
            else ("moved into the quarantine")
        )
        parts: list[RenderableType] = [Text(done + ".", style="bold")]
        parts.append(wrapped(Text.assemble("Quarantine: ", plain_path(result.quarantine))))
        if result.skipped:
            parts.append(_skips("Skipped", result.skipped))
        if result.moved:  # a plan whose every file was skipped has nothing to undo
            parts.append(Text("\nu on the list screen undoes it."))
        self.query_one("#preview-body", Static).update(Group(*parts))
        self._prompt("escape goes back to the list, read again.")

    def on_work_failed(self, message: WorkFailed) -> None:
        failed = self.state == "applying"
        self.state = "done" if failed else "failed"
        self.refresh_bindings()
        self.query_one("#preview-prompt", Static).update(
            Text.assemble((f"{message.what} failed: ", "bold red"), plain(message.error))
        )

    def action_close(self) -> None:
        if self.state != "applying":
            self.dismiss(self.state == "done")


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _skips(title: str, skipped: tuple[Skipped, ...]) -> Group:
    return _reasons(title, [(plain_path(s.path), s.reason) for s in skipped])


def _left_out(left: tuple[NotPlanned, ...]) -> Group:
    return _reasons("Marked but not in the plan", [(plain(n.name), n.reason) for n in left])
