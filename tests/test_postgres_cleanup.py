"""Cleanup on a PostgreSQL store, as a user runs it: `mediatop cleanup plan`, `apply` and
`undo --all` with `--db postgresql://...`. The plans and their journal are rows of the
shared store; the quarantine is a folder on this machine, beside the root's default
store file (in the user's state directory), as the README says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cleanup_support import snapshot, write_tree

# Twelve old files of 100 bytes each, none used: every one is a low-risk candidate.
FILES = {f"2019/d{n // 6}/f{n:02}.jpg".encode(): b"%02d" % n * 50 for n in range(12)}


def _run(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mediatop", *args], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, env={**os.environ, "XDG_STATE_HOME": str(state)}, timeout=120,
    )  # fmt: skip


def test_plan_apply_and_undo_on_a_postgres_store(tmp_path: Path, pg_store_url: str) -> None:
    root, state, plan = tmp_path / "media", tmp_path / "state", tmp_path / "plan.json"
    write_tree(root, FILES)
    before = snapshot(root)
    db = ("--db", pg_store_url)
    assert _run(state, "scan", str(root), *db, "--no-probe").returncode == 0
    planned = _run(state, "cleanup", "plan", str(root), *db, "--risk", "medium", "-o", str(plan))
    assert planned.returncode == 0, planned.stderr
    entries = json.loads(plan.read_text())["files"]
    assert sorted(e["path"] for e in entries) == sorted(p.decode() for p in FILES)

    applied = _run(state, "cleanup", "apply", str(plan), *db, "--yes")
    assert applied.returncode == 0, applied.stderr
    assert snapshot(root) == {}  # all twelve moved out of the root...
    quarantined = [p for p in state.rglob("*.jpg") if p.is_file()]
    assert len(quarantined) == 12  # ...into the quarantine on this machine
    listed = _run(state, "cleanup", "list", str(root), *db)
    assert json.loads(plan.read_text())["planId"] in listed.stdout
    # The store counts them gone: the overview of the PostgreSQL store has no file left.
    overview = _run(state, "report", "overview", str(root), *db, "--json")
    assert json.loads(overview.stdout)["totalFiles"] == 0, overview.stdout

    undone = _run(state, "cleanup", "undo", str(root), "--all", *db)
    assert undone.returncode == 0, undone.stderr
    assert snapshot(root) == before  # every byte and mtime back
    assert _run(state, "cleanup", "list", str(root), *db).stdout == ""
    overview = _run(state, "report", "overview", str(root), *db, "--json")
    assert json.loads(overview.stdout)["totalFiles"] == 12
