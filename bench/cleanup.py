"""Cleanup apply against `mv`: a plan of N files moved into the quarantine, journal included.

    python bench/cleanup.py [N]        (default 10000)

Builds a tree of N small old files (N / 100 folders), scans it (probes off) and plans
them all (`mediatop cleanup plan ROOT --risk medium`). Then, in the same run, best of 3:
  - `mediatop cleanup apply PLAN --yes`, the whole command a user runs (start-up, the
    checks of every file, the moves through directory descriptors and the journal
    before and after each batch); the files are put back (`cleanup undo`, not timed)
    and planned again between runs;
  - the reference: an identical tree moved with `find . -type f -print0 | xargs -0 mv
    -t DEST`, all files given to one `xargs mv`.
Target: apply <= 5x that mv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from user_shell import as_a_user

TARGET = 5.0
REPEATS = 3
OLD_NS = 1_577_836_800 * 10**9  # 2020-01-01: every file looks unused


def build_tree(root: Path, count: int) -> None:
    for index in range(count):
        folder = root / "2019" / f"{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"file-{index}.jpg"
        path.write_bytes(b"x" * (100 + index % 300))
        os.utime(path, ns=(OLD_NS, OLD_NS))


def mediatop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mediatop", *args], capture_output=True, text=True, check=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def time_mv(workdir: Path, count: int) -> tuple[float, int]:
    """One `xargs mv` of an identical tree, on a warm cache: (seconds, mv processes)."""
    tree, dest = workdir / "mv-tree", workdir / "mv-dest"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    build_tree(tree, count)
    dest.mkdir()
    subprocess.run(["find", ".", "-type", "f"], cwd=tree, capture_output=True, check=True)
    started = time.perf_counter()
    subprocess.run(
        f"find . -type f -print0 | xargs -0 --verbose mv -t {dest} 2>{workdir / 'mv.log'}",
        shell=True, cwd=tree, check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    runs = sum(1 for line in (workdir / "mv.log").read_text().splitlines() if line.startswith("mv"))
    return elapsed, runs


def time_apply(root: Path, db: Path, plan: Path) -> float:
    mediatop("cleanup", "plan", str(root), "--db", str(db), "--risk", "medium", "-o", str(plan))
    started = time.perf_counter()
    mediatop("cleanup", "apply", str(plan), "--db", str(db), "--yes")
    elapsed = time.perf_counter() - started
    mediatop("cleanup", "undo", str(root), "--all", "--db", str(db))
    return elapsed


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    workdir = Path(tempfile.mkdtemp(prefix="mediatop-bench-cleanup-"))
    try:
        root, db, plan = workdir / "uploads", workdir / "store.sqlite3", workdir / "plan.json"
        print(f"building and scanning {count:,} files…", file=sys.stderr)
        build_tree(root, count)
        mediatop("scan", str(root), "--db", str(db), "--no-probe", "--quiet")
        apply_s = min(time_apply(root, db, plan) for _ in range(REPEATS))
        mv_runs = [time_mv(workdir, count) for _ in range(REPEATS)]
        mv_s, mv_processes = min(mv_runs)
        moved = len(list((db.parent / (db.name + ".quarantine")).glob("*")))
        ratio = apply_s / mv_s
        mark = "✓" if ratio <= TARGET else "✗"
        print(f"files: {count:,} in {count // 100:,} folders (plans applied: {moved})")
        print(f"find | xargs mv (reference, {mv_processes} mv process(es)): {mv_s:.3f} s")
        print(f"mediatop cleanup apply PLAN --yes: {apply_s:.3f} s  "
              f"({ratio:.2f}x mv; target <= {TARGET}x {mark})")  # fmt: skip
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    as_a_user()
    raise SystemExit(main())
