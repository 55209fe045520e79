"""Reads for cleanup and optimise: what the journal holds, and the use of planned files.

The journal rows tell undo and purge what was moved where (`open_moves`), and `list`
which plans have files in quarantine (`quarantined_plans`). `file_activity` answers
whether a planned file was referenced or requested since the plan was made, and what
the store knows of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from mediatop.store.dialect import json_ids

_JOURNAL_COLUMNS = (
    "id, batch_id, action, state, root, media_id, original_path, quarantine_path, size, "
    "mtime_ns, inode, written_path, written_size, written_hash, moved_at"
)


@dataclass(frozen=True)
class JournalRow:
    """One journalled move that is not undone or purged yet."""

    id: int
    batch_id: str
    action: str  # 'quarantine' | 'optimize' | 'sibling'
    state: str  # 'moving' (a crash may have left it either side) | 'moved'
    root: bytes
    media_id: int | None
    original_path: bytes
    quarantine_path: bytes
    size: int
    mtime_ns: int
    inode: int | None
    written_path: bytes | None
    written_size: int | None
    written_hash: str | None
    moved_at: int


def _row(values: tuple[object, ...]) -> JournalRow:
    fields = list(values)
    for index in (4, 6, 7, 11):  # BLOB columns come back as bytes already
        if fields[index] is not None:
            fields[index] = bytes(fields[index])  # type: ignore[call-overload]
    return JournalRow(*fields)  # type: ignore[arg-type]


def open_moves(conn: sqlite3.Connection, batch_id: str | None = None) -> list[JournalRow]:
    """The moves of one plan (or of every plan) that are neither undone nor purged,
    newest first (undo puts back the last move first)."""
    # Answers: what is still in quarantine (or may be, after a crash mid-move)?
    where = "state IN ('moving', 'moved')"
    args: tuple[object, ...] = ()
    if batch_id is not None:
        where += " AND batch_id = ?"
        args = (batch_id,)
    sql = f"SELECT {_JOURNAL_COLUMNS} FROM cleanup_journal WHERE {where} ORDER BY id DESC"
    return [_row(r) for r in conn.execute(sql, args)]


def plan_ids(conn: sqlite3.Connection) -> set[str]:
    """Every plan id the journal has seen (applied at least in part)."""
    return {r[0] for r in conn.execute("SELECT DISTINCT batch_id FROM cleanup_journal")}


def quarantined_plans(conn: sqlite3.Connection) -> list[tuple[str, str, int, int, int, int]]:
    """(plan id, action, files, bytes, first move, last move) of each plan with files
    still in quarantine (or written by optimise and not undone), newest first."""
    # Answers: which plans can still be undone or purged, how big and how old are they?
    return conn.execute(
        "SELECT batch_id, MIN(action), COUNT(*), SUM(size), MIN(moved_at), MAX(moved_at) "
        "FROM cleanup_journal WHERE state IN ('moving', 'moved') "
        "GROUP BY batch_id ORDER BY MIN(moved_at) DESC, batch_id DESC"
    ).fetchall()


# Answers: for each file, the references to it and to its group (the original with its
# generated sizes), the last person's request of it and of any member of its group, and
# where and what the store last saw it.
# {ids}: the id list, one JSON parameter (store.dialect.json_ids).
_ACTIVITY_SQL = """
WITH wanted(id) AS (SELECT * FROM {ids} AS ids),
g AS (
  SELECT f.group_path,
         (SELECT COUNT(*) FROM usage_locations u WHERE u.media_id IN
            (SELECT m.id FROM media_files m WHERE m.group_path = f.group_path)) AS g_refs,
         (SELECT MAX(t.last_used) FROM file_totals t WHERE t.media_id IN
            (SELECT m.id FROM media_files m WHERE m.group_path = f.group_path)) AS g_last
  FROM media_files f WHERE f.id IN (SELECT id FROM wanted) GROUP BY f.group_path
)
SELECT f.id,
       (SELECT COUNT(*) FROM usage_locations u WHERE u.media_id = f.id),
       (SELECT t.last_used FROM file_totals t WHERE t.media_id = f.id),
       g.g_refs, g.g_last, f.path, f.size, f.mtime_ns, f.inode
FROM media_files f JOIN g ON g.group_path = f.group_path
WHERE f.id IN (SELECT id FROM wanted)
"""


@dataclass(frozen=True)
class FileActivity:
    """How much a file (and its group) is used: references and last human request; and
    the file as the store knows it (its path, and size, mtime and inode at the last scan)."""

    references: int
    last_requested: int | None
    group_references: int
    group_last_requested: int | None
    path: bytes
    size: int
    mtime_ns: int
    inode: int | None


def file_activity(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, FileActivity]:
    """file id -> its activity (files the store does not know are left out)."""
    wanted = json.dumps(sorted(set(ids)))
    return {
        int(r[0]): FileActivity(int(r[1]), r[2], int(r[3] or 0), r[4], bytes(r[5]), *r[6:9])
        for r in conn.execute(_ACTIVITY_SQL.format(ids=json_ids(conn)), (wanted,))
    }
