"""Fast to open, light to keep open (issue 16, point 5), measured as a user's terminal
sees the dashboard: `mediatop demo` in a 120×40 pty, its bytes counted.

- Importing the app leaves the analytics and the scan for the workers that use them,
  behind the first paint.
- From launch until the demo has settled (its figures in, its savings measured, the
  screen quiet for 3 s), the app writes at most 60 KB (about 200 KB before: every load
  redrew all four boxes, Textual's first layouts redrew the whole screen four times).
- Idle, with live refresh on and nothing changing, it writes almost nothing: no
  spinner or clock redrawn every second over a slow link.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pty_support import Terminal, box_titles_shown

SETTLED_BYTES = 60_000
# A clock redrawn every second (its header line) would write about 1 KB in 10 s.
IDLE_SECONDS, IDLE_BYTES = 10, 512
QUIET_S = 3.0


def test_importing_the_app_leaves_the_analytics_for_the_workers() -> None:
    code = (
        "import sys, mediatop.tui.app\n"
        "print(sorted(m for m in ('mediatop.library_types', 'mediatop.analytics.dashboard',"
        " 'mediatop.scan.scanner') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_demo_sends_little_until_settled_and_almost_nothing_when_idle(
    tmp_path: Path,
) -> None:
    env = {
        k: v for k, v in os.environ.items()
        if k not in ("COLORTERM", "NO_COLOR", "COLUMNS", "LINES") and not k.startswith("TEXTUAL")
    }  # fmt: skip
    env.update(TMPDIR=str(tmp_path), TERM="xterm-256color")
    term = Terminal([sys.executable, "-m", "mediatop", "demo"], env)
    try:
        term.wait_for(box_titles_shown, timeout=60)
        term.wait_for(lambda text: "Savings measured for" in text, timeout=120)
        while time.monotonic() - term.last_write < QUIET_S:
            term.read(0.2)
        settled = term.written
        term.read(IDLE_SECONDS)
        idle = term.written - settled
        text = term.text()
        term.press(b"q")
        left = term.wait_exit()
    finally:
        term.close()
    assert left == 0
    assert "Watching the folder and the store." in text  # live refresh on, while idle
    assert settled <= SETTLED_BYTES, settled
    assert idle <= IDLE_BYTES, (idle, bytes(term.raw[settled:])[-500:])
