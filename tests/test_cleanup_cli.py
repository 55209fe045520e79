"""`mediatop cleanup` as a user runs it: a SIGKILL mid-apply is undone whole, purge and
apply refuse without a confirmation, read-only refuses every command that changes
files, a quarantine on another file system is a verified copy, and the growth figures
count a quarantined file as deleted only once it is purged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cleanup_support import scanned_library, snapshot
from mediatop.library import MediaLibrary
from mediatop.timerange import parse_range

FILES = {f"2019/d{n // 100:02}/f{n:05}.jpg".encode(): b"%05d" % n * 20 for n in range(12)}


def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "mediatop", *args], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120,
    )  # fmt: skip


def _plan(library: MediaLibrary, tmp_path: Path) -> Path:
    root, db = str(library.settings.root), str(library.settings.db_path)
    done = _run(
        "cleanup", "plan", root, "--db", db, "--risk", "medium", "-o", str(tmp_path / "p.json")
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "p.json"


def test_sigkill_part_way_through_apply_then_undo_all_restores_every_file(tmp_path: Path) -> None:
    files = {f"2019/d{n // 100:03}/f{n:05}.jpg".encode(): b"%05d" % n * 20 for n in range(6000)}
    library = scanned_library(tmp_path, files)
    before = snapshot(library.settings.root)
    plan = _plan(library, tmp_path)
    entries = json.loads(plan.read_text())["files"]
    first = (
        library.quarantine_folder() / json.loads(plan.read_text())["planId"] / entries[0]["path"]
    )
    db = str(library.settings.db_path)
    applying = subprocess.Popen(
        [sys.executable, "-m", "mediatop", "cleanup", "apply", str(plan), "--db", db, "--yes"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not first.exists() and applying.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    applying.send_signal(signal.SIGKILL)
    applying.wait()
    left = snapshot(library.settings.root)
    assert 0 < len(left) < 6000, "killed part-way: some files moved, some not"

    done = _run("cleanup", "undo", str(library.settings.root), "--all", "--db", db)
    assert done.returncode == 0, done.stderr
    assert snapshot(library.settings.root) == before
    assert _run("cleanup", "list", str(library.settings.root), "--db", db).stdout == ""


def test_apply_and_purge_refuse_without_yes_and_without_a_terminal(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan, db, root = _plan(library, tmp_path), str(library.settings.db_path), library.settings.root
    refused = _run("cleanup", "apply", str(plan), "--db", db)
    assert refused.returncode == 2 and "pass --yes" in refused.stderr
    assert len(snapshot(root)) == 12
    assert _run("cleanup", "apply", str(plan), "--db", db, "--yes").returncode == 0
    refused = _run("cleanup", "purge", str(root), "--db", db, "--older-than", "0d")
    assert refused.returncode == 2 and "pass --yes" in refused.stderr
    assert len(snapshot(library.quarantine_folder())) == 12  # nothing deleted
    purged = _run("cleanup", "purge", str(root), "--db", db, "--older-than", "0d", "--yes")
    assert purged.returncode == 0 and purged.stdout.startswith("12 file(s) deleted for good")
    assert snapshot(library.quarantine_folder()) == {}


def test_a_quarantined_file_is_not_deleted_in_the_growth_figures_until_purged(
    tmp_path: Path,
) -> None:
    library = scanned_library(tmp_path, FILES)

    def overview() -> tuple[int, int]:
        now = datetime.now(UTC)
        data = library.report_data("overview", parse_range("30d", now=now), now=now)
        return data["totalFiles"], data["deletedThisMonth"]

    assert overview() == (12, 0)
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    assert overview() == (0, 0)  # gone from the library, not deleted
    library.undo_cleanup(plan.plan_id)
    assert overview() == (12, 0)  # back
    library.apply_plan(library.plan_cleanup(max_risk="medium"))
    library.purge_quarantine(0)
    assert overview() == (0, 12)  # deleted for good this month


@pytest.mark.parametrize("how", ["flag", "env", "toml"])
def test_read_only_refuses_every_command_that_changes_files(tmp_path: Path, how: str) -> None:
    library = scanned_library(tmp_path, FILES)
    plan, db, root = _plan(library, tmp_path), str(library.settings.db_path), library.settings.root
    flag = ["--readonly"] if how == "flag" else []
    env = {"MEDIATOP_READONLY": "1"} if how == "env" else {}
    if how == "toml":
        (tmp_path / "mediatop.toml").write_text("readonly = true\n")
    commands = [
        ["cleanup", "apply", str(plan), "--db", db, "--yes"],
        ["optimize", "apply", str(plan), "--db", db, "--yes"],
        ["cleanup", "undo", str(root), "--all", "--db", db],
        ["cleanup", "purge", str(root), "--db", db, "--older-than", "0d", "--yes"],
    ]
    for command in commands:
        done = _run(*command, *flag, cwd=tmp_path, env=env)
        assert done.returncode == 1, (command, done.stderr)
        assert done.stderr.startswith("mediatop: mediatop is read-only ("), done.stderr
        assert done.stderr.count("\n") == 1  # one line, no traceback
    assert len(snapshot(root)) == 12


def test_a_quarantine_on_another_file_system_is_a_verified_copy(tmp_path: Path) -> None:
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system to put the store on")
    store = other / f"mediatop-test-{os.getpid()}-{time.monotonic_ns()}"
    store.mkdir()
    try:
        library = scanned_library(tmp_path, FILES, db=store / "store.sqlite3")
        before = snapshot(library.settings.root)
        plan = library.plan_cleanup(max_risk="medium")
        result = library.apply_plan(plan)
        assert (result.moved, result.skipped) == (12, ())
        assert snapshot(Path(os.fsdecode(result.quarantine))) == before  # bytes and mtimes
        assert snapshot(library.settings.root) == {}
        assert library.undo_cleanup(None).restored == 12
        assert snapshot(library.settings.root) == before
    finally:
        subprocess.run(["rm", "-rf", str(store)], check=True)


def test_show_prints_hostile_names_as_plain_escaped_text(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, {b"2019/\x1b[31mred\xff.jpg": b"x" * 10})
    plan = _plan(library, tmp_path)
    # the plan file is JSON a strict reader (PHP) takes: no lone surrogate escapes, the
    # name readable with U+FFFD and its exact bytes percent-encoded beside it
    entry = json.loads(plan.read_bytes().decode("utf-8", "strict"))["files"][0]
    assert "\\ud" not in plan.read_text()
    assert (entry["path"], entry["pathBytes"]) == ("2019/\x1b[31mred\ufffd.jpg",
                                                  "2019/%1B%5B31mred%FF.jpg")  # fmt: skip
    shown = _run("cleanup", "show", str(plan))
    assert shown.returncode == 0
    assert "  2019/\\x1b[31mred\\xff.jpg  10 Bytes  unused, risk medium" in shown.stdout
    assert "\x1b" not in shown.stdout


def test_plan_prints_json_and_duplicates_alone_plans_the_copies_alone(tmp_path: Path) -> None:
    files = {b"a/one.jpg": b"same" * 50, b"b/two.jpg": b"same" * 50, b"c/other.jpg": b"o" * 70}
    library = scanned_library(tmp_path, files)
    root, db = str(library.settings.root), str(library.settings.db_path)
    both = json.loads(_run("cleanup", "plan", root, "--db", db, "--risk", "medium").stdout)
    # all three are old and unused (medium: no log); 200 + 200 + 70 bytes
    assert (both["fileCount"], both["totalBytes"]) == (3, 470)
    copies = json.loads(_run("cleanup", "plan", root, "--db", db, "--duplicates").stdout)
    # one of the two equal files goes (a tie keeps the lowest id); its risk is low
    assert [(f["reason"], f["size"], f["risk"]) for f in copies["files"]] == [
        ("duplicate", 200, "low")
    ]
    assert copies["criteria"]["unusedDays"] is None


def test_list_shows_the_newest_plan_first(tmp_path: Path) -> None:
    files = {b"old/a.jpg": b"A" * 3000, b"new/b.jpg": b"B" * 1000}
    library = scanned_library(tmp_path, files)
    older = library.plan_cleanup(max_risk="medium", min_size=2000,
                                 now=datetime(2025, 3, 1, 10, tzinfo=UTC))  # fmt: skip
    library.apply_plan(older)  # a.jpg
    newer = library.plan_cleanup(max_risk="medium", now=datetime(2025, 3, 2, 10, tzinfo=UTC))
    library.apply_plan(newer)  # b.jpg, all that is left
    # applied in that order, in the same second or not: the newer plan is listed first
    assert (older.plan_id[:15], newer.plan_id[:15]) == ("20250301T100000", "20250302T100000")
    root, db = str(library.settings.root), str(library.settings.db_path)
    listed = json.loads(_run("cleanup", "list", root, "--db", db, "--json").stdout)
    assert [(p["planId"], p["files"], p["bytes"]) for p in listed] == [
        (newer.plan_id, 1, 1000), (older.plan_id, 1, 3000)
    ]  # fmt: skip
    lines = _run("cleanup", "list", root, "--db", db).stdout.splitlines()
    assert [line.split()[0] for line in lines] == [newer.plan_id, older.plan_id]
