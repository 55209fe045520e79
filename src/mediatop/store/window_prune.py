"""Deleting the view windows a batch found a window old (store.rollups' resolve_collapse).

SQLite deletes them in the batch's own transaction, in one statement: every window whose
last request is older than the cutoff, which there (one writer at a time, the batch's
windows already written) are exactly the ones the batch found. PostgreSQL deletes them
after the batch, in a transaction of their own (store.rollups' prune_windows): it takes
the keys by COPY into a staging table of the session's own and deletes them in one
statement, locking the rows in the keys' order first (store.lock_order), and a window
another writer renewed in between stays. A DELETE per key is a round of psycopg's
pipeline each, and a batch finds thousands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_STAGING = "staging_view_windows_prune"


def delete_windows_before(conn: sqlite3.Connection, before: int) -> None:
    """SQLite: delete every window whose last request is older than `before`, in the
    transaction that wrote the batch's windows."""
    conn.execute("DELETE FROM view_windows WHERE last_at < ?", (before,))


def delete_stale_windows(
    conn: sqlite3.Connection, stale: Sequence[tuple[str, int]], before: int
) -> None:
    """PostgreSQL: delete the windows of `stale` (session, media_id keys, in key order)
    whose last request is older than `before`; a window a later batch renewed stays."""
    if not stale:
        return
    from mediatop.store.pg_connection import copy_rows  # psycopg: only a PostgreSQL store's

    conn.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} AS "
        "SELECT session_id, media_id, 0::bigint AS position FROM view_windows WITH NO DATA"
    )
    # emptied before, not by the delete: see store.upsert_many's staging tables
    conn.execute(f"TRUNCATE {_STAGING}")
    keyed = ((session, media_id, at) for at, (session, media_id) in enumerate(stale))
    copy_rows(conn, _STAGING, ["session_id", "media_id", "position"], keyed)
    # FOR UPDATE after ORDER BY locks the rows in that order, the keys' (see the docstring)
    conn.execute(
        "WITH doomed AS (SELECT w.session_id, w.media_id FROM view_windows w "
        f"JOIN {_STAGING} s ON s.session_id = w.session_id AND s.media_id = w.media_id "
        "WHERE w.last_at < ? ORDER BY s.position FOR UPDATE OF w) "
        "DELETE FROM view_windows v USING doomed "
        "WHERE v.session_id = doomed.session_id AND v.media_id = doomed.media_id",
        (before,),
    )
