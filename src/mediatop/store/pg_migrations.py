"""Creating and migrating a PostgreSQL store, and refusing one a newer mediatop wrote.

The schema version is kept in the one-row table `mediatop_schema` (SQLite keeps it in
PRAGMA user_version). Migrations run in one transaction under an advisory lock, so
that several nodes opening a new store at once create it once.
"""

from __future__ import annotations

from mediatop.errors import StoreTooNewError
from mediatop.store.migration_files import (
    POSTGRES_BASELINE_VERSION,
    SCHEMA_VERSION,
    migrations,
    postgres_baseline,
)
from mediatop.store.pg_connection import PgConnection, describe

# Any fixed number: the key of the advisory lock that migrating sessions take.
_MIGRATION_LOCK = 0x6D656469  # "medi"

# A reader's session: it refuses to write; it plans no parallel workers, since a
# report's statements run tens of milliseconds, and a worker costs a process start,
# builds its own copy of a hash join's table and takes a core that the report's other
# half (the media report runs in two processes) or other sessions would use; and it
# prices a random page read near a sequential one (1.1, the value PostgreSQL's manual
# suggests for SSDs, against its default 4; a report's indexes are read from memory
# or SSD), so that a report about a few thousand files probes the indexes by id
# instead of scanning 100,000 rows (the audio report's most played, the savings cache
# joined to its files). Measured on the 10M-event store (bench/postgres.py's), each
# report's statements replayed with the server's CPU time counted: most reports 7-17%
# less with the random page at 1.1, none over 1% more; and 20-45% faster in wall time
# without workers on a busy 2-core machine.
_READER_SESSION = (
    "SET default_transaction_read_only = on; SET max_parallel_workers_per_gather = 0; "
    "SET random_page_cost = 1.1"
)


def schema_version(conn: PgConnection) -> int:
    """The store's version, 0 for a database mediatop has not made a store yet."""
    exists = conn.execute("SELECT to_regclass('mediatop_schema') IS NOT NULL").fetchone()
    if not (exists and exists[0]):
        return 0
    row = conn.execute("SELECT version FROM mediatop_schema").fetchone()
    return int(row[0]) if row else 0


def migrate_server_store(conn: PgConnection) -> None:
    """Bring the store at `conn` to SCHEMA_VERSION (creating it in an empty database)."""
    current = schema_version(conn)
    if current == SCHEMA_VERSION:
        return
    _refuse_newer(conn, current)
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        current = schema_version(conn)  # another node may have migrated meanwhile
        _refuse_newer(conn, current)
        if current == 0:
            conn.execute("CREATE TABLE mediatop_schema (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO mediatop_schema (version) VALUES (0)")
            conn.execute_script(postgres_baseline())
            current = POSTGRES_BASELINE_VERSION
        for number, sql in migrations("postgres"):
            if number > current:
                conn.execute_script(sql)
                current = number
        conn.execute("UPDATE mediatop_schema SET version = ?", (current,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _refuse_newer(conn: PgConnection, current: int) -> None:
    if current > SCHEMA_VERSION:
        raise StoreTooNewError(
            f"{describe(conn.url)} was written by a newer mediatop (store version {current}, "
            f"this one knows up to {SCHEMA_VERSION}); upgrade mediatop or use another --db"
        )


def open_migrated(url: str, *, readonly: bool) -> PgConnection:
    """A connection to the PostgreSQL store at `url`, created or migrated first; a
    reader's connection refuses to write (default_transaction_read_only)."""
    import psycopg

    from mediatop.errors import StoreError
    from mediatop.store.pg_connection import first_line, open_server_store

    conn = open_server_store(url)
    try:
        migrate_server_store(conn)
        if readonly:
            conn.execute_script(_READER_SESSION)
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(f"cannot set up {describe(url)}: {first_line(exc)}") from exc
    except BaseException:
        conn.close()
        raise
    return conn
