"""Benchmark: `mediatop store copy` of a 1,000,000-event store, and its reports.

Builds a store as a user does (scan of the sample library, ingest of a generated
1,000,000-line combined log: bench/ingest.py's generator), then times, each as its own
process: `mediatop store copy SRC DST` (start-up included) and, as the reference in the
same run, SQLite's own copy of the same file (`VACUUM INTO`, page by page, in a
`python -c` of its own), each the best of two. Prints both, the ratio, rows/s, and
whether every `mediatop report NAME ROOT --range all --json` reads the same from the
copy (✓/✗). Target: identical reports (issue 19). The time has no target: the ratio
shows a row-by-row copy through the store's connection (what a copy into another
backend must be) against SQLite copying its own pages, for scale.

Then the round trip through PostgreSQL: a server of its own in the work folder
(bench/pg_bench_server.py: durable settings, loopback), `mediatop store copy SRC
postgresql://...` and `mediatop store copy postgresql://... BACK.sqlite3`, each timed
once as its whole command, with rows/s, and every report compared on the PostgreSQL
store and on the copy back against the source's (✓/✗; skip it with --no-postgres).

    .venv/bin/python bench/store_copy.py [--lines 1000000] [--root sample_media] [--keep]
        [--no-postgres]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import generate, log_bench_parser, report_and_clean_up
from pg_bench_server import KeptServer
from user_shell import as_a_user

REPORT_NAMES = ("overview", "usage", "performance", "images", "videos", "documents", "audio",
                "duplicates", "optimization", "insights", "misses", "media")  # fmt: skip


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def reports(root: Path, db: Path | str) -> dict[str, object]:
    """Every report as `mediatop report NAME ROOT --range all --json` prints it."""
    printed = {}
    for name in REPORT_NAMES:
        out = subprocess.run(
            [sys.executable, "-m", "mediatop", "report", name, str(root), "--db", str(db),
             "--range", "all", "--json"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        printed[name] = json.loads(out)
    return printed


def build_store(root: Path, work: Path, lines: int) -> Path:
    log = work / "access.log"
    generate(root, log, lines)
    db = work / "source.sqlite3"
    mediatop = [sys.executable, "-m", "mediatop"]
    subprocess.run([*mediatop, "scan", str(root), "--db", str(db), "--quiet", "--no-probe"],
                   check=True)  # fmt: skip
    subprocess.run([*mediatop, "ingest", str(root), str(log), "--db", str(db), "--json"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return db


def round_trip(root: Path, work: Path, source: Path, rows: int) -> dict[str, object]:
    """SQLite -> PostgreSQL -> SQLite: each copy's time and rows/s, and whether every
    report reads the same on the PostgreSQL store and on the copy back."""
    work.chmod(0o755)  # mkdtemp's 0700 would keep out the server's user (`nobody`)
    server = KeptServer(work / "postgres").start()
    try:
        url = server.fresh_database("copied")
        back = work / "back.sqlite3"
        mediatop = [sys.executable, "-m", "mediatop", "store", "copy"]
        there = timed([*mediatop, str(source), url, "--quiet"])
        again = timed([*mediatop, url, str(back), "--quiet"])
        original = reports(root, source)
        on_server, came_back = reports(root, url) == original, reports(root, back) == original
    finally:
        server.stop()
    return {
        "to_postgresql_s": round(there, 2),
        "to_postgresql_rows_per_s": round(rows / there),
        "back_to_sqlite_s": round(again, 2),
        "back_to_sqlite_rows_per_s": round(rows / again),
        "identical_reports_on_postgresql": "✓" if on_server else "✗ (target: identical)",
        "identical_reports_back_in_sqlite": "✓" if came_back else "✗ (target: identical)",
    }


def main() -> None:
    parser = log_bench_parser(__doc__)
    parser.add_argument("--no-postgres", action="store_true", help="no round trip")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mediatop-bench-copy-"))
    started = time.perf_counter()
    source = build_store(args.root, work, args.lines)
    print(f"built a {args.lines:,}-line store in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)  # fmt: skip
    ours = theirs = float("inf")
    for attempt in (1, 2):
        copy, reference = work / f"copy-{attempt}.sqlite3", work / f"vacuumed-{attempt}.sqlite3"
        ours = min(ours, timed([sys.executable, "-m", "mediatop", "store", "copy", str(source),
                                str(copy), "--quiet"]))  # fmt: skip
        theirs = min(theirs, timed([sys.executable, "-c", "import sqlite3, sys; sqlite3.connect("
                                    "sys.argv[1]).execute('VACUUM INTO ?', (sys.argv[2],))",
                                    str(source), str(reference)]))  # fmt: skip
    import sqlite3

    conn = sqlite3.connect(copy)
    tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite%'")]  # fmt: skip
    rows = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    events = conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
    conn.close()
    same = reports(args.root, source) == reports(args.root, copy)
    result = {
        "events": events,
        "rows": rows,
        "store_mb": round(source.stat().st_size / 2**20, 1),
        "mediatop_store_copy_s": round(ours, 2),
        "rows_per_s": round(rows / ours),
        "sqlite_vacuum_into_s": round(theirs, 2),
        "ratio": round(ours / theirs, 2),
        "identical_reports": "✓" if same else "✗ (target: identical)",
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    if not args.no_postgres:
        result.update(round_trip(args.root, work, source, rows))
    report_and_clean_up(result, work, args.keep)


if __name__ == "__main__":
    as_a_user()
    main()
