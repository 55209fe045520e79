"""Ingest bookkeeping: log checkpoints, malformed-line counts, 404 heat, session salt.

Checkpoints are matched by content (a fingerprint of the log's first bytes), so a log
that was renamed or copied by rotation resumes where it stopped. Every write here
happens in the same transaction as the events it accounts for.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_SAMPLES = 5


@dataclass(frozen=True)
class Checkpoint:
    """How far one log's content has been read."""

    id: int | None
    log_path: str
    device: int
    inode: int
    fingerprint: str
    fingerprint_len: int
    offset: int
    lines: int = 0
    accepted: int = 0
    malformed: int = 0


def all_checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    """Every checkpoint (there is one per log generation ever read; a handful)."""
    return [
        Checkpoint(*row)
        for row in conn.execute(
            "SELECT id, log_path, device, inode, fingerprint, fingerprint_len, offset, lines, "
            "accepted, malformed FROM ingest_checkpoints"
        )
    ]


def save_checkpoint(conn: sqlite3.Connection, cp: Checkpoint, now: int) -> int:
    """Insert or update a checkpoint; returns its id."""
    values = (
        cp.log_path, cp.device, cp.inode, cp.fingerprint, cp.fingerprint_len, cp.offset,
        cp.lines, cp.accepted, cp.malformed, now,
    )  # fmt: skip
    if cp.id is None:
        cursor = conn.execute(
            "INSERT INTO ingest_checkpoints (log_path, device, inode, fingerprint, "
            "fingerprint_len, offset, lines, accepted, malformed, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            values,
        )
        return int(cursor.lastrowid or 0)
    conn.execute(
        "UPDATE ingest_checkpoints SET log_path = ?, device = ?, inode = ?, fingerprint = ?, "
        "fingerprint_len = ?, offset = ?, lines = ?, accepted = ?, malformed = ?, "
        "updated_at = ? WHERE id = ?",
        (*values, cp.id),
    )
    return cp.id


def add_rejects(
    conn: sqlite3.Connection, counts: Mapping[str, int], samples: Mapping[str, Sequence[str]]
) -> None:
    """Count malformed lines per reason, keeping the first few samples of each."""
    for reason, count in counts.items():
        row = conn.execute(
            "SELECT samples FROM ingest_rejects WHERE reason = ?", (reason,)
        ).fetchone()
        kept = json.loads(row[0]) if row else []
        kept = (kept + [s[:2000] for s in samples.get(reason, ())])[:MAX_SAMPLES]
        conn.execute(
            "INSERT INTO ingest_rejects (reason, count, samples) VALUES (?, ?, ?) "
            "ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count, "
            "samples = excluded.samples",
            (reason, count, json.dumps(kept)),
        )


def add_misses(
    conn: sqlite3.Connection,
    misses: Counter[tuple[bytes, str]],
    last_status: Mapping[tuple[bytes, str], int],
) -> None:
    """Count requests for media paths the library does not have, per path and day and
    per path and hour. Keys are (path, hour slot 'YYYY-MM-DDTHH')."""
    daily: Counter[tuple[bytes, str]] = Counter()
    daily_status: dict[tuple[bytes, str], int] = {}
    for (path, slot), n in sorted(misses.items()):
        daily[(path, slot[:10])] += n
        if (path, slot) in last_status:  # sorted by hour: the day's last status wins
            daily_status[(path, slot[:10])] = last_status[(path, slot)]
    conn.executemany(
        "INSERT INTO media_misses (path, date, requests, last_status) VALUES (?,?,?,?) "
        "ON CONFLICT(path, date) DO UPDATE SET requests = requests + excluded.requests, "
        "last_status = excluded.last_status",
        [(path, day, n, daily_status.get((path, day))) for (path, day), n in daily.items()],
    )
    conn.executemany(
        "INSERT INTO misses_hourly (path, date, hour, requests, last_status) "
        "VALUES (?,?,?,?,?) ON CONFLICT(date, hour, path) DO UPDATE SET "
        "requests = requests + excluded.requests, last_status = excluded.last_status",
        [
            (path, slot[:10], int(slot[11:13]), n, last_status.get((path, slot)))
            for (path, slot), n in misses.items()
        ],
    )


def session_salt(conn: sqlite3.Connection) -> bytes:
    """The store's random salt for session keys, created on first use."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'session_salt'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    conn.execute(
        "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('session_salt', ?)",
        (secrets.token_hex(16),),
    )
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'session_salt'").fetchone()
    return bytes.fromhex(row[0])
