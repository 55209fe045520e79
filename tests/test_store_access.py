"""A store that can be read is read; one that cannot be written says which file or folder
is at fault and what to do; an empty (0-byte) store file is a new store when writable.

The permission tests take write access away for real: run by an ordinary user, the
store's folder is made read-only (0555); run as root, whom permission bits do not
stop, the command runs as `nobody` in a folder owned by root (0755). The dashboard's
read-only mode is also driven directly (as any user) through `build_app(read_only=...)`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediatop.config import Settings
from mediatop.store import SCHEMA_VERSION, connect
from mediatop.tui.screens.dashboard import DashboardScreen
from mediatop.tui.widgets.status_line import StatusLine
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import (
    dashboard_app,
    image_bytes,
    rendered_text,
    wait_for_dashboard,
    write_file,
)

NOBODY = 65534
AS_ROOT = os.geteuid() == 0


def _mediatop(*args: str, cwd: Path, locked_out: bool = False) -> subprocess.CompletedProcess[str]:
    """The real CLI; `locked_out`: as a user who cannot write `cwd` (see the docstring)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATOP_")}
    env.update(HOME=str(cwd), XDG_CONFIG_HOME=str(cwd / "config"))
    command = [sys.executable, "-m", "mediatop", *args]
    if locked_out and AS_ROOT:
        # setpriv rather than subprocess's user=: it drops root the same way, and here
        # it also reaches an interpreter that user= could not exec.
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside pytest's private (0700) tree, so `nobody` can reach it as root."""
    folder = Path(tempfile.mkdtemp(prefix="mediatop-access-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.fixture
def locked_library(shared_folder: Path) -> tuple[Path, Path]:
    """A media folder of one 64×48 PNG, scanned into store.sqlite3 beside it; then the
    folder is closed to writes for the user `_mediatop(locked_out=True)` runs as."""
    root = shared_folder / "media"
    write_file(root, b"one.png", image_bytes(64, 48, "PNG", (10, 20, 30)))
    db = shared_folder / "store.sqlite3"
    result = _mediatop("scan", str(root), "--db", str(db), "--quiet", cwd=shared_folder)
    assert result.returncode == 0, result.stderr
    if AS_ROOT:
        probe = (
            _mediatop("--version", cwd=shared_folder, locked_out=True)
            if shutil.which("setpriv")
            else None
        )
        if probe is None or probe.returncode != 0:
            pytest.skip(f"running as root, and cannot run {sys.executable} as `nobody`")
    else:
        shared_folder.chmod(0o555)
    return root, db


def test_a_report_reads_a_store_in_a_folder_it_cannot_write(
    locked_library: tuple[Path, Path],
) -> None:
    root, db = locked_library
    before = db.read_bytes()
    result = _mediatop(
        "report", "overview", str(root), "--db", str(db), "--json",
        cwd=db.parent, locked_out=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # One PNG was written and scanned: 1 file.
    assert json.loads(result.stdout)["totalFiles"] == 1
    (note,) = result.stderr.splitlines()
    assert "read-only" in note and "nothing can be recorded" in note
    assert str(db.parent) in note  # the file (as root) or the folder (0555) at fault
    assert "move it aside" not in note
    assert db.read_bytes() == before


def test_a_scan_into_a_store_it_cannot_write_names_what_and_what_to_do(
    locked_library: tuple[Path, Path],
) -> None:
    root, db = locked_library
    before = db.read_bytes()
    result = _mediatop(
        "scan", str(root), "--db", str(db), "--quiet", cwd=db.parent, locked_out=True
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"mediatop: cannot write the store {db}: the ")
    assert str(db.parent) in line and "user who may write" in line
    assert "move it aside" not in line and "Traceback" not in result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("command", ["report", "scan"])
def test_an_empty_store_file_that_cannot_be_written_is_called_empty(
    locked_library: tuple[Path, Path], command: str
) -> None:
    root, db = locked_library
    empty = db.parent / "empty.sqlite3"
    db.parent.chmod(0o755)
    empty.write_bytes(b"")
    if not AS_ROOT:
        db.parent.chmod(0o555)
    args = ("report", "overview") if command == "report" else ("scan",)
    result = _mediatop(*args, str(root), "--db", str(empty), cwd=db.parent, locked_out=True)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "is an empty file (0 bytes), not a mediatop store yet" in line
    assert "readonly database" not in line and "move it aside" not in line
    assert empty.stat().st_size == 0


@pytest.mark.parametrize("command", ["report", "scan"])
def test_an_empty_store_file_that_can_be_written_becomes_a_new_store(
    tmp_path: Path, command: str
) -> None:
    root = tmp_path / "media"
    write_file(root, b"one.png", image_bytes(64, 48, "PNG", (10, 20, 30)))
    db = tmp_path / "empty.sqlite3"
    db.write_bytes(b"")
    if command == "scan":
        result = _mediatop("scan", str(root), "--db", str(db), "--quiet", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    report = _mediatop("report", "overview", str(root), "--db", str(db), "--json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert report.stderr == ""
    # Scanned, the store holds the one PNG; only read, it is a new, empty store.
    assert json.loads(report.stdout)["totalFiles"] == (1 if command == "scan" else 0)
    conn = connect(db, readonly=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


async def test_a_read_only_dashboard_shows_the_store_and_records_nothing(
    tmp_path: Path, snapshot_library: Settings
) -> None:
    """The read-only path taken explicitly, so that it runs as root too: no start-up scan
    (a file added since the last scan stays unseen), no savings measured, no folder
    watch; the store watch reads through a read-only connection."""
    settings = snapshot_library  # 7 files
    root = settings.root
    write_file(root, b"added-later.png", image_bytes(32, 32, "PNG", (1, 2, 3)))
    before = settings.db_path.read_bytes()
    why = f"the folder {tmp_path} is not writable for tester"
    app = dashboard_app(settings, watch=True, scan_on_start=True, read_only=why)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        data = app.screen.query_one(StorageOverview).data
        assert data is not None and data.overview.total_files == 7  # not 8: no scan ran
        status = rendered_text(app.screen.query_one(StatusLine).content)
        assert status.startswith("Read-only store: nothing can be recorded")
        assert why in status
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert not (screen.scan_on_start or screen.measuring)
        await pilot.press("q")
    # Every connection is closed now, so a write would have reached the file.
    assert settings.db_path.read_bytes() == before
