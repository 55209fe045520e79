"""Each probe on real files: what it reads from headers, and how it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from media_factory import SAMPLE_MEDIA, animated_gif, photo, wav
from mediatop.scan.probe import probe_one


def _probe(path: Path, kind: str):
    return probe_one(os.fsencode(path), kind, path.stat().st_size)


def test_jpeg_probe_reads_size_quality_and_progressive(tmp_path: Path) -> None:
    plain = _probe(photo(tmp_path / "a.jpg", 800, 600, quality=75), "image")
    progressive = _probe(photo(tmp_path / "b.jpg", 320, 200, progressive=True), "image")
    assert (plain.format, plain.width, plain.height, plain.mode) == ("JPEG", 800, 600, "RGB")
    assert plain.quality is not None and abs(plain.quality - 75) <= 2
    assert plain.progressive is False and progressive.progressive is True
    expected_bpp = (tmp_path / "a.jpg").stat().st_size * 8 / 480000
    assert plain.bits_per_pixel == pytest.approx(expected_bpp, abs=1e-4)


@pytest.mark.parametrize(
    ("orientation", "shown", "extra"),
    [
        (6, (600, 800), {"orientation": 6}),  # a quarter turn: shown 600 wide
        (8, (600, 800), {"orientation": 8}),
        (3, (800, 600), {"orientation": 3}),  # half a turn: the same width
        (1, (800, 600), {}),  # as stored: nothing to keep
    ],
)
def test_an_image_is_probed_at_the_size_exif_shows_it(
    tmp_path: Path, orientation: int, shown: tuple[int, int], extra: dict[str, int]
) -> None:
    path = photo(tmp_path / "a.jpg", 800, 600)
    exif = Image.Exif()
    exif[0x0112] = orientation
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=exif.tobytes())
    result = _probe(path, "image")
    assert ((result.width, result.height), result.extra) == (shown, extra)


def test_a_damaged_exif_block_is_no_orientation(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg", 80, 60)
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff")
    result = _probe(path, "image")
    assert (result.error, result.width, result.extra) == (None, 80, {})


@pytest.mark.parametrize("quality", [30, 60, 90, 95])
def test_jpeg_quality_estimate_matches_the_saved_quality(tmp_path: Path, quality: int) -> None:
    result = _probe(photo(tmp_path / "q.jpg", 64, 64, quality=quality), "image")
    assert result.quality is not None and abs(result.quality - quality) <= 2


def test_png_webp_and_animated_gif_probes(tmp_path: Path) -> None:
    png = _probe(photo(tmp_path / "a.png", 100, 50), "image")
    webp = _probe(photo(tmp_path / "a.webp", 120, 80), "image")
    gif = _probe(animated_gif(tmp_path / "a.gif", frames=4), "image")
    assert (png.format, png.width, png.height) == ("PNG", 100, 50)
    assert (webp.format, webp.width) == ("WEBP", 120)
    assert (gif.format, gif.animated, gif.frames) == ("GIF", True, 4)


def test_svg_probe_reads_width_height_or_viewbox(tmp_path: Path) -> None:
    sized = tmp_path / "a.svg"
    sized.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320"></svg>')
    boxed = tmp_path / "b.svg"
    boxed.write_text('<?xml version="1.0"?>\n<svg viewBox="0 0 24 12"><rect/></svg>')
    assert (_probe(sized, "image").width, _probe(sized, "image").height) == (640, 320)
    assert (_probe(boxed, "image").width, _probe(boxed, "image").height) == (24, 12)


def test_wav_probe_reads_duration_channels_and_rate(tmp_path: Path) -> None:
    result = _probe(wav(tmp_path / "a.wav", seconds=1.5, rate=8000), "audio")
    assert result.duration_s == pytest.approx(1.5, abs=0.01)
    assert (result.channels, result.sample_rate) == (1, 8000)


@pytest.mark.parametrize(
    "relative, codec",
    [
        ("2025/01/podcast-episode-12.mp3", "mp3"),
        ("2025/01/intro-jingle.ogg", "oggvorbis"),
        ("2025/01/ambient-loop.flac", "flac"),
        ("2025/02/interview-snippet.m4a", "mp4a.40.2"),
    ],
)
def test_audio_probes_on_the_sample_library(relative: str, codec: str) -> None:
    result = _probe(SAMPLE_MEDIA / relative, "audio")
    assert result.error is None
    assert result.duration_s and result.duration_s > 0
    assert result.bitrate and result.bitrate > 0
    assert result.codec == codec


def test_mp4_probe_tells_faststart_from_moov_at_the_end() -> None:
    front = _probe(SAMPLE_MEDIA / "2024/03/product-demo.mp4", "video")
    back = _probe(SAMPLE_MEDIA / "2025/02/office-tour.mp4", "video")
    assert front.faststart is True and back.faststart is False
    assert front.duration_s and front.duration_s > 5


@pytest.mark.parametrize(
    ("relative", "codec", "audio_codec", "seconds"),
    [
        ("2024/03/product-demo.mp4", "h264", "aac", 6),
        ("2025/06/how-to-upload.webm", "vp8", "vorbis", 3),
        ("2024/07/testimonial-clip.webm", "vp9", "opus", 4),
    ],
)
def test_video_probes_read_the_video_stream_without_ffmpeg(
    relative: str, codec: str, audio_codec: str, seconds: int
) -> None:
    result = _probe(SAMPLE_MEDIA / relative, "video")
    assert result.error is None
    assert (result.width, result.height) in {(640, 360), (320, 180)}
    assert result.codec == codec  # the video's codec, not the audio track's
    assert result.extra["audio_codec"] == audio_codec
    assert result.duration_s == pytest.approx(seconds, abs=0.1)
    assert result.bitrate and result.bitrate > 0


def test_a_webm_whose_name_is_not_utf8_is_read(tmp_path: Path) -> None:
    source = SAMPLE_MEDIA / "2025/06/how-to-upload.webm"
    target = os.fsencode(tmp_path) + b"/clip-\xff\xfe.webm"
    with open(target, "wb") as handle:
        handle.write(source.read_bytes())
    result = probe_one(target, "video", source.stat().st_size)
    assert result.error is None and result.codec == "vp8"


def test_random_bytes_named_webm_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "noise.webm"
    path.write_bytes(os.urandom(4096))
    result = _probe(path, "video")
    assert result.error and "not a readable audio/video file" in result.error


def test_pdf_probe_reads_pages_metadata_and_text_layer() -> None:
    guide = _probe(SAMPLE_MEDIA / "2024/05/user-guide.pdf", "document")
    scan = _probe(SAMPLE_MEDIA / "2024/11/signed-contract-scan.pdf", "document")
    assert guide.error is None and guide.pages == 3 and guide.has_text_layer is True
    assert guide.title
    assert scan.has_text_layer is False and scan.title is None


def test_other_files_are_not_opened(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    assert _probe(archive, "other").error is None
