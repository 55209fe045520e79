"""Benchmark: the PostgreSQL store beside SQLite, ingest and every report (issue 19).

Starts a PostgreSQL server on 127.0.0.1 (bench/pg_bench_server.py: durable, fsync and
synchronous_commit on, its data folder kept under bench/.data/postgres/), then times the
whole commands a user runs, start-up included, with their default flags:

1. `mediatop ingest ROOT LOG --db X` of a 1,000,000-line combined log (bench/ingest.py's
   generator) into a new SQLite store and into a new PostgreSQL database (each scanned
   first, untimed, as bench/ingest.py does). Target: PostgreSQL >= 0.5x SQLite's lines/s.
2. Three `mediatop ingest` processes at once, each on its own log of a third of the lines
   (three web nodes' logs of the same 120 days: other seeds, same files), into one new
   PostgreSQL database; aggregate lines/s (all their lines over the wall time until the
   last one ends). Target: >= 1.2x the one PostgreSQL ingester of step 1. For steps 1
   and 2 it also prints the CPU seconds each run used, its processes' and the server's:
   a run cannot take less wall time than their sum over the machine's cores.
3. Every report at 10M events on each backend: the SQLite store is bench/report.py's
   (100k files, 10M events, built once through the real write path by its `build()`,
   cached under bench/.data/); the PostgreSQL one is made from it by `mediatop store copy
   SQLITE postgresql://...` (every table, row for row: the same store, so the same
   reports) into a database of the kept server, once, its time printed and kept in the
   server folder's marker file. For each report, the inner time as bench/report.py measures it (best
   of 3 after a warm-up, range 30d at its fixed NOW, savings and hashes from their
   caches) and the whole command `mediatop report NAME ROOT --db X --range 30d --json`
   (best of 3 after a warm-up; the `file` report on the most viewed file). Targets, each
   marked on both measures: on PostgreSQL <= 2x its SQLite time and <= 500 ms.

Building the PostgreSQL store through the write path would take over an hour at 10M
events (some 2,000 events/s on a busy 2-core machine); the copy takes minutes. `--events
N` times the reports on smaller stores; `--build-only` makes the two stores (and prints
the copy's time) without timing the reports.

    .venv/bin/python bench/postgres.py [--lines 1000000] [--events 10000000] [--rebuild]
        [--skip-ingest] [--skip-reports] [--build-only] [--server-folder DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from ingest import generate
from pg_bench_server import KeptServer
from report import (
    DATA,
    NOW,
    _best_command_ms,
    _best_ms,
    build,
    forget_failed_measurements,
    subject_flags,
    subjects,
)
from user_shell import as_a_user

from mediatop.scan import scan_root
from mediatop.store import connect

MEDIATOP = [sys.executable, "-m", "mediatop"]
INGEST_RATIO_TARGET = 0.5  # one PostgreSQL ingester / one SQLite ingester
CONCURRENT_RATIO_TARGET = 1.2  # three PostgreSQL ingesters together / one
CONCURRENT = 3
REPORT_RATIO_TARGET = 2.0  # PostgreSQL time / SQLite time, each report
REPORT_MS_TARGET = 500.0
FILES = 100_000


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def events_stored(store: Path | str) -> int:
    conn = connect(store, readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0])
    finally:
        conn.close()


def prepare(store: Path | str, root: Path) -> None:
    """A new store with the root scanned (untimed: the ingest is what is measured)."""
    conn = connect(store)
    try:
        scan_root(conn, root, probe=False)
    finally:
        conn.close()


def ingest_command(root: Path, log: Path, store: Path | str) -> list[str]:
    return [*MEDIATOP, "ingest", str(root), str(log), "--db", str(store)]


CPU_USED: list[tuple[str, float, float]] = []  # (what ran, its processes' CPU s, the server's)


def run_timed(
    commands: list[list[str]], server: KeptServer | None = None, label: str = ""
) -> tuple[float, int]:
    """Start every command at once: seconds until the last one has ended, and how many
    failed (their one-line messages go to stderr as they come). With `server`, the CPU
    time the commands and the server used is noted in CPU_USED under `label`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server.cpu_seconds() if server else 0.0
    started = time.perf_counter()
    running = [subprocess.Popen(c, stdout=subprocess.DEVNULL) for c in commands]
    codes = [p.wait() for p in running]
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU_USED.append((label, used, server.cpu_seconds() - server_before if server else 0.0))
    return seconds, sum(1 for code in codes if code != 0)


