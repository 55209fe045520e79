"""Hostile and broken files: each is recorded with its error, nothing reaches the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from media_factory import photo, png_bomb
from mediatop.scan import scan_root
from mediatop.store import connect


@pytest.fixture
def broken_library(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    good = photo(root / "good.jpg", 200, 100)
    (root / "truncated.jpg").write_bytes(good.read_bytes()[:300])
    (root / "random.png").write_bytes(os.urandom(4096))
    png_bomb(root / "bomb.png")
    (root / "empty.mp3").write_bytes(b"")
    (root / "fake.pdf").write_bytes(b"<html>this is not a pdf</html>")
    (root / "fake.mp4").write_bytes(b"\x00\x00\x00\x08junk" * 10)
    return root


def test_every_broken_file_is_recorded_with_its_error_and_the_scan_finishes(
    broken_library: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    conn = connect(tmp_path / "s.sqlite3")
    summary = scan_root(conn, broken_library, workers=2)
    errors = {
        bytes(p).decode(): e for p, e in conn.execute("SELECT path, probe_error FROM media_files")
    }
    assert summary.files_present == 7 and summary.probed == 7
    assert errors["good.jpg"] is None
    for name in ("truncated.jpg", "random.png", "empty.mp3", "fake.pdf", "fake.mp4"):
        assert errors[name], name
    # 20,000 × 20,000 = 400,000,000 pixels, over 80 MP (and over Pillow's own 160 MP)
    assert errors["bomb.png"] == "refused: 400,000,000 pixels, over the 80 MP limit (a bomb guard)"
    assert errors["random.png"] == "not an image Pillow can read"
    assert "not a PDF" in errors["fake.pdf"]
    assert errors["empty.mp3"] == "empty file"
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_truncated_jpeg_keeps_what_its_header_said(broken_library: Path, tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.sqlite3")
    scan_root(conn, broken_library)
    row = conn.execute(
        "SELECT width, height, probe_error FROM media_files WHERE path = ?", (b"truncated.jpg",)
    ).fetchone()
    # Pillow reads the header lazily: either the header survived (size known) or it is an error.
    assert (row[0], row[1]) == (200, 100) or row[2]
