"""store.window_prune: on PostgreSQL the stale windows named go, one renewed since (its
last request no longer older than the cut) and one not named stay, inside a transaction
and twice in one; through an ingest, on both backends (SQLite prunes in the batch's own
transaction, PostgreSQL after it), a window a window old goes and one at the cut stays."""

from __future__ import annotations

import calendar
from pathlib import Path

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect, transaction
from mediatop.store.window_prune import delete_stale_windows

CUT = 10_000  # windows whose last request is before this are a window old


def test_named_stale_windows_go_and_renewed_or_unnamed_ones_stay(pg_store_url: str) -> None:
    conn = connect(pg_store_url)
    try:
        rows = [(f"s{n:03d}", n % 7, CUT - 1) for n in range(300)]  # 300 stale windows
        rows += [("renewed", 1, CUT + 5), ("unnamed", 2, CUT - 50)]
        conn.executemany(
            "INSERT INTO view_windows (session_id, media_id, last_at) VALUES (?, ?, ?)", rows
        )
        named = sorted([(f"s{n:03d}", n % 7) for n in range(300)] + [("renewed", 1)])
        with transaction(conn):
            delete_stale_windows(conn, named[:150], CUT)
            delete_stale_windows(conn, named[150:], CUT)
            delete_stale_windows(conn, [], CUT)
        left = conn.execute(
            "SELECT session_id, media_id, last_at FROM view_windows ORDER BY session_id"
        ).fetchall()
    finally:
        conn.close()
    # all 300 s-windows named and older than CUT: gone; 'renewed' named but at CUT + 5;
    # 'unnamed' old but not named
    assert left == [("renewed", 1, CUT + 5), ("unnamed", 2, CUT - 50)]


UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"


def _line(ip: str, clock: str, name: str) -> str:
    return (
        f'{ip} - - [10/Oct/2024:{clock} +0000] "GET /uploads/{name} HTTP/1.1" 200 5000 "-" "{UA}"\n'
    )


def test_an_ingest_drops_the_windows_a_window_old_and_keeps_the_one_at_the_cut(
    tmp_path: Path, store_url: str
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    for name in ("a.mp4", "b.mp4"):
        (root / name).write_bytes(b"v")
    conn = connect(store_url)
    try:
        scan_root(conn, root, probe=False)
        log = tmp_path / "access.log"
        # the first ingest opens two sessions' windows on a.mp4, at 10:00 and 10:10
        log.write_text(_line("198.51.100.1", "10:00:00", "a.mp4")
                       + _line("198.51.100.4", "10:10:00", "a.mp4"))  # fmt: skip
        ingest_logs(conn, [log], url_prefixes=("/uploads/",))
        # the second, of one line at 10:40, cuts at 10:40 - 30 min = 10:10: the 10:00
        # window is older and goes, the 10:10 one is not and stays, 10:40's is new
        with log.open("a") as more:
            more.write(_line("198.51.100.2", "10:40:00", "b.mp4"))
        ingest_logs(conn, [log], url_prefixes=("/uploads/",))
        left = conn.execute(
            "SELECT f.path, w.last_at FROM view_windows w JOIN media_files f "
            "ON f.id = w.media_id ORDER BY w.last_at"
        ).fetchall()
    finally:
        conn.close()
    at = calendar.timegm((2024, 10, 10, 10, 0, 0))  # 10:00 UTC
    assert [(bytes(path).decode(), last_at) for path, last_at in left] == [
        ("a.mp4", at + 10 * 60),
        ("b.mp4", at + 40 * 60),
    ]
