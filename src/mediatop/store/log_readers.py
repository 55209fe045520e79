"""One reader of a log at a time, per node: the lock an ingest holds on each log it reads.

A second `mediatop ingest` (or `import-events`) of a file that another run of the same
node is still reading (a cron job overlapping the last one, a `--follow` left running)
would start from the same checkpoint and count the same lines twice. So a run holds,
for each file it reads and for as long as it runs, a lock keyed by its node and the
file's device and inode: on SQLite a byte-range lock (fcntl) of one file beside the
store, on PostgreSQL a session advisory lock. A run that finds a file's lock taken stops
before reading anything, saying so. The operating system or the server drops a lock
with its process or session, so a killed run never leaves a file locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from mediatop.errors import LogInUseError, StoreError
from mediatop.store.connection import READERS_LOCK_SUFFIX, database_file
from mediatop.store.dialect import is_postgres

# PostgreSQL: the first key of the two-key advisory locks on logs (any fixed number apart
# from the hours' 19_001, store/log_coverage.py).
_LOG_LOCKS = 19_002


def _key(node: str, path: Path) -> int:
    """A number in 1..2^31-1 standing for (node, the file's device and inode)."""
    found = os.stat(path)
    return zlib.crc32(f"{node}\0{found.st_dev}:{found.st_ino}".encode()) & 0x7FFF_FFFF or 1


def _refused(node: str, path: Path) -> LogInUseError:
    return LogInUseError(
        f"another mediatop run of node {node!r} is reading {path}; this one read nothing "
        "of it (run it again once that one has finished)"
    )


@contextlib.contextmanager
def reading_alone(conn: sqlite3.Connection, node: str, paths: Sequence[Path]) -> Iterator[None]:
    """Hold the lock of each of `paths` for `node` until the block ends; LogInUseError,
    holding none, when another run holds one of them."""
    keys = {_key(node, path): path for path in paths}
    if is_postgres(conn):
        with _advisory_locks(conn, node, keys):
            yield
    else:
        with _byte_locks(database_file(conn), node, keys):
            yield


@contextlib.contextmanager
def _advisory_locks(conn: sqlite3.Connection, node: str, keys: dict[int, Path]) -> Iterator[None]:
    held: list[int] = []
    try:
        for key in sorted(keys):
            row = conn.execute("SELECT pg_try_advisory_lock(?, ?)", (_LOG_LOCKS, key)).fetchone()
            if not row[0]:
                raise _refused(node, keys[key])
            held.append(key)
        yield
    finally:
        for key in held:
            # A session that broke took its locks with it: nothing left to release.
            with contextlib.suppress(StoreError):
                conn.execute("SELECT pg_advisory_unlock(?, ?)", (_LOG_LOCKS, key))


@contextlib.contextmanager
def _byte_locks(database: str, node: str, keys: dict[int, Path]) -> Iterator[None]:
    if not database:  # an in-memory store: no other process can reach it
        yield
        return
    fd = os.open(os.fsencode(database) + READERS_LOCK_SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
    try:  # closing the file drops every lock this process holds on it
        for key in sorted(keys):
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, key)
            except OSError:
                raise _refused(node, keys[key]) from None
        yield
    finally:
        os.close(fd)
