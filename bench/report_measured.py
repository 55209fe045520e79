"""Benchmark: the reports that read measured savings, with every image measured.

`bench/report.py`'s store has no measured savings (its files are absent, so nothing can
be measured), while a real library's images all are once the dashboard's background
measuring is done: that steady state is what an admin's reports read every day. This
script copies bench/report.py's store (100k files, 10M events; built by that script),
gives every image of the copy a successful measurement of each target the images report
plans for it (an encoded size of 70 % of the file: the figures are not the point, the
rows are), and times, as bench/report.py does (in process, best of 3 after a warm-up,
savings and hashes from their caches), the reports that read those rows. Target: each
<= 300 ms, as bench/report.py's.

    .venv/bin/python bench/report_measured.py [--ranges 30d,24h]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from report import DATA, NOW, TARGET_MS, _best_ms
from user_shell import as_a_user

from mediatop.config import Settings
from mediatop.encode_plan import target_names
from mediatop.store import connect
from mediatop.store.measurements import Measurement, save_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths

REPORTS = ("images", "optimization", "insights", "media")


def measure_every_image(store: Path) -> tuple[int, int]:
    """A successful measurement of every planned target of every image: (images, rows)."""
    conn = connect(store)
    try:
        facts = load_image_facts(conn)
        widths = max_display_widths(conn)
        rows = [
            Measurement(f.id, name, f.size, f.mtime_ns, max(1, f.size * 7 // 10), None)
            for f in facts
            for name in target_names(f, widths.get(f.id))
        ]
        save_measurements(conn, rows, int(time.time()))
        return len(facts), len(rows)
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranges", default="30d,24h")
    args = parser.parse_args()
    source = DATA / "report-100000-10000000.sqlite3"
    if not source.exists():
        sys.exit(f"no {source}: run bench/report.py first (it builds the store)")
    from mediatop.analytics.context import ReportContext
    from mediatop.analytics.jsonable import to_jsonable
    from mediatop.analytics.registry import run_report
    from mediatop.timerange import parse_range

    work = Path(tempfile.mkdtemp(prefix="mediatop-measured-"))
    try:
        conn = connect(source)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone is the store
        conn.close()
        store = work / "measured.sqlite3"
        shutil.copyfile(source, store)
        images, rows = measure_every_image(store)
        print(f"every image measured: {images:,} images, {rows:,} measurements")
        settings = Settings(root=DATA / "report-root", db_path=store, quota_bytes=60 * 10**12)
        conn = connect(store, readonly=True)
        options = {"measure": "cached", "hash": "cached", "phash": "cached"}
        over = []
        for spec in args.ranges.split(","):
            ctx = ReportContext(conn, settings, parse_range(spec, now=NOW), NOW, options)
            for name in REPORTS:
                ms = _best_ms(lambda name=name, ctx=ctx: to_jsonable(run_report(name, ctx)))
                verdict = "✓" if ms <= TARGET_MS else "✗"
                label = f"{name} {spec}"
                print(f"{label:24s} {ms:8.1f} ms   {ms / TARGET_MS:5.2f}× target {verdict}")
                if ms > TARGET_MS:
                    over.append(f"{name} {spec}")
        conn.close()
        print("over target: " + (", ".join(over) if over else "none"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    as_a_user()
    sys.exit(main())
