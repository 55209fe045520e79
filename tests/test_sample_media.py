"""Checks on the committed sample_media/ tree that the demo and smoke tests rely on.

The tree is made by mediatop.demo.sample_media (test_sample_media_generator.py checks
that it rebuilds this tree); these tests read the committed files only, so they need
neither ffmpeg nor the generator.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import mutagen
import pytest
from PIL import Image
from pypdf import PdfReader

SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
SIZE_LIMIT = 5_000_000
RASTER_EXTENSIONS = {".jpg", ".png", ".gif", ".webp", ".ico"}
# mutagen has no Matroska reader, so WebM is checked by its header instead.
MUTAGEN_EXTENSIONS = {".mp3", ".ogg", ".flac", ".wav", ".m4a", ".mp4"}
EXPECTED_EXTENSIONS = [
    "jpg",
    "png",
    "gif",
    "webp",
    "svg",
    "mp3",
    "ogg",
    "flac",
    "wav",
    "m4a",
    "mp4",
    "webm",
    "pdf",
]


def sample_files() -> list[Path]:
    return sorted(path for path in SAMPLE_MEDIA.rglob("*") if path.is_file())


def files_with(*extensions: str) -> list[Path]:
    return [path for path in sample_files() if path.suffix.lower() in extensions]


def top_level_atoms(path: Path) -> list[str]:
    """The names of an MP4 file's top-level boxes, in file order."""
    names = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            size, name = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            names.append(name.decode("latin-1"))
            handle.seek(size - 8, 1)
    return names


def test_sample_tree_is_under_5_mb() -> None:
    total = sum(path.stat().st_size for path in sample_files())
    assert 0 < total < SIZE_LIMIT


def test_sample_tree_has_a_realistic_number_of_files() -> None:
    assert 40 <= len(sample_files()) <= 70


def test_sample_tree_holds_only_upload_folders() -> None:
    for entry in SAMPLE_MEDIA.iterdir():
        assert entry.is_dir(), f"{entry.name} sits loose at the top of sample_media/"
        assert entry.name.isdigit() or entry.name in {"logos", "downloads"}


@pytest.mark.parametrize("extension", EXPECTED_EXTENSIONS)
def test_sample_tree_has_each_media_kind(extension: str) -> None:
    assert files_with(f".{extension}"), f"no .{extension} file in sample_media/"


def test_every_raster_image_decodes_with_pillow() -> None:
    for path in files_with(*RASTER_EXTENSIONS):
        with Image.open(path) as image:
            image.load()
            assert image.width > 0 and image.height > 0, path


def test_every_audio_and_mp4_file_has_a_duration_in_mutagen() -> None:
    for path in files_with(*MUTAGEN_EXTENSIONS):
        media = mutagen.File(path)
        assert media is not None, f"mutagen cannot read {path}"
        assert media.info.length > 0, path


def test_webm_files_have_an_ebml_header_with_the_webm_doctype() -> None:
    for path in files_with(".webm"):
        head = path.read_bytes()[:64]
        assert head.startswith(b"\x1a\x45\xdf\xa3"), path
        assert b"webm" in head, path


def test_some_audio_carries_title_and_artist_tags() -> None:
    tagged = []
    for path in files_with(".mp3", ".ogg", ".flac", ".m4a"):
        media = mutagen.File(path, easy=True)
        if media is not None and media.get("title") and media.get("artist"):
            tagged.append(path.suffix)
    assert {".mp3", ".ogg", ".flac", ".m4a"} <= set(tagged)


def test_one_mp4_has_its_moov_atom_first_and_one_has_it_last() -> None:
    orders = [top_level_atoms(path) for path in files_with(".mp4")]
    moov_first = [atoms for atoms in orders if atoms.index("moov") < atoms.index("mdat")]
    moov_last = [atoms for atoms in orders if atoms.index("moov") > atoms.index("mdat")]
    assert moov_first and moov_last


def test_one_gif_is_animated_and_one_is_static() -> None:
    frame_counts = []
    for path in files_with(".gif"):
        with Image.open(path) as image:
            frame_counts.append(getattr(image, "n_frames", 1))
    assert max(frame_counts) > 1
    assert min(frame_counts) == 1


def test_some_jpegs_are_far_wider_than_any_page_shows_them() -> None:
    widths = []
    for path in files_with(".jpg"):
        with Image.open(path) as image:
            widths.append(image.width)
    assert max(widths) >= 2400


def test_jpegs_include_a_progressive_and_a_low_quality_one() -> None:
    progressive, coarsest_step = False, 0
    for path in files_with(".jpg"):
        with Image.open(path) as image:
            progressive = progressive or bool(image.info.get("progressive"))
            # The first luma quantisation step is 16 at quality 50 and about 3 at 90.
            coarsest_step = max(coarsest_step, image.quantization[0][0])
    assert progressive
    assert coarsest_step >= 20


def test_wordpress_generated_sizes_sit_beside_their_original() -> None:
    folder = SAMPLE_MEDIA / "2024" / "03"
    for name in ["hero-banner-300x200.jpg", "hero-banner-1024x683.jpg", "hero-banner-scaled.jpg"]:
        assert (folder / "hero-banner.jpg").exists()
        assert (folder / name).exists(), name
    assert any(path.stem.endswith("@2x") for path in files_with(".png"))


def test_png_with_alpha_is_present() -> None:
    modes = []
    for path in files_with(".png"):
        with Image.open(path) as image:
            modes.append(image.mode)
    assert "RGBA" in modes


def test_svg_logo_is_well_formed_svg() -> None:
    for path in files_with(".svg"):
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path


def test_pdfs_include_one_with_a_text_layer_and_one_scan_without() -> None:
    texts = [
        "".join(page.extract_text() or "" for page in PdfReader(path).pages).strip()
        for path in files_with(".pdf")
    ]
    assert any(texts), "no PDF has extractable text"
    assert not all(texts), "every PDF has text; the scanned one should not"


def test_pdfs_include_one_with_a_title_and_one_without() -> None:
    titles = []
    for path in files_with(".pdf"):
        metadata = PdfReader(path).metadata
        titles.append(metadata.title if metadata else None)
    assert any(titles)
    assert not all(titles)
