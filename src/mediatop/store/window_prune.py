"""Deleting the view windows a batch found a window old (store.rollups' prune_windows).

SQLite deletes them a statement per key (in-process, its fastest way). PostgreSQL takes
the keys by COPY into a staging table of the session's own and deletes them in one
statement, locking the rows in the keys' order first (store.lock_order): a DELETE per
key is a round of psycopg's pipeline each, and a batch finds thousands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from mediatop.store.dialect import is_postgres

_STAGING = "staging_view_windows_prune"


def delete_stale_windows(
    conn: sqlite3.Connection, stale: Sequence[tuple[str, int]], before: int
) -> None:
    """Delete the windows of `stale` (session, media_id keys, in key order) whose last
    request is older than `before`; a window a later batch renewed stays."""
    if not is_postgres(conn):
        conn.executemany(
            "DELETE FROM view_windows WHERE session_id = ? AND media_id = ? AND last_at < ?",
            [(session, media_id, before) for session, media_id in stale],
        )
        return
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