def bench_ingest(server: KeptServer, root: Path, lines: int) -> list[bool]:
    work = Path(tempfile.mkdtemp(prefix="mediatop-pgbench-"))
    try:
        log = work / "access.log"
        nodes = [work / f"node{n + 1}.log" for n in range(CONCURRENT)]
        started = time.perf_counter()
        generate(root, log, lines)
        for seed, node_log in enumerate(nodes, start=2):
            generate(root, node_log, lines // CONCURRENT, seed=seed)
        print(f"generated {lines:,} lines and {CONCURRENT} x {lines // CONCURRENT:,} in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        sqlite_store = work / "store.sqlite3"
        prepare(sqlite_store, root)
        sqlite_s, sqlite_failed = run_timed([ingest_command(root, log, sqlite_store)],
                                            server, "SQLite")  # fmt: skip
        one_url = server.fresh_database("bench_ingest_one")
        prepare(one_url, root)
        pg_s, pg_failed = run_timed([ingest_command(root, log, one_url)], server, "PostgreSQL")
        many_url = server.fresh_database("bench_ingest_three")
        prepare(many_url, root)
        many_s, many_failed = run_timed(
            [ingest_command(root, node_log, many_url) for node_log in nodes],
            server,
            f"PostgreSQL, {CONCURRENT} at once",
        )
        counts = (events_stored(sqlite_store), events_stored(one_url), events_stored(many_url))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sqlite_rate, pg_rate = lines / sqlite_s, lines / pg_s
    many_rate = CONCURRENT * (lines // CONCURRENT) / many_s
    one_ok = pg_rate >= INGEST_RATIO_TARGET * sqlite_rate and not (sqlite_failed or pg_failed)
    many_ok = many_rate >= CONCURRENT_RATIO_TARGET * pg_rate and not many_failed
    print(f"\ningest of {lines:,} lines, whole command (`mediatop ingest ROOT LOG --db X`)")
    print(f"  SQLite       {sqlite_s:7.1f} s  {sqlite_rate:9,.0f} lines/s  "
          f"{counts[0]:,} events stored")  # fmt: skip
    print(f"  PostgreSQL   {pg_s:7.1f} s  {pg_rate:9,.0f} lines/s  {counts[1]:,} events stored"
          f"   {pg_rate / sqlite_rate:4.2f}x SQLite  (target >= {INGEST_RATIO_TARGET}x) "
          f"{mark(one_ok)}")  # fmt: skip
    share = lines // CONCURRENT
    print(f"  PostgreSQL, {CONCURRENT} at once ({CONCURRENT} logs of {share:,} lines) "
          f"{many_s:7.1f} s  {many_rate:9,.0f} lines/s  {counts[2]:,} events stored"
          f"   {many_rate / pg_rate:4.2f}x one  (target >= {CONCURRENT_RATIO_TARGET}x) "
          f"{mark(many_ok)}")  # fmt: skip
    print_cpu(os.cpu_count() or 1)
    for label, failed in (("SQLite", sqlite_failed), ("PostgreSQL", pg_failed),
                          (f"PostgreSQL, {CONCURRENT} at once", many_failed)):  # fmt: skip
        if failed:
            print(f"  ✗ {label}: {failed} ingest(s) failed (exit status not 0; see stderr)")
    if counts[0] != counts[1]:
        print(f"  ✗ the same log stored {counts[0]:,} events in SQLite, {counts[1]:,} in "
              "PostgreSQL")  # fmt: skip
    return [one_ok, many_ok]


def print_cpu(cores: int) -> None:
    """The CPU each ingest used, its processes' and the server's: work that cannot take
    less wall time than its CPU seconds over the machine's cores."""
    print(f"  CPU used (ingest processes + PostgreSQL server; {cores} cores: the wall time "
          "is at least their sum / cores)")  # fmt: skip
    for label, ours, theirs in CPU_USED:
        print(f"    {label:24s} {ours:5.1f} s + {theirs:5.1f} s = {ours + theirs:5.1f} s"
              f"  (>= {(ours + theirs) / cores:4.1f} s of wall)")  # fmt: skip


def sqlite_report_store(root: Path, events: int, rebuild: bool) -> Path:
    """bench/report.py's cached store (built here as it builds it when missing)."""
    db = DATA / f"report-{FILES}-{events}.sqlite3"
    if rebuild or not db.exists():
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        print(f"building {db} ({FILES:,} files, {events:,} events)", file=sys.stderr)
        build(db, root, FILES, events)
    connect(db).close()  # a cached store gets the migrations added since it was built
    return db


def postgres_report_store(server: KeptServer, sqlite_db: Path, events: int, rebuild: bool) -> str:
    """The same store in a database of the kept server, made by `mediatop store copy` of
    the SQLite one (timed, as a user runs it); a marker file says the copy ran to its end."""
    name = f"report_{FILES}_{events}"
    ready = server.folder / f"report-{FILES}-{events}.ready"
    if rebuild or not ready.exists() or not server.has_database(name):
        ready.unlink(missing_ok=True)
        url = server.fresh_database(name)
        print(f"copying {sqlite_db} into {url}", file=sys.stderr)
        started = time.perf_counter()
        done = subprocess.run([*MEDIATOP, "store", "copy", str(sqlite_db), url, "--json"],
                              check=True, capture_output=True, text=True)  # fmt: skip
        seconds = time.perf_counter() - started
        rows = json.loads(done.stdout)["rows"]
        load = os.getloadavg()[0]
        made = (f"made by `mediatop store copy` in {seconds:.0f} s ({rows:,} rows, "
                f"{rows / seconds:,.0f} rows/s, load average {load:.2f})")  # fmt: skip
        ready.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')}: {made}\n")
    print(f"  PostgreSQL store: {ready.read_text().strip()}")
    url = server.url(name)
    connect(url).close()  # migrations added since it was made
    # A server that runs all the time has autovacuum keep its planner statistics and
    # visibility maps current; this one runs only while a bench does, so rows a
    # migration rewrote (0047 marks images to probe again) would stay dead and unanalysed
    # in every timing: do what autovacuum would have done by now.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return url


def report_subjects(store: Path | str) -> dict[str, str]:
    """The file and the place the reports about one thing report on (bench/report.py)."""
    conn = connect(store, readonly=True)
    try:
        return subjects(conn)
    finally:
        conn.close()


def inner_times(store: Path | str, root: Path, about: dict[str, str]) -> dict[str, float]:
    """Each report's milliseconds as bench/report.py measures them: in this process, on
    one read-only connection, best of 3 after a warm-up, the 30 days before its NOW."""
    from mediatop.analytics.context import ReportContext
    from mediatop.analytics.jsonable import to_jsonable
    from mediatop.analytics.registry import REPORTS, run_report
    from mediatop.config import Settings, default_db_path
    from mediatop.timerange import parse_range

    if isinstance(store, Path):
        settings = Settings(root=root, db_path=store, quota_bytes=60 * 10**12)
    else:
        settings = Settings(root=root, db_path=default_db_path(root), db_url=store,
                            quota_bytes=60 * 10**12)  # fmt: skip
    conn = connect(store, readonly=True)
    options = {"measure": "cached", "hash": "cached", "phash": "cached", **about}
    ctx = ReportContext(conn, settings, parse_range("30d", now=NOW), NOW, options)
    times: dict[str, float] = {}
    try:
        for name in REPORTS:
            try:
                times[name] = _best_ms(lambda name=name: to_jsonable(run_report(name, ctx)))
            except Exception as exc:  # one failing report must not hide the others
                print(f"  {name} failed: {exc!r}", flush=True)
    finally:
        conn.close()
    return times


def command_times(store: Path | str, root: Path, about: dict[str, str]) -> dict[str, float]:
    """Each report's whole command, `mediatop report NAME ROOT --db X --range 30d
    --json` (`file` and `place` with --file ID and --place TYPE:ID), best of 3 after a warm-up."""
    from mediatop.analytics.registry import REPORTS

    times: dict[str, float] = {}
    for name in REPORTS:
        command = [*MEDIATOP, "report", name, str(root), "--db", str(store), "--range", "30d"]
        command += ["--json", *subject_flags(name, about)]
        try:
            times[name] = _best_command_ms(command)
        except subprocess.CalledProcessError as exc:
            print(f"  command {name} failed (exit {exc.returncode})", flush=True)
    return times


def compare(title: str, sqlite: dict[str, float], postgres: dict[str, float]) -> list[bool]:
    """One line per report: both times, the ratio, ✓/✗ for each target."""
    print(f"\n{title}")
    print(f"  {'report':14s} {'SQLite':>9s} {'PostgreSQL':>11s} {'ratio':>6s}  "
          f"<= {REPORT_RATIO_TARGET:.0f}x  <= {REPORT_MS_TARGET:.0f} ms")  # fmt: skip
    held: list[bool] = []
    for name in [*sqlite, *(name for name in postgres if name not in sqlite)]:
        lite, pg = sqlite.get(name), postgres.get(name)
        if lite is None or pg is None:
            print(f"  {name:14s} failed on {'SQLite' if lite is None else 'PostgreSQL'}")
            held.append(False)
            continue
        ratio_ok, ms_ok = pg <= REPORT_RATIO_TARGET * lite, pg <= REPORT_MS_TARGET
        held += [ratio_ok, ms_ok]
        print(f"  {name:14s} {lite:6.1f} ms {pg:8.1f} ms {pg / lite:5.2f}x  "
              f"{mark(ratio_ok):>5s}  {mark(ms_ok):>8s}")  # fmt: skip
    return held


def bench_reports(
    server: KeptServer, events: int, rebuild: bool, build_only: bool = False
) -> tuple[list[bool], ...]:
    root = DATA / "report-root"
    root.mkdir(exist_ok=True)
    sqlite_db = sqlite_report_store(root, events, rebuild)
    url = postgres_report_store(server, sqlite_db, events, rebuild)
    if build_only:
        return [], []
    for store in (sqlite_db, url):
        forget_failed_measurements(store)  # see bench/report.py
    about = report_subjects(sqlite_db)
    if report_subjects(url) != about:
        print("  ✗ the two stores' most viewed files or places differ: they were not built alike")
    print(f"\nreports at {events:,} events, {FILES:,} files (range 30d; file report: id "
          f"{about['file']}, place report: {about['place']})")  # fmt: skip
    startup = _best_command_ms([*MEDIATOP, "--version"])
    print(f"  start-up (`mediatop --version`): {startup:.0f} ms")
    inner = compare(
        "inner time (in process, as bench/report.py)",
        inner_times(sqlite_db, root, about),
        inner_times(url, root, about),
    )
    whole = compare(
        "whole command (`mediatop report NAME ROOT --db X --range 30d --json`)",
        command_times(sqlite_db, root, about),
        command_times(url, root, about),
    )
    for store in (sqlite_db, url):
        forget_failed_measurements(store)
    return inner, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--root", type=Path, default=Path(__file__).parent.parent / "sample_media")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true", help="build the 10M stores again")
    parser.add_argument("--server-folder", type=Path, default=DATA / "postgres",
                        help="the PostgreSQL data folder's parent (kept between runs)")  # fmt: skip
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument("--build-only", action="store_true",
                        help="make the 10M stores, time no report")  # fmt: skip
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    server = KeptServer(args.server_folder).start()
    print(f"PostgreSQL on 127.0.0.1:{server.port} (fsync on, synchronous_commit on); "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    try:
        ingest = [] if args.skip_ingest else bench_ingest(server, args.root, args.lines)
        inner, whole = ([], []) if args.skip_reports else bench_reports(
            server, args.events, args.rebuild, args.build_only)  # fmt: skip
    finally:
        server.stop()
    print(f"\ningest targets: {sum(ingest)}/{len(ingest)} held; reports, inner: "
          f"{sum(inner)}/{len(inner)} held; whole commands: {sum(whole)}/{len(whole)} held; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    as_a_user()
    main()
