"""store.window_prune on both backends: the stale windows named go, one renewed since
(its last request no longer older than the cut) and one not named stay, inside a
transaction and twice in one."""

from __future__ import annotations

from mediatop.store import connect, transaction
from mediatop.store.window_prune import delete_stale_windows

CUT = 10_000  # windows whose last request is before this are a window old


def test_named_stale_windows_go_and_renewed_or_unnamed_ones_stay(store_url: str) -> None:
    conn = connect(store_url)
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
