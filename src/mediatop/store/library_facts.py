"""Library facts: aggregates of media_files and usage_locations saved between report runs.

The library changes when a scan, a probe run or a references import writes; events,
which arrive all the time, never change it. So an aggregate of the library alone (the
image census, the share of responsive locations...) is computed once per library
generation instead of once per report. Every writer of media_files and usage_locations
calls `library_changed` inside its transaction; a fact is served only while the
generation it was computed at is still the current one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mediatop.store.connection import database_file
from mediatop.store.dialect import is_server_url


def library_changed(conn: sqlite3.Connection) -> None:
    """Mark the library as changed (call in the same transaction as the write)."""
    conn.execute("UPDATE library_state SET generation = generation + 1")


def measurements_changed(conn: sqlite3.Connection) -> None:
    """Mark the measured savings as changed (call in the same transaction as the write)."""
    conn.execute("UPDATE library_state SET measurements = measurements + 1")


@dataclass(frozen=True)
class FactState:
    """Where the library stands (its generation, its measurements' count) and the fact's
    JSON if it was computed there (None: compute it)."""

    generation: int
    measurements: int
    value: str | None


def read_fact(conn: sqlite3.Connection, name: str, measured: bool = False) -> FactState:
    """The fact `name` if computed at the current generation (and, for a `measured`
    fact, at the current count of measurements)."""
    also = " AND f.measurements = s.measurements" if measured else ""
    generation, measurements, value = conn.execute(
        "SELECT s.generation, s.measurements, f.value FROM library_state s "
        f"LEFT JOIN library_facts f ON f.name = ? AND f.generation = s.generation{also}",
        (name,),
    ).fetchone()
    return FactState(int(generation), int(measurements), value)


def save_fact(database: Path | str, name: str, at: FactState, value: str) -> bool:
    """Keep `value`, computed from a library where `at` was read or later, for that state.

    Reports hold read-only connections, so this writes through a short connection of
    its own that never waits: while another writer (a scan, an ingest batch) holds the
    store, the fact is simply not kept and the next report computes it again. A value
    computed while the library changed under it is saved against the older generation,
    which is already stale, so it is never read; it never replaces a value computed at a
    later state. False when it was not kept.
    """
    if is_server_url(database):
        return _save_on_server(str(database), name, at, value)
    try:
        uri = f"{Path(database).resolve().as_uri()}?mode=rw"  # never creates a file
        conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        kept = conn.execute(_SAVE_FACT, (name, at.generation, at.measurements, value)).rowcount
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return kept > 0


_SAVE_FACT = (
    "INSERT INTO library_facts (name, generation, measurements, value) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, "
    "measurements = excluded.measurements, value = excluded.value "
    # A fact finished late, computed before newer measurements, keeps its hands off one
    # computed after them.
    "WHERE (excluded.generation, excluded.measurements) "
    ">= (library_facts.generation, library_facts.measurements)"
)


def _save_on_server(url: str, name: str, at: FactState, value: str) -> bool:
    """`save_fact` on a PostgreSQL store: a row another writer holds is not waited for."""
    import psycopg

    from mediatop.errors import StoreError
    from mediatop.store.pg_connection import open_server_store

    try:
        conn = open_server_store(url)
    except StoreError:
        return False
    try:
        conn.execute("SET lock_timeout = 1")  # ms: never wait, as SQLite's timeout=0
        kept = conn.execute(_SAVE_FACT, (name, at.generation, at.measurements, value)).rowcount
    except (psycopg.Error, StoreError):  # the fact is simply not kept
        return False
    finally:
        conn.close()
    return kept > 0


def cached_fact(
    conn: sqlite3.Connection, name: str, compute: Callable[[], str], measured: bool = False
) -> str:
    """The fact `name` (JSON) saved at the library's current state (see `read_fact`),
    else `compute()`, kept for the next reader. The store's own cache behind a read: the
    reader writes nothing itself. The state is read before computing, so a change that
    lands meanwhile makes the kept value stale at once."""
    state = read_fact(conn, name, measured)
    if state.value is not None:
        return state.value
    value = compute()
    if path := database_file(conn):
        save_fact(path, name, state, value)
    return value
