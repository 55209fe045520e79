"""Reads for the unused-files rules (`analytics.usage.unused`): the candidate rows and
whether any reference is known.

A candidate row is a present media file none of whose group was requested by a person
since a cutoff, with the counts the rules judge it on; the rules themselves (risk,
confidence, evidence) are the analytics' to apply.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mediatop.store.dialect import dialect

# Answers: which present media files have no person's request to any member of their
# group since :cutoff, and were uploaded before it? With each file's and its group's
# references, last human request and crawler requests. Groups are judged on requests
# first (in group_path index order, see migration 0011), and references are counted
# only for the members of the few unrequested groups: counting them for every file
# first would cost as much as the whole answer. {group} restricts it to one group (the
# one-file question).
_CANDIDATES_SQL = """
WITH grp AS (
  SELECT f.group_path, MAX(t.last_used) AS g_last, COUNT(*) AS g_size
  FROM media_files f
  LEFT JOIN file_totals t ON t.media_id = f.id
  WHERE f.deleted_at IS NULL{group}
  GROUP BY f.group_path
  HAVING MAX(t.last_used) IS NULL OR MAX(t.last_used) < :cutoff
),
members AS (
  SELECT f.id, f.path, f.group_path, f.variant, f.kind, f.size, f.uploaded_at,
         f.uploaded_source, t.last_used, COALESCE(t.bot_requests, 0) AS bots,
         (SELECT COUNT(*) FROM usage_locations u WHERE u.media_id = f.id) AS refs,
         g.g_last, g.g_size
  FROM grp g
  {members}
),
judged AS (
  SELECT *, SUM(refs) OVER (PARTITION BY group_path) AS g_refs FROM members
)
SELECT id, path, group_path, variant, kind, size, uploaded_at, uploaded_source,
       last_used, bots, refs, g_last, g_refs, g_size
FROM judged
WHERE kind IN ('image', 'video', 'audio', 'document')
  AND uploaded_at <= :cutoff
  AND (g_refs = 0 OR :full_coverage = 1){only}
"""
_ONE_GROUP = "(SELECT group_path FROM media_files WHERE id = :only)"

# The members of the unrequested groups, with their totals. PostgreSQL cannot know how
# few groups are left (it guesses a tenth of them) and would hash-join every file and
# every total again to find their members; a lateral read (OFFSET 0 keeps the planner
# from flattening it back into that join) looks each group up in media_files_group_present
# and each member's totals up by id, as SQLite's plan does: 77 ms of the server's CPU
# down to 30 at 100k files with migration 0045's indexes (bench/postgres.py's store).
_MEMBERS = {
    "sqlite": (
        "JOIN media_files f ON f.group_path = g.group_path AND f.deleted_at IS NULL\n"
        "  LEFT JOIN file_totals t ON t.media_id = f.id"
    ),
    "postgres": (
        "CROSS JOIN LATERAL (SELECT m.id, m.path, m.group_path, m.variant, m.kind, m.size,\n"
        "    m.uploaded_at, m.uploaded_source FROM media_files m\n"
        "    WHERE m.group_path = g.group_path AND m.deleted_at IS NULL OFFSET 0) f\n"
        "  LEFT JOIN LATERAL (SELECT x.last_used, x.bot_requests FROM file_totals x\n"
        "    WHERE x.media_id = f.id OFFSET 0) t ON TRUE"
    ),
}


def unused_candidate_rows(
    conn: sqlite3.Connection, cutoff: int, full_coverage: bool, only: int | None = None
) -> tuple[tuple[Any, ...], ...]:
    """Rows (id, path, group_path, variant, kind, size, uploaded_at, uploaded_source,
    last_used, bots, refs, group_last, group_refs, group_size) of the present image,
    video, audio and document files uploaded by `cutoff` (epoch s) whose group has no
    human request since then and, unless `full_coverage`, no reference. `only`: just that
    file (if it is one)."""
    members = _MEMBERS[dialect(conn)]
    if only is None:
        sql = _CANDIDATES_SQL.format(group="", only="", members=members)
    else:
        sql = _CANDIDATES_SQL.format(
            group=f" AND f.group_path = {_ONE_GROUP}", only=" AND id = :only", members=members
        )
    params = {"cutoff": cutoff, "full_coverage": int(full_coverage), "only": only}
    return tuple(conn.execute(sql, params))


def references_known(conn: sqlite3.Connection) -> bool:
    """Whether any content reference has been scanned or imported (`usage_locations`)."""
    return conn.execute("SELECT 1 FROM usage_locations LIMIT 1").fetchone() is not None
