"""A PostgreSQL store's connection: psycopg 3 behind the subset of `sqlite3.Connection`
that the store's modules use (execute and executemany returning cursors that fetch and
iterate, `in_transaction`, close), so that they run unchanged on either backend.

The store's statements are written with SQLite's placeholders (`?` and `:name`);
`postgres_sql` translates them, once per statement, to psycopg's (`%s`, `%(name)s`),
skipping string literals and quoted names. That is the only rewriting of SQL anywhere:
where the dialects differ otherwise, the store module holds both statements
(`mediatop.store.dialect`). The connection is in autocommit mode, as the SQLite ones
are: `BEGIN` ... `COMMIT` (from `store.transaction`) makes a transaction.

Values travel as SQLite's do: a numeric (what SUM over a bigint column gives) is read as
an int when it is whole and a float otherwise, never as a Decimal; a bool is written as
1 or 0. `execute` binds parameters on the client (psycopg's ClientCursor): like SQLite,
the server then never has to guess a parameter's type (`? IS NULL`).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import psycopg
from psycopg import postgres
from psycopg.adapt import Dumper, Loader
from psycopg.conninfo import conninfo_to_dict

from mediatop.errors import StoreError

Params = Sequence[Any] | Mapping[str, Any]

# SQLite's way to take the write lock at once; PostgreSQL locks rows as they are written.
_TRANSACTION_CONTROL = {"BEGIN IMMEDIATE": "BEGIN"}


@functools.lru_cache(maxsize=4096)
def postgres_sql(sql: str) -> str:
    """`sql` with SQLite's placeholders as psycopg's, and a literal % doubled."""
    if sql in _TRANSACTION_CONTROL:
        return _TRANSACTION_CONTROL[sql]
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"" or sql.startswith("--", i):  # a literal, a quoted name, a comment
            end = sql.find("\n" if char == "-" else char, i + 1 if char != "-" else i)
            end = n - 1 if end < 0 else end
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif char == "?":
            out.append("%s")
            i += 1
        elif char == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            if i > 0 and sql[i - 1] == ":":  # a PostgreSQL cast (x::int), not a name
                out.append(char)
                i += 1
                continue
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1 : end]})s")
            i = end
        elif char == "%":
            out.append("%%")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


class _BoolAsInteger(Dumper):
    """A Python bool as SQLite stores it: the integer 1 or 0 (the columns are integers)."""

    oid = postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"

    def quote(self, obj: Any) -> bytes:
        return self.dump(obj)


class _NumberLoader(Loader):
    """numeric as SQLite gives it: an int when whole, else a float."""

    def load(self, data: Any) -> int | float:
        # Called once per value (a report's sums are tens of thousands of them): int()
        # reads the buffer as it comes, and only a fraction, NaN or Infinity, which int
        # refuses, is read again as a float. Half the CPU of decoding it to text first.
        try:
            return int(data)
        except (TypeError, ValueError):
            return float(bytes(data))


def describe(url: str) -> str:
    """The store's URL as a message may show it: user@host:port/database, no password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:  # shown as written, but for a password
        return re.sub(r"^(\w+://[^:/@]*):[^@/]*@", r"\1:***@", url)
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host') or 'localhost'}{port}/{parts.get('dbname', '')}"


def database_of(url: str) -> tuple[str, str, str]:
    """The host, port and database a URL names (as written: `localhost` and `127.0.0.1`
    differ), whoever logs in: what tells two URLs of one store."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return (url, "", "")
    return (str(parts.get("host") or "localhost"), str(parts.get("port") or "5432"),
            str(parts.get("dbname") or ""))  # fmt: skip


class PgConnection:
    """One psycopg connection to a PostgreSQL store, spoken to as the store speaks to
    SQLite. `url` is what opened it: a second connection (a report's other half, the
    store's own cache writer) opens the same store from it."""

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        raw.adapters.register_loader("numeric", _NumberLoader)
        raw.adapters.register_dumper(bool, _BoolAsInteger)
        self._raw = raw
        self.url = url

    def execute(self, sql: str, params: Params = ()) -> psycopg.Cursor[Any]:
        try:
            return self._raw.execute(postgres_sql(sql), params)
        except psycopg.Error as exc:
            raise _refused(self.url, exc) from exc

    def executemany(self, sql: str, rows: Iterable[Params]) -> psycopg.Cursor[Any]:
        # Bound on the server, unlike `execute`: the statement is prepared once and the
        # rows stream through the pipeline, instead of a text to parse per row (the
        # rollup upserts of an ingest batch are tens of thousands of rows). Its values go
        # into columns, which type them.
        cursor = psycopg.Cursor(self._raw)
        try:
            cursor.executemany(postgres_sql(sql), rows)
        except psycopg.Error as exc:
            raise _refused(self.url, exc) from exc
        return cursor

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append `rows` to `table` with COPY: PostgreSQL's bulk load, many times faster
        than INSERTs, which it must parse and plan one by one."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        try:
            with self._raw.cursor().copy(statement.encode()) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise _refused(self.url, exc) from exc

    def stream(self, sql: str, size: int) -> Iterator[list[Any]]:
        """The rows of `sql` (no parameters), `size` at a time, through a server-side
        cursor: a client one would hold the whole result in memory. Inside a transaction
        (a named cursor lives in one)."""
        try:
            with self._raw.cursor(name="mediatop_stream") as cursor:
                cursor.execute(sql.encode())
                while batch := cursor.fetchmany(size):
                    yield batch
        except psycopg.Error as exc:
            raise _refused(self.url, exc) from exc

    def execute_script(self, sql: str) -> None:
        """Run several statements without parameters (a migration) as they are."""
        self._raw.execute(sql.encode())

    @property
    def in_transaction(self) -> bool:
        return self._raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def commit(self) -> None:
        self._raw.commit()

    def rollback(self) -> None:
        self._raw.rollback()

    def close(self) -> None:
        self._raw.close()


def _refused(url: str, exc: psycopg.Error) -> StoreError:
    """What the server said (a lost connection, a refused write: no privilege, a read-only
    user), as the one line a face shows."""
    return StoreError(f"{describe(url)}: {first_line(exc)}")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_server_store(url: str) -> PgConnection:
    """A connection to the PostgreSQL store at `url`; a URL that cannot be read, a server
    that does not answer or that refuses the user become a StoreError saying so."""
    try:
        conninfo_to_dict(url)  # a URL that cannot be read, told apart from a server's refusal
        raw = psycopg.connect(
            url, autocommit=True, connect_timeout=10, cursor_factory=psycopg.ClientCursor
        )
    except psycopg.ProgrammingError as exc:  # the URL itself
        raise StoreError(f"cannot read the store URL {describe(url)}: {first_line(exc)}") from exc
    except psycopg.OperationalError as exc:  # down, refused, auth failed, no database
        raise StoreError(f"cannot open {describe(url)}: {first_line(exc)}") from exc
    return PgConnection(raw, url)


def copy_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """`PgConnection.copy_rows` for a store module, which holds its connection typed as
    SQLite's (store.connection)."""
    cast(PgConnection, conn).copy_rows(table, columns, rows)
