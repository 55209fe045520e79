"""Scan speed against `du -s`: first scan and no-change rescan of an N-file tree.

    python bench/scan_walk.py [N]        (default 100000)

Builds a CMS-like tree of N small files (YYYY/MM folders, ~1,000 files a folder) in a
temporary folder, then measures in one run, on a warm cache:
  - `du -s` (the reference: a compiled walk that stats every file),
  - mediatop's first scan (walk + stat + store, probes off), in-process,
  - mediatop's no-change rescan, in-process, and how many files it would open (new or
    changed files are the ones a probing scan opens; must be 0).
Targets: first scan <= 2.0x du, rescan <= 1.5x du. Each timing is the best of 3.

Then what a user runs (issue 15's P1 and P2), whole processes with default flags, on N
small `.txt` files in N / 100 folders:
  - P1: `mediatop scan ROOT --db DB` on a new store against `gdu -n -o FILE ROOT` (a
    parallel walker that writes its whole result out; installed from Debian when
    missing): target <= 2.0x gdu,
  - P2: the same command again, nothing changed, against `du -s`: target <= 1.5x du.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from user_shell import as_a_user

from mediatop.scan import scan_root
from mediatop.store import connect

P1_TARGET = 2.0  # x gdu
P2_TARGET = 1.5  # x du
FIRST_SCAN_TARGET = 2.0
RESCAN_TARGET = 1.5
REPEATS = 3


def build_tree(root: Path, count: int) -> None:
    per_folder = 1000
    for index in range(count):
        batch = index // per_folder
        folder = root / f"batch-{batch // 120}" / str(2015 + batch % 10) / f"{batch % 12 + 1:02d}"
        if index % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        extension = (".jpg", ".png", ".mp4", ".pdf", ".mp3")[index % 5]
        (folder / f"file-{index}{extension}").write_bytes(b"x" * (index % 300))


def best_of(run) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def time_du(root: Path) -> float:
    """`du -s` of the tree on a warm cache, best of REPEATS: the reference."""
    subprocess.run(["du", "-s", str(root)], capture_output=True, check=True)  # warm cache
    return best_of(lambda: subprocess.run(["du", "-s", str(root)], capture_output=True, check=True))


@contextmanager
def bench_tree(prefix: str) -> Iterator[tuple[Path, Path, int, float]]:
    """The tree of `argv[1]` files (default 100000) in a temporary folder, removed after:
    (that folder, the tree's root, the file count, `du -s` of it in seconds)."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        root = workdir / "uploads"
        print(f"building {count:,} files…", file=sys.stderr)
        build_tree(root, count)
        yield workdir, root, count, time_du(root)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ensure_gdu() -> str:
    found = shutil.which("gdu")
    if not found:
        subprocess.run(["apt-get", "install", "-y", "gdu"], check=True, capture_output=True)
        found = shutil.which("gdu")
    if not found:
        sys.exit("gdu is not installed and could not be installed")
    return found


def build_text_tree(root: Path, count: int) -> None:
    """`count` small `.txt` files, 100 a folder: files with nothing to probe."""
    for index in range(count):
        folder = root / f"{index // 100:05d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"note-{index}.txt").write_bytes(b"x" * (index % 300))


def whole_process(workdir: Path, count: int) -> None:
    """P1 and P2: the commands a user runs, timed from the shell's side."""
    gdu = ensure_gdu()
    root = workdir / "texts"
    build_text_tree(root, count)
    run = lambda command: subprocess.run(command, capture_output=True, check=True)  # noqa: E731
    du_seconds = time_du(root)
    gdu_out = workdir / "gdu.json"
    run([gdu, "-n", "-o", str(gdu_out), str(root)])  # warm-up
    gdu_seconds = best_of(lambda: run([gdu, "-n", "-o", str(gdu_out), str(root)]))
    store = workdir / "texts.sqlite3"
    mediatop = [sys.executable, "-m", "mediatop", "scan", str(root), "--db", str(store)]

    def first_scan() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        run(mediatop)

    first_seconds = best_of(first_scan)
    rescan_seconds = best_of(lambda: run(mediatop))
    print(f"whole processes, default flags, {count:,} .txt files in {count // 100:,} folders")
    for label, seconds, reference, name, target in (
        ("gdu -n -o (reference)", gdu_seconds, gdu_seconds, "gdu", None),
        ("du -s (reference)", du_seconds, du_seconds, "du", None),
        ("P1 mediatop scan, first", first_seconds, gdu_seconds, "gdu", P1_TARGET),
        ("P2 mediatop scan, again", rescan_seconds, du_seconds, "du", P2_TARGET),
    ):
        ratio = seconds / reference
        verdict = f"target <= {target}x  {'PASS' if ratio <= target else 'FAIL'}" if target else ""
        print(f"{label:<28}{seconds:8.3f} s  {ratio:5.2f}x {name:<4}{verdict}")


def main() -> int:
    with bench_tree("mediatop-bench-scan-") as (workdir, root, count, du_seconds):

        def first_scan() -> None:
            store = workdir / "first.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
            conn = connect(store)
            summary = scan_root(conn, root, probe=False)
            conn.close()
            assert summary.new == count, summary

        first_seconds = best_of(first_scan)

        conn = connect(workdir / "rescan.sqlite3")
        scan_root(conn, root, probe=False)
        probed: list[int] = []

        def rescan() -> None:
            # Probes stay off as in the first scan (the tree's files are not real media);
            # a file a probing rescan would open is exactly one found new or changed.
            summary = scan_root(conn, root, probe=False)
            probed.append(summary.new + summary.changed)

        rescan_seconds = best_of(rescan)
        conn.close()

        rows = [
            ("du -s (reference)", du_seconds, None),
            ("mediatop first scan", first_seconds, FIRST_SCAN_TARGET),
            ("mediatop no-change rescan", rescan_seconds, RESCAN_TARGET),
        ]
        print(f"{count:,} files, best of {REPEATS}")
        for label, seconds, target in rows:
            ratio = seconds / du_seconds
            verdict = (
                f"target <= {target}x  {'PASS' if ratio <= target else 'FAIL'}" if target else ""
            )
            print(f"{label:<28}{seconds:8.3f} s  {ratio:5.2f}x du  {verdict}")
        opened = max(probed)
        verdict = "PASS" if opened == 0 else "FAIL"
        print(f"{'files opened on rescan':<28}{opened:8,}    target 0  {verdict}")
        whole_process(workdir, count)
    return 0


if __name__ == "__main__":
    as_a_user()
    sys.exit(main())
