"""Benchmark: the dashboard's queries over a store with 100k events, then 10M events.

Fills a fresh store for the sample library through the real write path
(`record_usage_rows`: raw rows + every rollup, in 200k-event transactions; only the
text parsing of ingest is skipped), times the dashboard's queries
(`tui.data.load_dashboard`, through the library surface, and the overview / usage /
performance reports, best of 5) at 100k events, grows the same store to 10M and
times them again. Target, for the whole dashboard load (what a refresh runs): <= 1.5x
between the two and <= 150 ms at 10M; printed as a last line with its verdict.

    .venv/bin/python bench/refresh.py [--small 100000] [--large 10000000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mediatop.config import Settings
from mediatop.scan import scan_root
from mediatop.store import connect, transaction
from mediatop.store.events import record_usage_rows
from mediatop.store.files import path_ids
from mediatop.store.rollups import UsageRollup

BATCH = 200_000
DEVICES = ("desktop", "mobile", "tablet", "desktop", "mobile")
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def fill(
    db: Path, files: list[tuple[int, str]], count: int, end_ts: int, rng: random.Random
) -> None:
    """Add `count` log events over the 120 days before end_ts, with their rollups."""
    conn = connect(db)
    weights = [1 / (i + 1) for i in range(len(files))]
    kinds = dict(files)
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        picks = rng.choices(files, weights, k=size)
        rollup = UsageRollup()
        rows = []
        for n, (media_id, _kind) in enumerate(picks):
            ts = end_ts - rng.randrange(120 * 86400)
            status = 304 if n % 10 == 0 else 200
            session = f"{rng.randrange(50_000):016x}"
            device = DEVICES[n % 5]
            referrer = f"https://example.com/post-{n % 40}/"
            rtime = (n % 97) * 3.1
            nbytes = 0 if status == 304 else 1000 + n % 500_000
            rows.append((media_id, "view", session, referrer, AGENT, ts, "log", status, nbytes,
                         device, 0, None, None, rtime, None, None))  # fmt: skip
        rollup.add(rows, kinds)
        with transaction(conn):
            record_usage_rows(conn, rows, rollup, kinds)
        done += size
        print(f"  {done:,} / {count:,} events", file=sys.stderr)
    conn.close()


def time_queries(settings: Settings, now: datetime) -> dict[str, float]:
    """Best-of-5 milliseconds of each dashboard query."""
    from mediatop.analytics.context import ReportContext
    from mediatop.analytics.library.overview import overview_report
    from mediatop.analytics.performance.report import performance_report
    from mediatop.analytics.usage.report import usage_report
    from mediatop.library import MediaLibrary
    from mediatop.timerange import parse_range
    from mediatop.tui.data import load_dashboard

    conn = connect(settings.db_path, readonly=True)
    ctx = ReportContext(conn, settings, parse_range("30d", now=now), now)
    queries = {
        "dashboard": lambda: load_dashboard(MediaLibrary(settings), now),
        "overview": lambda: overview_report(ctx),
        "usage": lambda: usage_report(ctx),
        "performance": lambda: performance_report(ctx),
    }
    timings = {}
    for name, query in queries.items():
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            query()
            best = min(best, time.perf_counter() - started)
        timings[name] = round(best * 1000, 1)
    conn.close()
    return timings


RATIO_TARGET, MS_TARGET = 1.5, 150.0


def _verdict(small_ms: float, large_ms: float) -> None:
    """The target, judged on what a refresh runs: the whole dashboard load (its parts'
    own ratios, above, are of milliseconds where a tenth is noise)."""
    ratio = large_ms / max(small_ms, 0.01)
    print(
        f"dashboard load {small_ms} ms -> {large_ms} ms: {ratio:.2f}x "
        f"(target <= {RATIO_TARGET}x) {'✓' if ratio <= RATIO_TARGET else '✗'}, "
        f"{large_ms} ms at the large size (target <= {MS_TARGET:.0f} ms) "
        f"{'✓' if large_ms <= MS_TARGET else '✗'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--root", type=Path, default=Path(__file__).parent.parent / "sample_media")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mediatop-refresh-"))
    db = work / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, args.root, probe=False)
    files = [(i, k) for i, k in path_ids(conn).values()]
    conn.close()
    settings = Settings(root=args.root, db_path=db)
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(3)
    try:
        fill(db, files, args.small, int(now.timestamp()), rng)
        small = time_queries(settings, now)
        started = time.perf_counter()
        fill(db, files, args.large - args.small, int(now.timestamp()), rng)
        fill_s = time.perf_counter() - started
        large = time_queries(settings, now)
        result = {
            "events_small": args.small,
            "events_large": args.large,
            "ms_small": small,
            "ms_large": large,
            "ratio_large_over_small": {k: round(large[k] / max(small[k], 0.01), 2) for k in small},
            "fill_events_per_s": round((args.large - args.small) / fill_s),
            "store_mb": round(db.stat().st_size / 1e6),
        }
        print(json.dumps(result, indent=2))
        _verdict(small["dashboard"], large["dashboard"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
