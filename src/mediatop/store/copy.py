"""Copying a library's whole store into a new, empty one (`mediatop store copy SRC DST`).

Every table of the source is copied, every column, with the table and column lists
read from the stores themselves (the migrations are the only place the schema is
written). The source is read in ONE read transaction, so the copy is of one moment even
while an ingest goes on; the destination is written in batches of COPY_BATCH_ROWS rows,
each one transaction. Rows go in as they are: ids, paths (BLOBs, whatever bytes a name
has) and the session salt included, so the copy's reports are the source's.

Either store may be SQLite or PostgreSQL (`store.copy_backends` holds what differs: a
PostgreSQL source is read in one REPEATABLE READ snapshot through a server-side cursor,
a PostgreSQL destination is written with COPY, and its identity sequences are set past
the copied ids at the end). Both stores are opened through `connect`, so both are at
this mediatop's schema version and have the same tables.
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mediatop.errors import StoreCopyRefused
from mediatop.store.connection import connect, transaction
from mediatop.store.copy_backends import (
    begin_snapshot,
    column_names,
    quoted,
    read_batches,
    reset_identities,
    row_count,
    table_names,
    write_batch,
)
from mediatop.store.ingest_tuning import restore_after_ingest, tune_for_ingest

COPY_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class CopyProgress:
    """Where a copy stands: `copied` of the `rows` of `table`, the `done`-th of `tables`."""

    table: str
    copied: int
    rows: int
    done: int
    tables: int


@dataclass(frozen=True)
class StoreCopy:
    """A finished copy: the rows of each table (by name), and how long it took."""

    tables: tuple[tuple[str, int], ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(count for _table, count in self.tables)


def new_store_rows() -> dict[str, list[tuple[object, ...]]]:
    """The rows a store holds as the migrations leave it (library_state's one row), by
    table: what a destination may hold and still be called new."""
    with tempfile.TemporaryDirectory(prefix="mediatop-new-store-") as folder:
        conn = connect(Path(folder) / "new.sqlite3")
        try:
            return {
                table: rows
                for table in table_names(conn)
                if (rows := conn.execute(f"SELECT * FROM {quoted(table)}").fetchall())
            }
        finally:
            conn.close()


def refuse_unless_new(conn: sqlite3.Connection, name: str) -> None:
    """Raise StoreCopyRefused unless the store on `conn` holds nothing a new store
    would not hold (naming its fullest table otherwise)."""
    seeded = new_store_rows()
    held = {
        table: row_count(conn, table)
        for table in table_names(conn)
        if (rows := conn.execute(f"SELECT * FROM {quoted(table)} LIMIT 2").fetchall())
        and rows != seeded.get(table)
    }
    if held:
        fullest = max(held, key=lambda table: (held[table], table))
        count = held[fullest]
        raise StoreCopyRefused(
            f"{name} is not empty ({fullest} holds {count:,} row{'s' * (count != 1)}): a "
            "store is copied only into a new one (a path with no file yet, or a store "
            "nothing was recorded in)"
        )


def copy_store(
    source: sqlite3.Connection,
    destination: sqlite3.Connection,
    progress: Callable[[CopyProgress], None] | None = None,
) -> StoreCopy:
    """Copy every row of every table of `source` into `destination` (which
    `refuse_unless_new` accepted: rows a new store starts with are replaced)."""
    started = time.monotonic()
    tables = table_names(source)
    missing = sorted(set(tables) - set(table_names(destination)))
    if missing:
        raise StoreCopyRefused(f"the destination has no table {', '.join(missing)}")
    copied = []
    # SQLite-only: a bulk load, as an ingest is: the WAL copied into the store rarely,
    # then at the end (PRAGMAs)
    tuned = tune_for_ingest(destination)
    begin_snapshot(source)  # one read transaction: the copy is of one moment
    try:
        for done, table in enumerate(tables, start=1):
            step = functools.partial(_report, progress, table, done, len(tables))
            copied.append((table, copy_table(source, destination, table, step)))
        reset_identities(destination)
    finally:
        source.execute("COMMIT")
        restore_after_ingest(destination, tuned)  # SQLite-only: PRAGMAs
    return StoreCopy(tuple(copied), time.monotonic() - started)


def _report(
    progress: Callable[[CopyProgress], None] | None,
    table: str,
    done: int,
    tables: int,
    copied: int,
    rows: int,
) -> None:
    if progress is not None:
        progress(CopyProgress(table, copied, rows, done, tables))


def copy_table(
    source: sqlite3.Connection,
    destination: sqlite3.Connection,
    table: str,
    step: Callable[[int, int], None],
) -> int:
    """Copy `table`'s rows in batches, each one transaction of the destination, after
    clearing the rows a new store starts with; the rows copied."""
    columns = column_names(source, table)
    wanted = set(column_names(destination, table))
    if not set(columns) <= wanted:
        raise StoreCopyRefused(
            f"the destination's {table} has no column {', '.join(sorted(set(columns) - wanted))}"
        )
    listed = ", ".join(quoted(column) for column in columns)
    rows = row_count(source, table)
    with transaction(destination):
        destination.execute(f"DELETE FROM {quoted(table)}")
    done = 0
    step(done, rows)
    for batch in read_batches(source, f"SELECT {listed} FROM {quoted(table)}", COPY_BATCH_ROWS):
        with transaction(destination):
            write_batch(destination, table, columns, batch)
        done += len(batch)
        step(done, rows)
    return done
