"""Scan speed against `du -s`: first scan and no-change rescan of an N-file tree.

    python bench/scan_walk.py [N]        (default 100000)

Builds a CMS-like tree of N small files (YYYY/MM folders, ~1,000 files a folder) in a
temporary folder, then measures in one run, on a warm cache:
  - `du -s` (the reference: a compiled walk that stats every file),
  - mediatop's first scan (walk + stat + store, probes off), in-process,
  - mediatop's no-change rescan, in-process, and how many files it probed (must be 0),
  - for information, scandir-rs collecting the same tree.
Targets: first scan <= 2.0x du, rescan <= 1.5x du. Each timing is the best of 3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mediatop.scan import scan_root  # noqa: E402
from mediatop.store import connect  # noqa: E402

FIRST_SCAN_TARGET = 2.0
RESCAN_TARGET = 1.5
REPEATS = 3


def build_tree(root: Path, count: int) -> None:
    per_folder = 1000
    for index in range(count):
        folder = root / str(2015 + (index // per_folder) % 10) / f"{(index // per_folder) % 12 + 1:02d}"
        folder = folder / f"batch-{index // (per_folder * 120)}" if count > 120_000 else folder
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


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workdir = Path(tempfile.mkdtemp(prefix="mediatop-bench-scan-"))
    try:
        root = workdir / "uploads"
        print(f"building {count:,} files…", file=sys.stderr)
        build_tree(root, count)
        subprocess.run(["du", "-s", str(root)], capture_output=True, check=True)  # warm cache

        du_seconds = best_of(
            lambda: subprocess.run(["du", "-s", str(root)], capture_output=True, check=True)
        )

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
            summary = scan_root(conn, root, probe=True)
            probed.append(summary.probed + summary.new + summary.changed)

        rescan_seconds = best_of(rescan)
        conn.close()

        rust_seconds = None
        try:
            import scandir_rs

            rust_seconds = best_of(lambda: scandir_rs.Scandir(str(root)).collect())
        except ImportError:
            pass

        first_ratio = first_seconds / du_seconds
        rescan_ratio = rescan_seconds / du_seconds
        print(f"files                      {count:>10,}")
        print(f"du -s                      {du_seconds:>10.3f} s   (reference)")
        print(
            f"mediatop first scan        {first_seconds:>10.3f} s   ratio {first_ratio:5.2f}x"
            f"   target <= {FIRST_SCAN_TARGET}x   {'PASS' if first_ratio <= FIRST_SCAN_TARGET else 'FAIL'}"
        )
        print(
            f"mediatop no-change rescan  {rescan_seconds:>10.3f} s   ratio {rescan_ratio:5.2f}x"
            f"   target <= {RESCAN_TARGET}x   {'PASS' if rescan_ratio <= RESCAN_TARGET else 'FAIL'}"
        )
        print(f"files opened on rescan     {max(probed):>10,}   target 0   {'PASS' if max(probed) == 0 else 'FAIL'}")
        if rust_seconds is not None:
            print(f"scandir-rs collect (info)  {rust_seconds:>10.3f} s   ratio {rust_seconds / du_seconds:5.2f}x")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
