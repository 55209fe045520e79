"""What a first scan cannot go below on this machine, part by part, against `du -s`.

    python bench/scan_store_floor.py [N]        (default 100000)

Builds the same tree as `scan_walk.py` and scans it once. Then, each the best of 3:
  - SQLite alone: the stored rows copied into a fresh store with one `INSERT … SELECT`
    of the columns a scan writes (no walk, no Python per row), in a first scan's order:
    insert with the secondary indexes dropped, re-create them, commit;
  - what a scan adds, in one process: the `os.scandir` walk with a stat per file,
    turning files into rows, packing them (`store.files.PackedRows`: the walkers bind
    them into in-memory databases) and copying the packed rows into the store;
  - a model of the least first scan: that work shared evenly over every core, then the
    index builds and the commit, which can only follow the last row.
Each is printed as a multiple of `du -s` measured in the same run.

This is the evidence behind the README's "the first-scan target is not met": with this
schema and the indexes the reports rely on, SQLite's part alone is over 2.0x `du`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from scan_walk import FIRST_SCAN_TARGET, REPEATS, bench_tree, best_of

from mediatop.scan import scan_root
from mediatop.scan.rows import all_new
from mediatop.scan.walk import walk_tree
from mediatop.scan.walk_forked import BATCH_ENTRIES
from mediatop.store import connect
from mediatop.store.deferred_indexes import drop_secondary_indexes, recreate_indexes
from mediatop.store.files import (
    NewRow,
    PackedRows,
    insert_packed,
    pack_new_rows,
    packed_rows_attached,
)

# The columns a first scan writes, named: `SELECT *` between two tables of the same
# shape lets SQLite copy records and index entries as they are (its transfer
# optimisation), which no scan could do with rows it built.
SCAN_COLUMNS = (
    "path, group_path, variant, kind, mime, ext, size, mtime_ns, inode, first_seen, "
    "uploaded_at, uploaded_source"
)


def store_parts(workdir: Path, scanned: Path) -> dict[str, float]:
    """Best time of each part of copying the scanned rows into a fresh store."""
    best: dict[str, float] = {}
    for attempt in range(REPEATS):
        store = workdir / f"copy-{attempt}.sqlite3"
        conn = connect(store)
        conn.execute("ATTACH ? AS scanned", (str(scanned),))
        conn.execute("SELECT count(*) FROM scanned.media_files").fetchone()  # warm
        conn.execute("BEGIN IMMEDIATE")
        statements = drop_secondary_indexes(conn, "media_files")
        timings = {}
        started = time.perf_counter()
        conn.execute(
            f"INSERT INTO main.media_files ({SCAN_COLUMNS}) "
            f"SELECT {SCAN_COLUMNS} FROM scanned.media_files"
        )
        timings["insert (with the unique path index)"] = time.perf_counter() - started
        started = time.perf_counter()
        recreate_indexes(conn, statements)
        timings[f"build the {len(statements)} secondary indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("COMMIT")
        timings["commit (WAL write and checkpoint)"] = time.perf_counter() - started
        conn.close()
        for part, seconds in timings.items():
            best[part] = min(best.get(part, float("inf")), seconds)
    return best


def packed(rows: list[NewRow]) -> list[PackedRows]:
    """The rows packed as the walkers pack them, a batch at a time."""
    return [pack_new_rows(rows[i : i + BATCH_ENTRIES]) for i in range(0, len(rows), BATCH_ENTRIES)]


def packed_insert_seconds(workdir: Path, batches: list[PackedRows]) -> float:
    """Best time of the writing process's part: the packed rows copied into an empty
    media_files with its secondary indexes dropped, as a first scan does."""
    best = float("inf")
    for attempt in range(REPEATS):
        conn = connect(workdir / f"packed-{attempt}.sqlite3")
        with packed_rows_attached(conn):
            conn.execute("BEGIN IMMEDIATE")
            drop_secondary_indexes(conn, "media_files")
            started = time.perf_counter()
            for batch in batches:
                insert_packed(conn, batch, 0)
            best = min(best, time.perf_counter() - started)
            conn.execute("ROLLBACK")
        conn.close()
    return best


def main() -> int:
    with bench_tree("mediatop-bench-floor-") as (workdir, root, count, du_seconds):
        root_bytes = os.fsencode(root)
        walk_seconds = best_of(lambda: sum(1 for _ in walk_tree(root_bytes)) and None)
        listings = list(walk_tree(root_bytes))
        rows_seconds = best_of(lambda: [all_new(listing, 0, True) for listing in listings] and None)
        rows = [row for listing in listings for row in all_new(listing, 0, True)]

        scanned = workdir / "scanned.sqlite3"
        conn = connect(scanned)
        scan_root(conn, root, probe=False)
        conn.close()
        parts = store_parts(workdir, scanned)
        pack_seconds = best_of(lambda: packed(rows) and None)
        packed_seconds = packed_insert_seconds(workdir, packed(rows))

        def line(label: str, seconds: float, note: str = "") -> None:
            print(f"{label:<52}{seconds:7.3f} s  {seconds / du_seconds:4.2f}x du  {note}".rstrip())

        print(f"{count:,} files, best of {REPEATS}")
        line("du -s (reference)", du_seconds)
        print("SQLite alone, copying the stored rows (no walk, no Python per row):")
        for part, seconds in parts.items():
            line(f"  {part}", seconds)
        floor = sum(parts.values())
        line("  in all", floor, f"(first-scan target <= {FIRST_SCAN_TARGET}x)")
        print("What a scan adds in Python, one process:")
        line("  os.scandir walk with a stat per file", walk_seconds)
        line("  files to rows (kind, variant group, upload time)", rows_seconds)
        line("  pack the rows (bound into in-memory databases)", pack_seconds)
        line("  copy the packed rows in (the insert above)", packed_seconds)
        cores = os.cpu_count() or 1
        insert = next(iter(parts.values()))
        shared = (walk_seconds + rows_seconds + pack_seconds + packed_seconds) / cores
        print(
            f"A first scan at best: that work shared evenly over {cores} cores, then the index "
            "builds and the commit (a model: no transfer cost, no idle core)"
        )
        line("  least first scan", shared + floor - insert, f"(target <= {FIRST_SCAN_TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
