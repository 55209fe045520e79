"""A lean reader (the dashboard's, which stays open) neither maps the store file nor
keeps a large page cache: its peak memory would otherwise hold every page its reads
touched (about 400 MB of the 10M-event bench store). Reports keep mapping the file."""

from __future__ import annotations

from pathlib import Path

from mediatop.config import Settings
from mediatop.store import connect
from mediatop.tui.app import build_app


def test_a_lean_reader_maps_nothing_and_caches_8_mib(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    connect(db).close()
    lean = connect(db, readonly=True, lean=True)
    mapped = connect(db, readonly=True)
    try:
        assert lean.execute("PRAGMA mmap_size").fetchone()[0] == 0
        assert lean.execute("PRAGMA cache_size").fetchone()[0] == -8192  # KiB: 8 MiB
        assert mapped.execute("PRAGMA mmap_size").fetchone()[0] > 0  # capped by SQLite
    finally:
        lean.close()
        mapped.close()


def test_the_dashboard_reads_its_library_lean(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    app = build_app(Settings(root=root, db_path=tmp_path / "store.sqlite3"))
    assert app.library.lean
