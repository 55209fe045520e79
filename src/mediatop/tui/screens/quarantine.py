"""The quarantine (`u` on the Unused, Duplicates and Optimize screens): the plans whose
files can be put back, each with its files, bytes and age, and the undo of one.

`u` on a plan asks first ("press y to put back ..."); `y` undoes it in a thread worker,
which never overwrites a file that has appeared in the place of one to put back: the
screen names each refused file with the reason. `escape` cancels the question, or goes
back (the list screen reads again when something was put back).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mediatop.tui import cleanup_work
from mediatop.tui.cleanup_messages import PlanUndone, QuarantineListed
from mediatop.tui.messages import WorkFailed
from mediatop.tui.plain import plain, plain_path, size_text, wrapped

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import QuarantinedPlan


def age_text(days: float) -> str:
    """'3.2 days', or hours and minutes under a day."""
    if days >= 1:
        return f"{days:.1f} days"
    hours = days * 24
    return f"{hours:.1f} h" if hours >= 1 else f"{round(hours * 60)} min"


class PlansTable(DataTable[str]):
    """The quarantined plans, one a row. Enter selects nothing here (`u` asks to undo
    the plan under the cursor), so neither the help nor the palette offers it."""

    HELP_GROUP = "Plans"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "select_cursor"


class QuarantineScreen(Screen[bool]):
    """The quarantined plans; `u` then `y` undoes the one under the cursor. Dismissed
    with whether files were put back."""

    HELP_GROUP = "Quarantine"
    RANGED = False  # no figure here depends on the time range: `t` is not offered
    CSS_PATH = "../cleanup.tcss"
    BINDINGS = [
        Binding("escape", "close", "Cancel / back"),
        Binding("u", "ask_undo", "Undo plan"),
        Binding("y", "confirm", "Confirm undo"),
    ]

    def __init__(self, library: MediaLibrary, *, now: datetime | None) -> None:
        super().__init__()
        self.library = library
        self.now = now
        self.plans: list[QuarantinedPlan] = []
        self.asked: QuarantinedPlan | None = None
        self.undoing = False
        self.changed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield PlansTable(id="quarantine-plans", cursor_type="row", zebra_stripes=True)
        yield Static(id="quarantine-result")
        yield Static(id="quarantine-prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = "Quarantined plans"
        for title in ("Plan", "Action", "Files", "Size", "Age"):
            table.add_column(title, key=title)
        self.query_one("#quarantine-result").display = False
        table.focus()
        self.load()

    def load(self) -> None:
        library, now = self.library, self.now
        self.run_worker(lambda: cleanup_work.list_quarantine(library, now, self.post_message),
                        thread=True, exclusive=True, name="list quarantine")  # fmt: skip

    def on_quarantine_listed(self, message: QuarantineListed) -> None:
        table = self.query_one(DataTable)
        # The library lists the newest first: `u` right after a cleanup undoes that one.
        # Read again (after an undo), the cursor stays where it was, not on another plan.
        row = table.cursor_row
        was = self.plans[row].plan_id if 0 <= row < len(self.plans) else None
        self.plans = message.plans
        table.clear()
        for plan in self.plans:
            table.add_row(plan.plan_id, plan.action, f"{plan.files:,}", size_text(plan.bytes),
                          age_text(plan.age_days), key=plan.plan_id)  # fmt: skip
        ids = [plan.plan_id for plan in self.plans]
        if ids:
            table.move_cursor(row=ids.index(was) if was in ids else min(row, len(ids) - 1))
        table.border_subtitle = f"{len(self.plans)} plan{'s' if len(self.plans) != 1 else ''}"
        hint = "u undoes the plan under the cursor." if self.plans else "Nothing is in quarantine."
        self._prompt(hint)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ask_undo":
            return bool(self.plans) and not self.undoing
        if action == "confirm":
            return self.asked is not None and not self.undoing
        if action == "close":
            return None if self.undoing else True
        return True

    def _prompt(self, text: str | Text) -> None:
        self.query_one("#quarantine-prompt", Static).update(text)

    def action_ask_undo(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not self.plans or self.undoing:
            return
        self.asked = self.plans[min(row, len(self.plans) - 1)]
        files = f"{self.asked.files} file{'s' if self.asked.files != 1 else ''}"
        question = (f"Press y to put back the {files} ({size_text(self.asked.bytes)}) "
                    f"of plan {self.asked.plan_id}; escape cancels.")  # fmt: skip
        self._prompt(Text(question, style="bold"))
        self.refresh_bindings()

    def action_confirm(self) -> None:
        if self.asked is None or self.undoing:
            return
        plan_id, library = self.asked.plan_id, self.library
        self.asked, self.undoing = None, True
        self._prompt(f"Putting back the files of plan {plan_id}…")
        self.refresh_bindings()
        self.run_worker(lambda: cleanup_work.undo(library, plan_id, self.post_message),
                        thread=True, name="cleanup undo")  # fmt: skip

    def on_plan_undone(self, message: PlanUndone) -> None:
        result = message.result
        self.undoing, self.changed = False, self.changed or result.restored > 0
        parts: list[RenderableType] = [Text(
            f"Put back {result.restored} file{'s' if result.restored != 1 else ''} "
            f"({size_text(result.bytes_restored)}).", style="bold")]  # fmt: skip
        if result.refused:
            refused = f"Refused ({len(result.refused)}), left in quarantine:"
            parts.append(Text(refused, style="bold red"))
            parts += [wrapped(Text.assemble("  ", plain_path(r.path), " — ", plain(r.reason)))
                      for r in result.refused]  # fmt: skip
        shown = self.query_one("#quarantine-result", Static)
        shown.update(Group(*parts))
        shown.display = True
        self.load()

    def on_work_failed(self, message: WorkFailed) -> None:
        self.undoing = False
        self.refresh_bindings()
        self._prompt(Text.assemble((f"{message.what} failed: ", "bold red"), plain(message.error)))

    def action_close(self) -> None:
        if self.undoing:
            return
        if self.asked is not None:
            self.asked = None
            self._prompt("Cancelled: nothing was put back.")
            self.refresh_bindings()
            return
        self.dismiss(self.changed)
