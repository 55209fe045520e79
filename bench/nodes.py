"""Benchmark: three web nodes' logs ingested at once into one store, against one ingest.

Generates a 1,000,000-line combined log (bench/ingest.py's generator) and deals its
lines out to three nodes' logs (line n to node n mod 3: the same files in the same
hours, so their rollup rows collide). Times, each as whole commands: one
`mediatop ingest` of the whole log into a fresh store (the reference), then three
`mediatop ingest --node web-K` processes at once, one per node's log, into another
fresh store. Prints lines/s of each, the ratio, and whether the two stores hold the
same totals (raw events, requests and bytes per file: ✓/✗).

Issue 19's target, three ingesters together ≥ 1.2× one, is set for a store that locks
rows (PostgreSQL); a SQLite store takes one write lock for the whole store, so there
the writers take turns and only their parsing overlaps.

    .venv/bin/python bench/nodes.py [--lines 1000000] [--root sample_media] [--keep]
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import generate, log_bench_parser, report_and_clean_up
from user_shell import as_a_user

TARGET = 1.2
NODES = 3


def scanned_store(root: Path, db: Path) -> None:
    subprocess.run([sys.executable, "-m", "mediatop", "scan", str(root), "--db", str(db),
                    "--quiet", "--no-probe"], check=True)  # fmt: skip


def ingest_command(root: Path, db: Path, log: Path, node: str) -> list[str]:
    return [sys.executable, "-m", "mediatop", "ingest", str(root), str(log), "--db", str(db),
            "--node", node, "--json"]  # fmt: skip


def totals(db: Path) -> tuple[int, list[tuple[int, int, int]]]:
    conn = sqlite3.connect(db)
    try:
        events = conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
        per_file = conn.execute(
            "SELECT media_id, requests, bytes FROM file_totals ORDER BY media_id"
        ).fetchall()
        return events, per_file
    finally:
        conn.close()


def main() -> None:
    parser = log_bench_parser(__doc__)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mediatop-bench-nodes-"))
    whole = work / "access.log"
    generate(args.root, whole, args.lines)
    logs = [work / f"web-{k + 1}.log" for k in range(NODES)]
    handles = [log.open("w") for log in logs]
    with whole.open() as lines:
        for n, line in enumerate(lines):
            handles[n % NODES].write(line)
    for handle in handles:
        handle.close()
    one, three = work / "one.sqlite3", work / "three.sqlite3"
    scanned_store(args.root, one)
    scanned_store(args.root, three)
    started = time.perf_counter()
    subprocess.run(ingest_command(args.root, one, whole, "web-0"), check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    alone = time.perf_counter() - started
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            ingest_command(args.root, three, log, f"web-{k + 1}"), stdout=subprocess.DEVNULL
        )
        for k, log in enumerate(logs)
    ]
    codes = [process.wait() for process in running]
    together = time.perf_counter() - started
    ratio = alone / together
    result = {
        "lines": args.lines,
        "one_ingest_s": round(alone, 2),
        "one_lines_per_s": round(args.lines / alone),
        "three_at_once_s": round(together, 2),
        "three_lines_per_s": round(args.lines / together),
        "ratio": round(ratio, 2),
        "ratio_target": f"≥ {TARGET}× (for PostgreSQL) {'✓' if ratio >= TARGET else '✗'}",
        "exit_codes": codes,
        "same_totals": "✓" if totals(one) == totals(three) else "✗",
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    report_and_clean_up(result, work, args.keep)


if __name__ == "__main__":
    as_a_user()
    main()
