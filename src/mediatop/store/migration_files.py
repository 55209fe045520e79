"""The numbered migrations, one list for both backends, and PostgreSQL's baseline.

`NNNN_name.sql` is spoken by both backends; where they differ, a number comes as a
pair, `NNNN_name.sqlite.sql` and `NNNN_name.postgres.sql`. SQLite stores take every
number in turn (keyed on PRAGMA user_version). A PostgreSQL store starts from
`baseline_0040.postgres.sql`, the schema 0001..0040 leave, in PostgreSQL's dialect (no
PostgreSQL store is older than that), then takes the numbers after 0040.

Only the file names are read when this module loads (every command opens a store and
needs SCHEMA_VERSION); a migration's text is read when a store needs it.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from mediatop.store.dialect import Dialect

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+(?:\.(sqlite|postgres))?\.sql$")
# The package's own folder: mediatop is installed as files (it forks, reads and writes
# beside them), so a plain listing serves, without importlib.resources' start-up.
_FOLDER = Path(__file__).with_name("migrations")
POSTGRES_BASELINE = "baseline_0040.postgres.sql"
POSTGRES_BASELINE_VERSION = 40


def _numbered(dialect: Dialect) -> dict[int, str]:
    """number -> file name of every migration `dialect` runs; PostgreSQL's begin after
    its baseline."""
    found: dict[int, str] = {}
    for name in os.listdir(_FOLDER):
        match = _MIGRATION_NAME.match(name)
        if match is None or match.group(2) not in (None, dialect):
            continue
        number = int(match.group(1))
        if number in found:
            raise RuntimeError(f"two migrations numbered {number:04d} for {dialect}")
        found[number] = name
    if dialect == "postgres":
        found = {n: name for n, name in found.items() if n > POSTGRES_BASELINE_VERSION}
    return found


@cache
def migrations(dialect: Dialect) -> list[tuple[int, str]]:
    """(number, SQL) of every migration `dialect` runs, in order."""
    return [
        (number, (_FOLDER / name).read_text(encoding="utf-8"))
        for number, name in sorted(_NUMBERED[dialect].items())
    ]


def postgres_baseline() -> str:
    return (_FOLDER / POSTGRES_BASELINE).read_text(encoding="utf-8")


def _paired(sqlite: dict[int, str], postgres: dict[int, str]) -> None:
    """Refuse a number after the baseline that only one backend has: both stores must
    reach the same version, or a reader would wait for a migration that never comes."""
    later = {number for number in sqlite if number > POSTGRES_BASELINE_VERSION}
    lonely = later ^ set(postgres)
    if lonely:
        raise RuntimeError(f"migrations {sorted(lonely)} exist for one backend only")


_NUMBERED: dict[Dialect, dict[int, str]] = {d: _numbered(d) for d in ("sqlite", "postgres")}
_paired(_NUMBERED["sqlite"], _NUMBERED["postgres"])
SCHEMA_VERSION = max([*_NUMBERED["sqlite"], POSTGRES_BASELINE_VERSION, *_NUMBERED["postgres"]])
