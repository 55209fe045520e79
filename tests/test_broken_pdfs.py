"""A PDF that fails to parse is still stored as a PDF, whichever way pypdf fails."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter

from mediatop.scan import scan_root
from mediatop.store import connect


def _one_page_pdf() -> bytes:
    """A one-page PDF titled "Hello" whose xref table starts `xref\\n0 5`: the free
    object 0 and its four objects (info, pages, catalog, page)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "Hello"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_pypdf_cannot_parse_keeps_its_format_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    good = _one_page_pdf()
    assert good.count(b"xref\n0 5\n") == 1
    (root / "good.pdf").write_bytes(good)
    (root / "truncated.pdf").write_bytes(good[: len(good) // 2])
    # An xref section claiming 999,999 entries in a file of a few hundred bytes: pypdf
    # refuses it with its LimitReachedError (an entry takes 20 bytes) before reading on.
    (root / "limit.pdf").write_bytes(good.replace(b"xref\n0 5\n", b"xref\n0 999999\n"))
    conn = connect(tmp_path / "s.sqlite3")
    scan_root(conn, root, workers=1)
    rows = {
        bytes(path).decode(): (fmt, pages, title, error)
        for path, fmt, pages, title, error in conn.execute(
            "SELECT path, format, pages, title, probe_error FROM media_files"
        )
    }
    assert rows["good.pdf"] == ("PDF", 1, "Hello", None)
    fmt, pages, _, error = rows["truncated.pdf"]
    assert (fmt, pages) == ("PDF", None) and error.startswith("unreadable PDF: ")
    fmt, pages, _, error = rows["limit.pdf"]
    assert (fmt, pages) == ("PDF", None)
    assert error.startswith("unreadable PDF: over a safety limit of the PDF reader (")
    assert "999999" in error
