"""The fixtures tests share: a scanned snapshot library, the dashboard app on it, and an
empty store for the analytics tests (named apart from the module fixtures some test
files keep for their own data: `library`, `store`).

Each set-up is written once here (or as a factory in tui_fixtures /
analytics_types_support, for a test that needs it with other options) and used
everywhere, so every test runs the wiring users get: a real media tree in tmp_path, a
real SQLite store, the app from `build_app`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics_types_support import new_store
from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from pg_server import PgServer, PgServerError
from tui_fixtures import dashboard_app, scanned_library


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`'s workers: twice the cores, up to 8, on a small machine. A TUI, server or
    hang-up test spends much of its time waiting on another process or a pilot's pause,
    so a core takes a second worker: on 2 cores the suite took 5 min 11 s with 4 workers
    against about 6 min 30 s with 2. More than 8 would each start a PostgreSQL server
    (the `pg_server` fixture is per worker) for little."""
    cores = os.cpu_count() or 1
    return max(cores, min(2 * cores, 8))


@pytest.fixture
def snapshot_library(tmp_path: Path) -> Settings:
    """The snapshot library (tui_fixtures.build_library) in tmp_path/uploads, scanned
    at the frozen clock into tmp_path/store.sqlite3."""
    return scanned_library(tmp_path)[1]


@pytest.fixture
def app(snapshot_library: Settings) -> MediatopApp:
    """The dashboard on `snapshot_library`: frozen clock, no watchers, no start-up scan."""
    return dashboard_app(snapshot_library)


@pytest.fixture
def empty_store(tmp_path: Path, store_url: str) -> Iterator[tuple[sqlite3.Connection, Settings]]:
    """An empty store and settings whose root is tmp_path/media, once on each backend
    (`store_url`): the analytics tests run against SQLite and PostgreSQL alike. Closed
    after the test."""
    server_url = store_url if store_url.startswith("postgresql://") else None
    conn, settings = new_store(tmp_path, server_url)
    yield conn, settings
    conn.close()


@pytest.fixture
def hero_library(tmp_path: Path, store_url: str) -> Iterator[sqlite3.Connection]:
    """A store, once on each backend, that scanned tmp_path/media holding one file,
    hero.jpg (not probed). Closed after the test."""
    from mediatop.scan import scan_root
    from mediatop.store import connect

    root = tmp_path / "media"
    root.mkdir()
    (root / "hero.jpg").write_bytes(b"x")
    conn = connect(store_url)
    scan_root(conn, root, probe=False)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server for the session (tests/pg_server.py). One that cannot
    start fails the tests that need it, saying why: they never skip."""
    try:
        server = PgServer().start()
    except PgServerError as exc:
        pytest.fail(
            f"the PostgreSQL tests need a server, and it did not start: {exc}", pytrace=False
        )
    yield server
    server.stop()


_PG_TEMPLATE = "mediatop_template"
_pg_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated once into an empty mediatop store, to copy for each test."""
    from mediatop.store import connect

    with pg_server.admin() as admin:
        admin.execute(f"CREATE DATABASE {_PG_TEMPLATE}")
    connect(pg_server.url(_PG_TEMPLATE)).close()
    return _PG_TEMPLATE


@contextlib.contextmanager
def _new_pg_store(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """A new, empty (migrated) PostgreSQL store, a copy of the template database (cheap:
    no migrations run), dropped when the block ends: its URL."""
    name = f"mediatop_test_{next(_pg_databases)}"
    with pg_server.admin() as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name)
    with pg_server.admin() as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_store_url(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL store of this test's own."""
    with _new_pg_store(pg_server, pg_template) as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_store_url(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL store that a test module's tests share."""
    with _new_pg_store(pg_server, pg_template) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store a test runs on, once per backend (the one parametrised fixture): a
    SQLite file in tmp_path, then a PostgreSQL database of the test's own."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    return str(request.getfixturevalue("pg_store_url"))
