"""The dashboard outside the pilot: a dropped SSH session (SIGHUP) or `kill` (SIGTERM)
ends it as `q` does, and without a terminal (cron, a pipe) it refuses to start."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pty_support import read_drawn


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_the_demo_leaves_cleanly_on_a_hang_up_or_terminate(
    tmp_path: Path, signum: signal.Signals
) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color", "COLUMNS": "120"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mediatop", "demo"],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    try:
        drawn = read_drawn(leader, 60, b"Storage Overview")
        assert b"Storage Overview" in drawn, drawn[-2000:]
        assert list(tmp_path.glob("mediatop-demo-*"))  # the demo's copy, while it runs
        process.send_signal(signum)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            read_drawn(leader, 0.2)  # the app restores the terminal as it leaves
        assert process.poll() == 0, (process.poll(), list(tmp_path.iterdir()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert not list(tmp_path.glob("mediatop-demo-*"))


SAMPLE = Path(__file__).resolve().parents[1] / "sample_media"


@pytest.mark.parametrize("opens", ["demo", "folder"])
def test_without_a_terminal_the_dashboard_refuses_at_once(tmp_path: Path, opens: str) -> None:
    """From cron or a pipe it used to draw escape sequences into the output and wait for
    keys forever."""
    args = ["demo"] if opens == "demo" else [str(SAMPLE), "--db", str(tmp_path / "s.db")]
    done = subprocess.run(
        [sys.executable, "-m", "mediatop", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("mediatop: the dashboard needs a terminal")
    assert not list(tmp_path.iterdir())  # no demo copy made, no store created
