"""A dashboard never outlives its terminal: closed at any moment of its start-up, on a
library big enough that the first load takes about a second, it is gone within 5 s,
worker processes included.

The dashboard runs as a session leader on a real pty that is its controlling terminal,
as under sshd or tmux: closing the pty's leader end is what a dropped SSH session does,
and the kernel then sends SIGHUP and SIGCONT to the session leader (the test sends SIGHUP
to the whole session too, as a shell passes it on to its jobs). Before the fix Textual's
driver restarted itself on that SIGCONT and its writer thread died on the gone terminal,
so the quit hung in `App._shutdown` for ever, deaf to SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediatop.scan import scan_root
from mediatop.store import connect
from pty_support import read_drawn

FOLDERS = 1_000
FILES_PER_FOLDER = 100  # 100,000 files: the first load takes about a second
EXTENSIONS = ("jpg", "png", "mp4", "pdf", "mp3")
GONE_WITHIN_S = 5.0
# Each kind has 100,000 / 5 = 20,000 files: the Storage Overview shows this count once
# the first load is done.
LOADED_MARK = b"20,000"


@pytest.fixture(scope="module")
def scanned_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(root, store): 100,000 small files, scanned but not probed, so that every case's
    dashboard, opened on a fresh copy of the store, goes on to probe them in worker
    processes."""
    base = tmp_path_factory.mktemp("hangup")
    root = base / "media"
    for folder in range(FOLDERS):
        directory = root / "uploads" / "2024" / f"{folder:04d}"
        directory.mkdir(parents=True)
        for number in range(FILES_PER_FOLDER):
            extension = EXTENSIONS[number % len(EXTENSIONS)]
            fd = os.open(directory / f"f{number}.{extension}", os.O_WRONLY | os.O_CREAT, 0o644)
            os.write(fd, b"x" * (number + 1))
            os.close(fd)
    store = base / "scanned.sqlite3"
    conn = connect(store)
    try:
        scan_root(conn, root, probe=False)
    finally:
        conn.close()
    yield root, store


def _session_processes(session: int) -> list[int]:
    """Processes of `session` still alive (zombies are gone: they only wait to be reaped)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...: comm may hold spaces, so split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def _open_dashboard(root: Path, store: Path) -> tuple[int, int]:
    """Start `mediatop ROOT` as a session leader on a new pty (its controlling terminal);
    (pid, leader fd)."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    pid, leader = pty.fork()
    if pid == 0:  # the child: exec at once, nothing else
        os.execve(
            sys.executable, [sys.executable, "-m", "mediatop", str(root), "--db", str(store)], env
        )
    return pid, leader


def _exited_within(pid: int, seconds: float, leader: int | None) -> int | None:
    """The wait status of `pid` if it exits within `seconds`, else None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if leader is not None:
            read_drawn(leader, 0.05)
        else:
            time.sleep(0.05)
    return None


def _stop_and_wait(pid: int, leader: int, how: str) -> None:
    """Hang the terminal up (which closes `leader`) or send SIGTERM, and assert that the
    app is gone within GONE_WITHIN_S."""
    if how == "hang-up":
        os.close(leader)  # the SSH session drops: the kernel hangs the terminal up
        os.killpg(pid, signal.SIGHUP)
    else:
        os.kill(pid, signal.SIGTERM)
    status = _exited_within(pid, GONE_WITHIN_S, None if how == "hang-up" else leader)
    assert status is not None, f"still running {GONE_WITHIN_S} s after the {how}"


def _session_gone_within(pid: int, seconds: float) -> bool:
    """Whether every process of the app's session is gone within `seconds` of its own
    exit: workers die with their parent, but the kernel tells them a moment later."""
    deadline = time.monotonic() + seconds
    while _session_processes(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _session_processes(pid)


def _clean_up(pid: int, leader: int | None) -> None:
    """Whatever the outcome, leave nothing running (a failed case kills what is left)."""
    for straggler in _session_processes(pid):
        os.kill(straggler, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    if leader is not None:
        os.close(leader)


MOMENTS = [0.2, 0.6, 1.0, 2.0, "loaded"]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("how", ["hang-up", "terminate"])
def test_the_dashboard_is_gone_within_5_s_of_losing_its_terminal_or_a_sigterm(
    scanned_library: tuple[Path, Path], tmp_path: Path, how: str, moment: float | str
) -> None:
    root, scanned = scanned_library
    store = tmp_path / "store.sqlite3"
    shutil.copyfile(scanned, store)
    pid, leader = _open_dashboard(root, store)
    leader_open = True
    try:
        if moment == "loaded":
            drawn = read_drawn(leader, 60, LOADED_MARK)
            assert LOADED_MARK in drawn, drawn[-2000:]
        else:
            assert isinstance(moment, float)
            drawn = read_drawn(leader, moment)
        workers = [p for p in _session_processes(pid) if p != pid]
        leader_open = how != "hang-up"  # a hang-up closes it
        _stop_and_wait(pid, leader, how)
        if leader_open:
            drawn += read_drawn(leader, 0.2)
            assert b"Traceback" not in drawn, drawn[-2000:]
        # Its workers (probe processes) go with it.
        assert _session_gone_within(pid, 1.0), (workers, _session_processes(pid))
    finally:
        _clean_up(pid, leader if leader_open else None)


@pytest.mark.parametrize("how", ["hang-up", "terminate"])
def test_the_demo_stopped_while_it_is_prepared_removes_its_folder(tmp_path: Path, how: str) -> None:
    """Before the fix a SIGHUP or SIGTERM during the demo's preparation (copy, scan,
    probes, demo traffic: a few seconds) killed it outright, leaving its copy behind."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color", "COLUMNS": "120"}
    pid, leader = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "mediatop", "demo"], env)
    leader_open = True
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("mediatop-demo-*/media")) and time.monotonic() < deadline:
            read_drawn(leader, 0.05)
        assert list(tmp_path.glob("mediatop-demo-*/media"))  # the copy is being made
        leader_open = how != "hang-up"  # a hang-up closes it
        _stop_and_wait(pid, leader, how)
        assert not list(tmp_path.glob("mediatop-demo-*"))
        assert _session_gone_within(pid, 1.0), _session_processes(pid)
    finally:
        _clean_up(pid, leader if leader_open else None)
