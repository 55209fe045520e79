"""Rollup writes in key order where it matters, and results that do not depend on it.

On PostgreSQL every rollup upsert of an ingest batch writes its rows sorted by key
(store.lock_order), whatever order the log asked for them in: two writers then never
wait on each other in a cycle on a store that locks rows. The server's own statement
log shows the rows in the order they went. SQLite (one writer at a time) writes them as
they come: the same log leaves the same rows in every rollup table on both backends."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect
from pg_server import PgServer

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
# table -> how many leading values of a row are its key (kind_breakdown_hourly is
# written for documents, video and audio only: not for these images)
KEYED = {
    "media_performance_metrics": 2, "file_totals": 1, "kind_daily": 2, "usage_breakdown": 4,
    "kind_breakdown": 4, "media_hourly": 3, "kind_hourly": 3,
    "latency_hourly": 5, "latency_histogram": 4, "media_misses": 2, "misses_hourly": 3,
}  # fmt: skip
FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" $request_time'
)
# One entry of the server's log: its prefix ('%m [%p] ', the default), its level, text.
_ENTRY = re.compile(
    r"^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] (\w+):  (.*?)(?=^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[|\Z)",
    re.S | re.M,
)
_INSERT = re.compile(
    r"^\s*INSERT INTO (\w+)(?: AS \w+)? \([^)]*\)\s*VALUES\s*(\(.*\))\s*ON CONFLICT", re.S
)
# a literal as psycopg writes it into a statement ('text', '\x..'::bytea, 12, 1.5, NULL),
# or a parenthesis or comma between them
_TOKEN = re.compile(r"'(?:[^']|'')*'(?:::\w+)?|[(),]|[^,()\s]+")
_PARAMETER = re.compile(r"\$\d+ = ('(?:[^']|'')*'|NULL)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _value(token: str) -> object:
    """A literal as a comparable value: a number as a number (PostgreSQL orders a number
    column so), a quoted text (or bytea, as hex: in byte order) as its text."""
    if token.startswith("'"):
        token = token[1 : token.rindex("'")].replace("''", "'")
        return float(token) if _NUMBER.fullmatch(token) else token
    return None if token == "NULL" else float(token)


def _rows(values: str) -> list[list[object]]:
    """The rows of a VALUES list `(a, b), (c, d)` of literals."""
    rows: list[list[object]] = []
    for token in _TOKEN.findall(values):
        if token == "(":
            rows.append([])
        elif token not in (")", ","):
            rows[-1].append(_value(token))
    return rows


def _written_keys(log: str) -> dict[str, list[tuple[object, ...]]]:
    """table -> the keys of the rows its upserts wrote, in the order they went: a simple
    statement's literals (psycopg's client-side binding), or an executed prepared
    statement's parameters (its DETAIL entry)."""
    keys: dict[str, list[tuple[object, ...]]] = {}
    executing: str | None = None
    for level, text in _ENTRY.findall(log):
        if level == "DETAIL" and executing and text.lower().startswith("parameters:"):
            row = [_value(v) for v in _PARAMETER.findall(text)]
            keys.setdefault(executing, []).append(tuple(row[: KEYED[executing]]))
            continue
        executing = None
        statement = text.split(": ", 1)[1] if level == "LOG" and ": " in text else ""
        match = _INSERT.match(statement)
        if match is None or match[1] not in KEYED:
            continue
        if text.startswith("execute "):  # prepared: one row per execute, in its DETAIL
            executing = match[1]
            continue
        for row in _rows(match[2]):
            keys.setdefault(match[1], []).append(tuple(row[: KEYED[match[1]]]))
    return keys


def _scanned_store(tmp_path: Path, store: str) -> sqlite3.Connection:
    root = tmp_path / "media"
    root.mkdir(parents=True, exist_ok=True)
    for index in range(4):
        (root / f"f{index}.jpg").write_bytes(b"x")
    conn = connect(store)
    scan_root(conn, root, probe=False)
    return conn


def _ingest_reversed_log(tmp_path: Path, conn: sqlite3.Connection) -> None:
    """Ingest a log that asks for the files last name first, and for misses (z.jpg before
    a.jpg), over two hours of two days, with server times in several buckets: in log
    order the keys of most rollups would come out descending."""
    lines = []
    for n in range(40):
        stamp = ("10/Oct/2024:23", "11/Oct/2024:00")[n // 20] + f":{n:02d}:00 +0000"
        name = ("z-gone", "f3", "f2", "f1", "f0", "a-gone")[n % 6]
        lines.append(
            f'198.51.100.{n} - - [{stamp}] "GET /uploads/{name}.jpg HTTP/1.1" '
            f'{404 if "gone" in name else 200} {n} "https://ref{9 - n % 9}.example/" '
            f'"{UA}" {(40 - n) / 100:.2f}\n'
        )
    log = tmp_path / "access.log"
    log.write_text("".join(lines))
    # 40 lines, of which 13 ask for the missing names (n % 6 = 0: 7 lines, n % 6 = 5: 6)
    tally = ingest_logs(conn, [log], url_prefixes=("/uploads/",), log_format=FORMAT)
    assert tally.accepted == 27


def test_every_rollup_upsert_of_a_batch_runs_in_key_order_on_postgres(
    tmp_path: Path, pg_server: PgServer, pg_store_url: str
) -> None:
    database = pg_store_url.rsplit("/", 1)[1]
    with pg_server.admin() as admin:  # the connections opened after it log every statement
        admin.execute(f"ALTER DATABASE {database} SET log_statement = 'all'")
    conn = _scanned_store(tmp_path, pg_store_url)
    _before, start = pg_server.log_text()
    try:
        _ingest_reversed_log(tmp_path, conn)
    finally:
        conn.close()
    keys = _written_keys(pg_server.log_text(start)[0])
    assert set(keys) == set(KEYED), set(KEYED) - set(keys)
    for table, written in keys.items():
        assert len(written) > 1, table  # more than one row, so the order is tested
        assert written == sorted(written), table


def _contents(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    """A table's rows but for their clock columns and row id (numbered in the order the
    rows went in, which is the backends' one difference), numbers as floats, sorted."""
    cursor = conn.execute(f"SELECT * FROM {table}")
    names = [column[0] for column in cursor.description]
    kept = [i for i, name in enumerate(names) if name not in ("id", "created_at", "updated_at")]
    rows = [
        tuple(float(row[i]) if isinstance(row[i], int | float) else row[i] for i in kept)
        for row in cursor.fetchall()
    ]
    return sorted(rows, key=repr)


def test_sqlite_writes_unsorted_and_stores_what_postgres_stores_sorted(
    tmp_path: Path, pg_store_url: str
) -> None:
    stores = {"sqlite": str(tmp_path / "store.sqlite3"), "postgres": pg_store_url}
    contents: dict[str, dict[str, list[tuple[object, ...]]]] = {}
    for backend, store in stores.items():
        conn = _scanned_store(tmp_path / backend, store)
        try:
            _ingest_reversed_log(tmp_path / backend, conn)
            contents[backend] = {table: _contents(conn, table) for table in KEYED}
        finally:
            conn.close()
    for table in KEYED:
        assert contents["sqlite"][table], table  # rows to compare
        assert contents["sqlite"][table] == contents["postgres"][table], table
