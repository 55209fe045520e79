"""The help: every key active on the screen it was opened from, with what it does.

Generated from the BINDINGS of that screen, its focused widget and the app (Textual's
`active_bindings`), so it can never drift from what the keys really do.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from mediatop.tui.commands import binding_words


def _group_name(binding: ActiveBinding) -> str:
    """Where a key comes from: the widget's HELP_GROUP, else its class name."""
    node = binding.node
    return str(getattr(node, "HELP_GROUP", None) or type(node).__name__)


def bindings_table(bindings: dict[str, ActiveBinding], key_display: dict[str, str]) -> Table:
    """Keys grouped by where they are defined, the shown (footer) keys of a group first."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    groups: dict[str, list[ActiveBinding]] = {}
    for active in bindings.values():
        if active.binding.description:
            groups.setdefault(_group_name(active), []).append(active)
    for index, (name, members) in enumerate(groups.items()):
        if index:
            table.add_row("", "")
        table.add_row("", Text(name, style="underline"))
        listed: set[tuple[str, str]] = set()  # one line for keys shown alike (`:`, ctrl+p)
        for active in sorted(members, key=lambda a: not a.binding.show):
            style = "" if active.enabled else "dim"
            said = binding_words(active.binding)
            key = key_display[active.binding.key]
            if (key, said) in listed:
                continue
            listed.add((key, said))
            table.add_row(Text(key, style=style), Text(said, style=style))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, generated from its bindings."""

    HELP_GROUP = "Help"
    # A modal screen hides the app's keys, so the ones that make sense here are repeated.
    BINDINGS = [
        Binding("escape,question_mark", "close", "Close help", key_display="esc"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self._shown_bindings = bindings

    def compose(self) -> ComposeResult:
        display = {
            active.binding.key: self.app.get_key_display(active.binding)
            for active in self._shown_bindings.values()
        }
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            yield Static(bindings_table(self._shown_bindings, display))

    def action_close(self) -> None:
        self.dismiss()
