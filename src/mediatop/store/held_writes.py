"""A batch's writes to shared rows, held back and run back to back at its end (PostgreSQL).

Writers that share a PostgreSQL store (a `mediatop ingest` per web node, the server's
beacons) add to the same rollup rows: a file's day, a kind's hour. A row an upsert has
written stays locked until its transaction commits, and every other writer that needs
it waits until then. Inside `held_until_end(conn)` the upserts of `store.upsert_many`
(and the statements given to `run_or_hold`) do not run where they are issued: a big set
of rows is copied into its staging table at once (a table of the session's own: no
shared row is locked by that), and the statements that write the shared tables are
queued, then run one after the other, in the order they were issued (which keeps
store.lock_order's order of tables and of keys), when the scope ends, just before the
batch's last small writes and its commit. So a batch holds shared rows for the
server's time of those statements, not for its whole writing (building its rollup rows
and copying them to the server).

SQLite runs every statement where it is issued: it takes one lock for the whole store at
BEGIN IMMEDIATE, so there is nothing to shorten.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mediatop.store.dialect import is_postgres


@dataclass
class _Held:
    """The statements a scope holds, in issue order, and the staging tables whose rows
    they have yet to move."""

    # (statement, parameters, the staging table whose rows it moves, or None)
    statements: list[tuple[str, Sequence[Any], str | None]] = field(default_factory=list)
    runs: int = 0  # how many times the queue has run (a mark is only good within one)

    @property
    def staged(self) -> set[str]:
        return {staging for _sql, _params, staging in self.statements if staging}


# The connection's open scope (one at a time; a nested scope joins the outer one).
_HELD: weakref.WeakKeyDictionary[Any, _Held] = weakref.WeakKeyDictionary()


@contextmanager
def held_until_end(conn: sqlite3.Connection) -> Iterator[None]:
    """Hold the shared-row writes issued inside (PostgreSQL) and run them as it ends,
    in the caller's transaction; on an error they are dropped with the transaction."""
    if not is_postgres(conn) or conn in _HELD:
        yield
        return
    held = _HELD[conn] = _Held()
    try:
        yield
    except BaseException:
        del _HELD[conn]
        raise
    del _HELD[conn]
    _run(conn, held)


def run_or_hold(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> None:
    """Run `sql`, or queue it when a scope holds this connection's writes."""
    held = _HELD.get(conn) if is_postgres(conn) else None
    if held is None:
        conn.execute(sql, params)
    else:
        held.statements.append((sql, params, None))


def run_or_hold_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """`conn.executemany(sql, rows)`, or each row's statement queued when a scope holds
    this connection's writes."""
    held = _HELD.get(conn) if is_postgres(conn) else None
    if held is None:
        conn.executemany(sql, rows)
    else:
        held.statements.extend((sql, row, None) for row in rows)


def before_staging(conn: sqlite3.Connection, staging: str) -> None:
    """Called before rows are copied into `staging`: if a held statement has yet to
    move that table's earlier rows, the held statements run first (so that one move
    never takes two sets of rows, which may share keys)."""
    held = _HELD.get(conn) if is_postgres(conn) else None
    if held is not None and staging in held.staged:
        _run(conn, held)


def hold_move(conn: sqlite3.Connection, staging: str, sql: str) -> None:
    """Run `sql`, which moves the rows of `staging` into its table, or queue it."""
    held = _HELD.get(conn) if is_postgres(conn) else None
    if held is None:
        conn.execute(sql)
    else:
        held.statements.append((sql, (), staging))


def holds_writes(conn: sqlite3.Connection) -> bool:
    """Whether a scope holds this connection's writes (only ever on PostgreSQL)."""
    return is_postgres(conn) and conn in _HELD


def mark(conn: sqlite3.Connection) -> tuple[int, int]:
    """Where the held queue stands, for `drop_since`."""
    held = _HELD[conn]
    return held.runs, len(held.statements)


def drop_since(conn: sqlite3.Connection, at: tuple[int, int]) -> None:
    """Forget the statements held since `mark` gave `at` (to write their rows again
    otherwise: a staging table is emptied before it takes new rows)."""
    held = _HELD[conn]
    if held.runs != at[0]:  # they ran already: nothing can take them back
        raise RuntimeError("held writes: the statements to drop have run already")
    del held.statements[at[1] :]


def _run(conn: sqlite3.Connection, held: _Held) -> None:
    """Run the held statements in order, and forget them."""
    statements, held.statements = held.statements, []
    held.runs += 1
    for sql, params, _staging in statements:
        conn.execute(sql, params)
