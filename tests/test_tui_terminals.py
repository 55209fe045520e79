"""Any terminal an admin may have (issue 16, point 6): the dashboard run as a user runs
it (`mediatop ROOT` in a pty, read by the pyte terminal emulator) under TERM
xterm-256color, screen, tmux-256color and linux, with 16 colours
(TEXTUAL_COLOR_SYSTEM=standard) and with NO_COLOR, draws its four boxes and answers its
keys. Nothing here uses a mouse: every step is a key, as on a terminal without one.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from pty_support import Terminal, box_titles_shown
from tui_fixtures import scanned_library

TERMINALS = {
    "xterm-256color": {"TERM": "xterm-256color"},
    "screen": {"TERM": "screen"},
    "tmux-256color": {"TERM": "tmux-256color"},
    "linux": {"TERM": "linux"},
    "16 colours": {"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"},
    "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
}
# Colours beyond the 16 of the ANSI set: 256-colour (38;5;N) or true colour (38;2;R;G;B).
BEYOND_16 = re.compile(rb"\x1b\[[0-9;]*[34]8;[25];")


def terminal_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without what says how colourful the terminal is, plus `extra`."""
    env = {
        k: v for k, v in os.environ.items()
        if k not in ("COLORTERM", "NO_COLOR", "COLUMNS", "LINES") and not k.startswith("TEXTUAL")
    }  # fmt: skip
    return {**env, **extra}


def is_grey(colour: str) -> bool:
    """A pyte colour that is the terminal's default or a shade of grey (#rrggbb, r=g=b)."""
    return colour == "default" or (len(colour) == 6 and colour[:2] == colour[2:4] == colour[4:])


@pytest.mark.slow
@pytest.mark.parametrize("terminal", TERMINALS)
def test_the_dashboard_draws_and_answers_its_keys_on_this_terminal(
    tmp_path: Path, terminal: str
) -> None:
    root, settings = scanned_library(tmp_path)
    command = [sys.executable, "-m", "mediatop", str(root), "--db", str(settings.db_path)]
    term = Terminal(command, terminal_env(TERMINALS[terminal]))
    try:
        term.wait_for(box_titles_shown)
        term.press(b"?")  # the help: a box titled Keys that escape closes
        term.wait_for(lambda text: "Keys" in text and "escape closes" in text)
        term.press(b"\x1b")
        term.wait_for(lambda text: "escape closes" not in text and box_titles_shown(text))
        # Enter on the table's first row (the library's largest file, once listed) opens
        # that file's screen.
        term.wait_for(lambda text: "2024/03/hero-banner.jpg" in text)
        term.press(b"\r")
        term.wait_for(lambda text: "╭─ File hero-banner.jpg" in text and "Storage" not in text)
        term.press(b"\x1b")
        term.wait_for(box_titles_shown)
        term.press(b"q")
        assert term.wait_exit() == 0
        colours = {
            colour for row in term.screen.buffer.values() for cell in row.values()
            for colour in (cell.fg, cell.bg)
        }  # fmt: skip
    finally:
        term.close()
    if terminal in ("16 colours", "screen", "linux"):
        # These terminals know 16 colours (Rich reads TERM; Textual its own variable).
        assert not BEYOND_16.search(term.raw)
    if terminal == "NO_COLOR":
        assert all(is_grey(c) for c in colours), sorted(colours)
    else:
        assert not all(is_grey(c) for c in colours)  # the test can tell colour from grey
