"""The sample-media generator lives in the demo package and rebuilds the committed tree.

`mediatop.demo.sample_media` (run as `python -m mediatop.demo.sample_media` or through
scripts/make_sample_media.py) must write what sample_media/ holds: the documents and
other hand-written files byte for byte, the images at the same size and format, and,
where ffmpeg is there to make the audio and video, the same files and upload dates.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from media_factory import SAMPLE_MEDIA
from mediatop.demo.sample_media.common import NotASampleTree
from mediatop.demo.sample_media.documents import build_documents
from mediatop.demo.sample_media.images import build_images
from mediatop.demo.sample_media.tree import build_other, clear, make_folders

REPO = Path(__file__).resolve().parents[1]
# Made by ffmpeg (plus the WAV the audio step writes): left out when only the Python
# writers run.
AUDIO_VIDEO = {".mp3", ".ogg", ".flac", ".m4a", ".wav", ".mp4", ".webm"}
RASTER = {".jpg", ".png", ".gif", ".webp", ".ico"}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_the_python_writers_rebuild_the_committed_documents_and_images(tmp_path: Path) -> None:
    out = tmp_path / "sample_media"
    clear(out)
    make_folders(out)
    build_images(out)
    build_documents(out)
    build_other(out)
    committed = {name for name in _files(SAMPLE_MEDIA) if Path(name).suffix not in AUDIO_VIDEO}
    assert _files(out) == committed
    for name in sorted(committed):
        made, kept = out / name, SAMPLE_MEDIA / name
        if Path(name).suffix in RASTER:
            # Pillow's encoders may change between versions; what a report reads may not.
            with Image.open(made) as a, Image.open(kept) as b:
                assert (a.format, a.size, a.mode) == (b.format, b.size, b.mode), name
        else:  # hand-written PDF, DOCX, SVG, ZIP, JSON, CSV, text: byte for byte
            assert filecmp.cmp(made, kept, shallow=False), name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the audio and video")
def test_a_full_rebuild_has_the_committed_files_and_upload_dates(tmp_path: Path) -> None:
    out = tmp_path / "sample_media"
    result = subprocess.run(
        [sys.executable, "-m", "mediatop.demo.sample_media", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _files(out) == _files(SAMPLE_MEDIA)
    made = json.loads((tmp_path / "sample_media.dates.json").read_text())
    assert made == json.loads((REPO / "sample_media.dates.json").read_text())
    # 60 files (the tree's docstring counts them), one line on stderr saying so
    assert result.stderr.startswith("wrote 60 files, ") and result.stderr.count("\n") == 1


def test_the_script_refuses_a_folder_it_did_not_make_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "not-a-sample"
    out.mkdir()
    keep = out / "notes.txt"
    keep.write_text("mine")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sample_media.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("make_sample_media: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    if shutil.which("ffmpeg") is not None:  # else the missing ffmpeg is said first
        assert "refusing to delete them" in result.stderr
    assert keep.read_text() == "mine"  # nothing of the user's is touched


def test_clearing_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "photo.jpg").write_bytes(b"jpg")
    with pytest.raises(NotASampleTree):
        clear(tmp_path)
    assert (tmp_path / "photo.jpg").exists() and (tmp_path / "2024").is_dir()
