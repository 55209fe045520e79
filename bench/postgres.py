"""Benchmark: the PostgreSQL store against the SQLite one, the whole commands users run.

Starts a PostgreSQL server on loopback (the tests' tests/pg_server.py, with durable
writes back: fsync on; commits not waited for, as SQLite's WAL with synchronous=NORMAL),
generates a combined log for sample_media (bench/ingest.py's generator), then times:
`mediatop ingest` of it into a SQLite store and into a PostgreSQL store (lines/s each;
target: PostgreSQL >= 0.5x SQLite); three `mediatop ingest` at once into one PostgreSQL
store, each a third of the lines in its own log (target: >= 1.2x one ingester's
lines/s); then every `mediatop report NAME --json --range all` on the two stores, best
of 3 (targets: PostgreSQL <= 2x its SQLite time and <= 500 ms).

    .venv/bin/python bench/postgres.py [--lines 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from ingest import generate  # noqa: E402  (bench/ingest.py)

from pg_server import PgServer  # noqa: E402  (tests/pg_server.py)

REPORTS = ("overview", "usage", "performance", "images", "videos", "documents", "audio",
           "duplicates", "optimization", "insights", "misses", "media")  # fmt: skip
MEDIATOP = [sys.executable, "-m", "mediatop"]


def run(*args: str) -> float:
    """Seconds the command took; it must succeed."""
    started = time.perf_counter()
    subprocess.run([*MEDIATOP, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def concurrent(commands: list[list[str]]) -> float | str:
    """Seconds the commands took, run at once; what failed, if one did."""
    started = time.perf_counter()
    running = [
        subprocess.Popen([*MEDIATOP, *c], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for c in commands
    ]
    said = [p.communicate()[1].decode(errors="replace").strip() for p in running]
    failed = [text.splitlines()[-1] for p, text in zip(running, said, strict=True) if p.returncode]
    return (
        f"{len(failed)} of {len(commands)} failed: {failed[0]}"
        if failed
        else (time.perf_counter() - started)
    )


def best_of(args: list[str], repeat: int = 3) -> float:
    run(*args)  # warm-up: caches, and what a report measures once (hashes, savings)
    return min(run(*args) for _ in range(repeat)) * 1000


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--root", type=Path, default=HERE.parent / "sample_media")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mediatop-bench-pg-"))
    server = PgServer().start(fsync="on", full_page_writes="on", synchronous_commit="off")
    try:
        log = work / "access.log"
        generate(args.root, log, args.lines)
        thirds = [work / f"node-{n}.log" for n in range(3)]
        for n, part in enumerate(thirds):
            generate(args.root, part, args.lines // 3, seed=10 + n)
        sqlite_db = str(work / "store.sqlite3")
        with server.admin() as admin:
            for name in ("one", "three"):
                admin.execute(f"CREATE DATABASE {name}")
        one, three = server.url("one"), server.url("three")
        root = str(args.root)
        for db in (sqlite_db, one, three):
            run("scan", root, "--db", db, "--quiet")
        sqlite_s = run("ingest", root, str(log), "--db", sqlite_db)
        pg_s = run("ingest", root, str(log), "--db", one)
        together_s = concurrent([["ingest", root, str(p), "--db", three] for p in thirds])
        sqlite_rate, pg_rate = args.lines / sqlite_s, args.lines / pg_s
        print(f"ingest {args.lines:,} lines (whole command), load {os.getloadavg()[0]:.2f}")
        print(f"  SQLite                 {sqlite_rate:>10,.0f} lines/s")
        print(f"  PostgreSQL             {pg_rate:>10,.0f} lines/s  "
              f"{pg_rate / sqlite_rate:.2f}x SQLite {mark(pg_rate >= 0.5 * sqlite_rate)} "
              "(>= 0.5x)")  # fmt: skip
        if isinstance(together_s, str):
            print(f"  PostgreSQL, 3 at once  ✗ {together_s}")
        else:
            together_rate = 3 * (args.lines // 3) / together_s
            print(f"  PostgreSQL, 3 at once  {together_rate:>10,.0f} lines/s  "
                  f"{together_rate / pg_rate:.2f}x one {mark(together_rate >= 1.2 * pg_rate)} "
                  "(>= 1.2x)")  # fmt: skip
        print(f"every report on {args.lines:,} lines' events (ms, best of 3, whole command)")
        for name in REPORTS:
            asks = ["report", name, root, "--json", "--range", "all", "--db"]
            on_sqlite, on_pg = best_of([*asks, sqlite_db]), best_of([*asks, one])
            ok = on_pg <= 2 * on_sqlite and on_pg <= 500
            print(f"  {name:<13} SQLite {on_sqlite:7.0f}  PostgreSQL {on_pg:7.0f}  "
                  f"{on_pg / on_sqlite:.2f}x {mark(ok)} (<= 2x, <= 500 ms)")  # fmt: skip
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
