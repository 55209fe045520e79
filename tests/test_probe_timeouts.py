"""A file whose probe runs out of time keeps the format its name and first bytes tell,
so the reports group it with the others of its format rather than under "unknown"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from mediatop.scan import probe, scan_root
from mediatop.scan.head_format import HEAD_BYTES, head_format
from mediatop.scan.probe import probe_one
from mediatop.store import connect


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog) with a true xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _slow_pdf() -> bytes:
    """A valid one-page PDF whose page draws 200,000 pieces of text: pypdf takes seconds
    to extract them (about 0.7 s per 20,000 here), far over a one-second limit."""
    text = b"BT /F1 12 Tf (x) Tj ET\n" * 200_000
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]"
            b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        ]
    )


def test_a_pdf_whose_probe_times_out_is_stored_as_a_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe, "PROBE_SECONDS", 1)
    root = tmp_path / "uploads"
    root.mkdir()
    (root / "slow.pdf").write_bytes(_slow_pdf())
    conn = connect(tmp_path / "s.sqlite3")
    scan_root(conn, root, workers=1)
    rows = conn.execute("SELECT path, format, pages, probe_error FROM media_files").fetchall()
    assert [tuple(row) for row in rows] == [(b"slow.pdf", "PDF", None, "probe timed out after 1 s")]


@pytest.mark.parametrize(
    ("name", "pillow_format", "expected"),
    [
        ("a.jpg", "JPEG", "JPEG"),
        ("a.png", "PNG", "PNG"),
        ("a.gif", "GIF", "GIF"),
        ("a.webp", "WEBP", "WEBP"),
        ("a.bmp", "BMP", "BMP"),
        ("a.tif", "TIFF", "TIFF"),
        ("a.ico", "ICO", "ICO"),
        ("png-named.jpg", "PNG", "PNG"),  # the bytes tell, not the name
    ],
)
def test_an_images_first_bytes_name_its_format_as_its_probe_does(
    tmp_path: Path, name: str, pillow_format: str, expected: str
) -> None:
    path = tmp_path / name
    Image.new("RGB", (16, 16), "red").save(path, format=pillow_format)
    head = path.read_bytes()[:HEAD_BYTES]
    assert head_format("image", path.suffix, head) == expected
    assert probe_one(bytes(path), "image", path.stat().st_size).format == expected


def test_an_svg_is_told_by_its_name_and_audio_not_at_all(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    assert head_format("image", ".svg", svg) == "SVG"
    assert head_format("audio", ".mp3", b"ID3\x04\x00") is None
    assert head_format("document", ".pdf", b"not a pdf") is None
    assert head_format("document", ".pdf", b"\n %PDF-1.7\n") == "PDF"
