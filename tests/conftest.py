"""The fixtures tests share: a scanned snapshot library, the dashboard app on it, and an
empty store for the analytics tests (named apart from the module fixtures some test
files keep for their own data: `library`, `store`).

Each set-up is written once here (or as a factory in tui_fixtures /
analytics_types_support, for a test that needs it with other options) and used
everywhere, so every test runs the wiring users get: a real media tree in tmp_path, a
real SQLite store, the app from `build_app`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics_types_support import new_store
from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from tui_fixtures import dashboard_app, scanned_library


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
def empty_store(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, Settings]]:
    """An empty store and settings whose root is tmp_path/media; closed after the test."""
    conn, settings = new_store(tmp_path)
    yield conn, settings
    conn.close()
