"""The scan_dirs table: per-directory signatures that let a rescan skip unchanged trees."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def load_signatures(conn: sqlite3.Connection) -> dict[bytes, str]:
    """rel_dir -> signature of every directory seen by the last scan."""
    return {bytes(d): s for d, s in conn.execute("SELECT rel_dir, signature FROM scan_dirs")}


def save_signatures(
    conn: sqlite3.Connection,
    signatures: Iterable[tuple[bytes, str, int]],
    now: int,
    *,
    replace_all: bool,
) -> None:
    """Store (rel_dir, signature, file_count); `replace_all` drops directories not listed."""
    if replace_all:
        conn.execute("DELETE FROM scan_dirs")
    conn.executemany(
        "INSERT INTO scan_dirs (rel_dir, signature, file_count, scanned_at) VALUES (?,?,?,?) "
        "ON CONFLICT(rel_dir) DO UPDATE SET signature = excluded.signature, "
        "file_count = excluded.file_count, scanned_at = excluded.scanned_at",
        [(d, s, n, now) for d, s, n in signatures],
    )


def forget_dirs(conn: sqlite3.Connection, rel_dirs: Iterable[bytes]) -> None:
    """Drop signatures of directories that no longer exist."""
    conn.executemany("DELETE FROM scan_dirs WHERE rel_dir = ?", [(d,) for d in rel_dirs])


def initial_scan_done(conn: sqlite3.Connection) -> bool:
    """Whether a first scan has completed (until then, upload times come from paths/mtimes)."""
    row = conn.execute("SELECT 1 FROM store_meta WHERE key = 'initial_scan_done'").fetchone()
    return row is not None


def mark_initial_scan_done(conn: sqlite3.Connection, now: int) -> None:
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES ('initial_scan_done', ?) "
        "ON CONFLICT DO NOTHING",
        (str(now),),
    )
