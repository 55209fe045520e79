"""Text a probe reads from a file (a PDF's title, a tag) is stored on either store even
when it holds NUL, which PostgreSQL's text refuses: as the text \\x00."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter

from mediatop.config import Settings
from mediatop.scan import scan_root
from mediatop.store import connect


def test_a_title_with_nul_is_stored_visible_on_either_store(tmp_path: Path, store_url: str) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "Annual\x00report", "/Author": "Ann"})
    out = io.BytesIO()
    writer.write(out)
    (root / "report.pdf").write_bytes(out.getvalue())
    server = store_url if store_url.startswith("postgresql://") else None
    settings = Settings(root=root, db_path=tmp_path / "store.sqlite3", db_url=server)
    conn = connect(settings.store)
    summary = scan_root(conn, root, workers=1)
    assert (summary.probed, summary.probe_errors) == (1, 0)
    row = conn.execute("SELECT format, pages, title, author FROM media_files").fetchone()
    assert tuple(row) == ("PDF", 1, "Annual\\x00report", "Ann")
