"""The cleanup journal's writers, and the media rows a cleanup moves out of the library.

Every step of a cleanup or optimise apply is written here before and after it happens
(`journal_intents` for a batch of moves, then `journal_settled`), each in its own
committed transaction, so
that after a crash the journal says what may have been moved and undo can put it back.
A quarantined file's row gets `deleted_at` and `quarantined_at` (it has left the
library, but is not counted as deleted until it is purged); undo clears both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mediatop.store.connection import transaction
from mediatop.store.dialect import is_postgres
from mediatop.store.library_facts import library_changed
from mediatop.store.scan_state import forget_dirs


def sync_every_commit(conn: sqlite3.Connection) -> None:
    """Make each commit of `conn` reach the disk before it returns (SQLite's FULL sync):
    after a power cut, the journal still names every move that may have been made."""
    # SQLite-only: PRAGMA synchronous (PostgreSQL commits durably by default).
    if not is_postgres(conn):
        conn.execute("PRAGMA synchronous = FULL")


@dataclass(frozen=True)
class JournalIntent:
    """One move about to happen: what goes where, and the file as it was planned."""

    batch_id: str
    action: str  # 'quarantine' | 'optimize' | 'sibling'
    root: bytes
    media_id: int | None
    original_path: bytes  # relative to the root
    quarantine_path: bytes  # absolute; b"" for a sibling (nothing is moved)
    size: int
    mtime_ns: int
    inode: int | None
    reason: str
    written_path: bytes | None = None  # relative to the root: what an optimise writes
    written_size: int | None = None
    written_hash: str | None = None


def journal_intents(
    conn: sqlite3.Connection, intents: Sequence[JournalIntent], now: int
) -> list[int]:
    """Record moves before they are made (state 'moving'), in one committed transaction;
    their journal ids, in order."""
    ids = []
    with transaction(conn):
        for intent in intents:
            cursor = conn.execute(
                "INSERT INTO cleanup_journal (batch_id, action, root, media_id, original_path, "
                "quarantine_path, size, mtime_ns, inode, reason, written_path, written_size, "
                "written_hash, moved_at, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'moving') "
                "RETURNING id",
                (intent.batch_id, intent.action, intent.root, intent.media_id,
                 intent.original_path, intent.quarantine_path, intent.size, intent.mtime_ns,
                 intent.inode, intent.reason, intent.written_path, intent.written_size,
                 intent.written_hash, now),
            )  # fmt: skip
            ids.append(int(cursor.fetchone()[0]))
    return ids


def journal_settled(
    conn: sqlite3.Connection,
    moved: Sequence[tuple[int, int | None]],
    abandoned: Sequence[int],
    now: int,
    emptied: Iterable[bytes] = (),
) -> None:
    """After the moves of a batch: the rows of the moves made say so (`moved`: journal id
    and the media id whose row leaves the library as quarantined, or None), the rows of
    the moves not made after all (the file changed at the last moment, the move failed)
    go; one committed transaction. The scan signatures of the folders files left
    (`emptied`) are forgotten, so the next scan reads them again: a file put back by
    hand, with the very name, size and mtime it had, is then found present again."""
    with transaction(conn):
        conn.executemany(
            "UPDATE cleanup_journal SET state = 'moved', moved_at = ? WHERE id = ?",
            [(now, journal_id) for journal_id, _ in moved],
        )
        conn.executemany(
            "DELETE FROM cleanup_journal WHERE id = ? AND state = 'moving'",
            [(journal_id,) for journal_id in abandoned],
        )
        media = [media_id for _, media_id in moved if media_id is not None]
        if media:
            _quarantine_rows(conn, media, now)
        forget_dirs(conn, emptied)


def journal_undone(
    conn: sqlite3.Connection, journal_id: int, media_id: int | None, now: int
) -> None:
    """The file is back where it was: the row says so and its media row is present again."""
    with transaction(conn):
        conn.execute(
            "UPDATE cleanup_journal SET state = 'undone', undone_at = ? WHERE id = ?",
            (now, journal_id),
        )
        if media_id is not None:
            library_changed(conn)
            conn.execute(
                "UPDATE media_files SET deleted_at = NULL, quarantined_at = NULL "
                "WHERE id = ? AND quarantined_at IS NOT NULL",
                (media_id,),
            )


def journal_purged(conn: sqlite3.Connection, journal_ids: Iterable[int], now: int) -> None:
    """These quarantined files are deleted for good: their media rows count as deleted
    from now on."""
    ids = list(journal_ids)
    if not ids:
        return
    with transaction(conn):
        conn.executemany(
            "UPDATE cleanup_journal SET state = 'purged', purged_at = ? WHERE id = ?",
            [(now, i) for i in ids],
        )
        library_changed(conn)
        conn.executemany(
            "UPDATE media_files SET deleted_at = ?, quarantined_at = NULL WHERE id = "
            "(SELECT media_id FROM cleanup_journal WHERE id = ?) AND quarantined_at IS NOT NULL",
            [(now, i) for i in ids],
        )


def _quarantine_rows(conn: sqlite3.Connection, ids: list[int], now: int) -> None:
    library_changed(conn)
    conn.executemany(
        "UPDATE media_files SET deleted_at = ?, quarantined_at = ? WHERE id = ? "
        "AND deleted_at IS NULL",
        [(now, now, i) for i in ids],
    )
