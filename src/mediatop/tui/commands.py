"""The command palette (`:` or ctrl+p): every action of the screen it was opened on.

Generated from the same bindings as the footer and the help (Textual's
`active_bindings`: the screen's, its focused widget's and the app's), as Textual's own
system commands, so the palette can never offer an action the keys do not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def binding_words(binding: Binding) -> str:
    """What a key does, whole: the footer shows a short word (`Sort`), its tooltip says
    the rest (`Sort column`); the help and the palette use this."""
    return binding.tooltip or binding.description


def binding_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """One command per described binding active on `screen`, running its action there."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        said = binding_words(binding)
        if not said or said in seen or not active.enabled:
            continue
        seen.add(said)
        shown_key = app.get_key_display(binding) if key else key
        run = partial(app.run_action, binding.action, active.node)
        yield SystemCommand(said, f"key {shown_key}", run)
