"""The numbered migrations, one list for both backends, and PostgreSQL's baseline.

`NNNN_name.sql` is spoken by both backends; where they differ, a number comes as a
pair, `NNNN_name.sqlite.sql` and `NNNN_name.postgres.sql`. SQLite stores take every
number in turn (keyed on PRAGMA user_version). A PostgreSQL store starts from
`baseline_0040.postgres.sql`, the schema 0001..0040 leave, in PostgreSQL's dialect (no
PostgreSQL store is older than that), then takes the numbers after 0040.
"""

from __future__ import annotations

import re
from importlib import resources

from mediatop.store.dialect import Dialect

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+(?:\.(sqlite|postgres))?\.sql$")
POSTGRES_BASELINE = "baseline_0040.postgres.sql"
POSTGRES_BASELINE_VERSION = 40


def migrations(dialect: Dialect) -> list[tuple[int, str]]:
    """(number, SQL) of every migration `dialect` runs, in order; PostgreSQL's begin
    after its baseline."""
    folder = resources.files("mediatop.store") / "migrations"
    found: dict[int, str] = {}
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match is None or match.group(2) not in (None, dialect):
            continue
        number = int(match.group(1))
        if number in found:
            raise RuntimeError(f"two migrations numbered {number:04d} for {dialect}")
        found[number] = entry.read_text(encoding="utf-8")
    if dialect == "postgres":
        found = {n: sql for n, sql in found.items() if n > POSTGRES_BASELINE_VERSION}
    return sorted(found.items())


def postgres_baseline() -> str:
    folder = resources.files("mediatop.store") / "migrations"
    return (folder / POSTGRES_BASELINE).read_text(encoding="utf-8")


def _paired(sqlite: list[tuple[int, str]], postgres: list[tuple[int, str]]) -> None:
    """Refuse a number after the baseline that only one backend has: both stores must
    reach the same version, or a reader would wait for a migration that never comes."""
    later = {number for number, _ in sqlite if number > POSTGRES_BASELINE_VERSION}
    lonely = later ^ {number for number, _ in postgres}
    if lonely:
        raise RuntimeError(f"migrations {sorted(lonely)} exist for one backend only")


SQLITE_MIGRATIONS = migrations("sqlite")
POSTGRES_MIGRATIONS = migrations("postgres")
_paired(SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)
SCHEMA_VERSION = max(
    [SQLITE_MIGRATIONS[-1][0], POSTGRES_BASELINE_VERSION]
    + [number for number, _ in POSTGRES_MIGRATIONS]
)
