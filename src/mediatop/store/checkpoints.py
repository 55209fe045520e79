"""Ingest bookkeeping: log checkpoints, malformed-line counts, 404 heat, session salt.

Checkpoints are matched by content (a fingerprint of the log's first bytes), so a log
that was renamed or copied by rotation resumes where it stopped; each belongs to one
node (a web server writing its own logs into a shared store), and a node only ever
sees its own. Every write here happens in the same transaction as the events it
accounts for.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mediatop.store.lock_order import in_key_order
from mediatop.store.upsert_many import upsert_rows

MAX_SAMPLES = 5


@dataclass(frozen=True)
class Checkpoint:
    """How far one log's content has been read, by the node that reads it."""

    id: int | None
    node: str
    log_path: str
    device: int
    inode: int
    fingerprint: str
    fingerprint_len: int
    offset: int
    lines: int = 0
    accepted: int = 0
    malformed: int = 0


def all_checkpoints(conn: sqlite3.Connection, node: str) -> list[Checkpoint]:
    """Every checkpoint of `node` (one per log generation it ever read; a handful)."""
    return [
        Checkpoint(*row)
        for row in conn.execute(
            'SELECT id, node, log_path, device, inode, fingerprint, fingerprint_len, "offset", '
            "lines, accepted, malformed FROM ingest_checkpoints WHERE node = ?",
            (node,),
        )
    ]


def adopt_checkpoints(conn: sqlite3.Connection, node: str) -> None:
    """Give the checkpoints stored before nodes existed (node '') to `node`: the host
    that upgrades the store is the one that read those logs."""
    conn.execute("UPDATE ingest_checkpoints SET node = ? WHERE node = ''", (node,))


def save_checkpoint(conn: sqlite3.Connection, cp: Checkpoint, now: int) -> int:
    """Insert or update a checkpoint; returns its id."""
    values = (
        cp.node, cp.log_path, cp.device, cp.inode, cp.fingerprint, cp.fingerprint_len, cp.offset,
        cp.lines, cp.accepted, cp.malformed, now,
    )  # fmt: skip
    if cp.id is None:
        cursor = conn.execute(
            "INSERT INTO ingest_checkpoints (node, log_path, device, inode, fingerprint, "
            'fingerprint_len, "offset", lines, accepted, malformed, updated_at) '
            "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            values,
        )
        return int(cursor.fetchone()[0])
    conn.execute(
        "UPDATE ingest_checkpoints SET node = ?, log_path = ?, device = ?, inode = ?, "
        'fingerprint = ?, fingerprint_len = ?, "offset" = ?, lines = ?, accepted = ?, '
        "malformed = ?, "
        "updated_at = ? WHERE id = ?",
        (*values, cp.id),
    )
    return cp.id


def add_rejects(
    conn: sqlite3.Connection, counts: Mapping[str, int], samples: Mapping[str, Sequence[str]]
) -> None:
    """Count malformed lines per reason, keeping the first few samples of each."""
    for reason, count in in_key_order(conn, counts):
        row = conn.execute(
            "SELECT samples FROM ingest_rejects WHERE reason = ?", (reason,)
        ).fetchone()
        kept = json.loads(row[0]) if row else []
        kept = (kept + [s[:2000] for s in samples.get(reason, ())])[:MAX_SAMPLES]
        conn.execute(
            "INSERT INTO ingest_rejects AS stored (reason, count, samples) VALUES (?, ?, ?) "
            "ON CONFLICT(reason) DO UPDATE SET count = stored.count + excluded.count, "
            "samples = excluded.samples",
            (reason, count, json.dumps(kept)),
        )


def add_misses(
    conn: sqlite3.Connection,
    misses: Mapping[tuple[bytes, str, int, int], int],
    last_status: Mapping[tuple[bytes, str], int],
) -> None:
    """Count requests for media paths the library does not have, per path and day and
    per path and hour: misses are keyed (path, hour slot 'YYYY-MM-DDTHH', is_bot,
    answered below 400), `last_status` (path, hour slot)."""
    hourly: dict[tuple[bytes, str], list[int]] = {}
    for (path, slot, is_bot, served), n in misses.items():
        hourly.setdefault((path, slot), [0, 0, 0, 0])[2 * served + is_bot] += n
    daily: dict[tuple[bytes, str], list[int]] = {}
    daily_status: dict[tuple[bytes, str], int] = {}
    for (path, slot), counts in sorted(hourly.items()):
        total = daily.setdefault((path, slot[:10]), [0, 0, 0, 0])
        for index, n in enumerate(counts):
            total[index] += n
        if (path, slot) in last_status:  # sorted by hour: the day's last status wins
            daily_status[(path, slot[:10])] = last_status[(path, slot)]
    counters = "human_not_found, bot_not_found, human_served, bot_served"
    added = (
        "human_not_found = stored.human_not_found + excluded.human_not_found, "
        "bot_not_found = stored.bot_not_found + excluded.bot_not_found, "
        "human_served = stored.human_served + excluded.human_served, "
        "bot_served = stored.bot_served + excluded.bot_served, last_status = excluded.last_status"
    )
    upsert_rows(
        conn,
        f"INSERT INTO media_misses AS stored (path, date, {counters}, "
        f"last_status) VALUES (?,?,?,?,?,?,?) "
        f"ON CONFLICT(path, date) DO UPDATE SET {added}",
        [
            (path, day, *counts, daily_status.get((path, day)))
            for (path, day), counts in in_key_order(conn, daily)
        ],
    )
    upsert_rows(
        conn,
        f"INSERT INTO misses_hourly AS stored (path, date, hour, {counters}, last_status) "
        f"VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(date, hour, path) DO UPDATE SET {added}",
        [
            (path, slot[:10], int(slot[11:13]), *counts, last_status.get((path, slot)))
            for (path, slot), counts in in_key_order(conn, hourly)
        ],
    )


def session_salt(conn: sqlite3.Connection) -> bytes:
    """The store's random salt for session keys, created on first use."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'session_salt'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    import secrets  # here: it loads OpenSSL (~8 ms), which opening a new store need not

    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES ('session_salt', ?) ON CONFLICT DO NOTHING",
        (secrets.token_hex(16),),
    )
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'session_salt'").fetchone()
    return bytes.fromhex(row[0])
