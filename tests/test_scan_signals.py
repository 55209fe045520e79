"""`mediatop scan` told to stop (SIGTERM) or losing its terminal (SIGHUP) while it probes:
one line, exit 1, its probe workers gone with it, nothing else on stderr (no traceback,
no warning of leaked semaphores), and the next scan goes on from what it stored."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from process_support import children, process_gone

FILES = 6_000


def _tree(root: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    png = buffer.getvalue()
    for index in range(FILES):
        folder = root / f"{index // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"dot-{index}.png").write_bytes(png)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGTERM, False), (signal.SIGHUP, False), (signal.SIGHUP, True)],
    ids=["term", "hup", "hup-to-the-group"],  # a terminal that hangs up signals them all
)
def test_a_scan_stopped_while_probing_says_so_and_leaves_nothing_behind(
    tmp_path: Path, signum: signal.Signals, to_group: bool
) -> None:
    command, db = _scan_command(tmp_path)
    process = _probing(command, db)
    workers = children(process.pid)
    started = time.monotonic()
    if to_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=10)
    assert time.monotonic() - started < 5
    assert process.returncode == 1
    name = signal.Signals(signum).name
    assert (
        stderr == f"mediatop: stopped by {name}; the next scan goes on from what this one stored\n"
    )
    deadline = time.monotonic() + 5
    while not all(map(process_gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(map(process_gone, workers)), "a probe worker outlived the scan"

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0
    assert again.stderr.startswith(f"{FILES:,} files: 0 new, 0 changed, 0 deleted,")
    assert _unprobed(db) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_scan_started_under_nohup_goes_on_when_its_session_hangs_up(tmp_path: Path) -> None:
    command, db = _scan_command(tmp_path)
    process = _probing(["nohup", *command], db)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert stderr.startswith(f"{FILES:,} files: {FILES:,} new,")
    assert _unprobed(db) == 0


def _scan_command(tmp_path: Path) -> tuple[list[str], Path]:
    root = tmp_path / "media"
    _tree(root)
    db = tmp_path / "store.sqlite3"
    return [sys.executable, "-m", "mediatop", "scan", str(root), "--db", str(db)], db


def _unprobed(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(
            conn.execute("SELECT count(*) FROM media_files WHERE probed_at IS NULL").fetchone()[0]
        )


def _probing(command: list[str], db: Path) -> subprocess.Popen[str]:
    """The scan started, once it is probing (some files probed, not all)."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    probed = 0
    while not probed and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
        if db.exists():
            watcher = sqlite3.connect(db, timeout=30)
            with contextlib.suppress(sqlite3.OperationalError):  # not made yet
                probed = watcher.execute(
                    "SELECT count(*) FROM media_files WHERE probed_at IS NOT NULL"
                ).fetchone()[0]
            watcher.close()
    assert process.poll() is None and probed, "the scan must be probing when it is stopped"
    return process
