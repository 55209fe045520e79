"""Benchmark: mediatop ingest vs GoAccess on the same 1,000,000-line combined log.

Generates a combined access log for the files of the sample library (Zipf-ish
popularity, realistic user agents, 200/206/304/404 mixes), then times, each in its
own process: `mediatop ingest` into a fresh store (raw events + every rollup), and
`goaccess --log-format=COMBINED -o json`, each the better of two runs (mediatop's each
into a fresh copy of the scanned store): one run alone moved by a tenth with this
machine's load. Prints lines/s for both, the ratio, and peak RSS. Installs goaccess
from Debian (apt-get) when it is missing.

    .venv/bin/python bench/ingest.py [--lines 1000000] [--root sample_media]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from user_shell import as_a_user

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
]
RUNS = 2  # each side's best
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def generate(root: Path, out: Path, lines: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    files = sorted(
        (p.relative_to(root).as_posix(), p.suffix.lower()) for p in root.rglob("*") if p.is_file()
    )
    weights = [1 / (i + 1) for i in range(len(files))]
    picks = rng.choices(files, weights, k=lines)
    agents = rng.choices(AGENTS, [30, 25, 15, 20, 6, 4], k=lines)
    start = 1_700_000_000
    step = 120 * 86400 / lines
    with out.open("w") as handle:
        for n in range(lines):
            t = time.gmtime(start + int(n * step))
            when = (f"{t.tm_mday:02d}/{MONTHS[t.tm_mon - 1]}/{t.tm_year}:"
                    f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000")  # fmt: skip
            path, suffix = picks[n]
            status, size = 200, 1000 + (n * 7919) % 800_000
            roll = (n * 31) % 100
            if roll < 2:
                path, status, size = f"2023/01/old-{n % 50}.jpg", 404, 150
            elif suffix in (".mp4", ".webm", ".mp3") and roll < 80:
                status = 206
            elif roll < 12:
                status, size = 304, 0
            handle.write(
                f'192.0.2.{n % 250} - - [{when}] "GET /wp-content/uploads/{path} HTTP/1.1" '
                f'{status} {size} "https://example.com/post-{n % 40}/" "{agents[n]}"\n'
            )


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the command and its children, peak RSS MB of the
    largest process; RUSAGE_CHILDREN keeps the maximum over every child reaped so far,
    so run the command to measure before the others)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, after.ru_maxrss / 1024


def ensure_goaccess() -> str:
    found = shutil.which("goaccess")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "goaccess"], check=True)
    found = shutil.which("goaccess")
    if not found:
        sys.exit("goaccess is not installed and could not be installed")
    return found


def log_bench_parser(doc: str) -> argparse.ArgumentParser:
    """The options of the benches that time a generated log (this one, nodes.py and
    store_copy.py): its length, the library it names, whether to keep the work folder."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--root", type=Path, default=Path(__file__).parent.parent / "sample_media")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    return parser


def report_and_clean_up(result: dict[str, object], work: Path, keep: bool) -> None:
    """Print a bench's result as JSON, then remove its work folder unless kept."""
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if keep:
        print(f"kept {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    args = log_bench_parser(__doc__).parse_args()
    goaccess = ensure_goaccess()
    work = Path(tempfile.mkdtemp(prefix="mediatop-bench-"))
    log = work / "access.log"
    started = time.perf_counter()
    generate(args.root, log, args.lines)
    print(f"generated {args.lines:,} lines in {time.perf_counter() - started:.1f} s ({log})",
          file=sys.stderr)  # fmt: skip
    scanned = work / "scanned.sqlite3"
    db = work / "store.sqlite3"
    mediatop = [sys.executable, "-m", "mediatop"]
    from mediatop.scan import scan_root  # in-process: keep the first child our ingest
    from mediatop.store import connect

    conn = connect(scanned)
    scan_root(conn, args.root, probe=False)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone is the store
    conn.close()
    ours = our_cpu = theirs = their_cpu = float("inf")
    our_rss = 0.0
    for _ in range(RUNS):
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(scanned, db)
        seconds, cpu, our_rss = timed(
            [*mediatop, "ingest", str(args.root), str(log), "--db", str(db), "--json"]
        )
        ours, our_cpu = min((ours, our_cpu), (seconds, cpu))
    for _ in range(RUNS):
        seconds, cpu, _rss = timed(
            [goaccess, str(log), "--log-format=COMBINED", "-o", str(work / "report.json")]
        )
        theirs, their_cpu = min((theirs, their_cpu), (seconds, cpu))
    conn = connect(db)
    stored = conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
    conn.close()
    result = {
        "lines": args.lines,
        "mediatop_s": round(ours, 2),
        "mediatop_cpu_s": round(our_cpu, 2),
        "mediatop_lines_per_s": round(args.lines / ours),
        "goaccess_s": round(theirs, 2),
        "goaccess_cpu_s": round(their_cpu, 2),
        "goaccess_lines_per_s": round(args.lines / theirs),
        "ratio_lines_per_s": round(theirs / ours, 2),
        "ratio_cpu": round(their_cpu / our_cpu, 2),
        "mediatop_peak_rss_mb": round(our_rss, 1),
        "events_stored": stored,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    report_and_clean_up(result, work, args.keep)
    os.sync()


if __name__ == "__main__":
    as_a_user()
    main()
