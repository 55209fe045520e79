"""Every probed field of every file of sample_media/, as the store holds it after a scan.

The expectation is tests/data/sample_media_probes.jsonl, one object per file (the
columns that are NULL left out). It guards the probes and the way their results reach
the store: a faster path must store exactly the same fields.

Where the values come from, rather than from a run of the probes:
- images: sizes, JPEG qualities (the generated WordPress sizes are saved at 82), the
  progressive flag, GIF frame counts and the SVG's width and height are the arguments
  of `mediatop.demo.sample_media.images`; modes are what Pillow saves those images as
  (RGB photos, P for GIF, RGBA logos);
- audio and video: durations, codecs, sample rates and picture sizes are the
  generator's ffmpeg arguments (`audio_video.py`), checked against ffprobe. MP3 and M4A
  durations are a little longer than asked (5 s reads 5.068 s): mutagen counts the
  encoder's padding, as ffprobe does for the MP3s. Bitrates are what the container
  declares (ffprobe agrees). An M4A's channels read 2 although it was made mono: the
  count mutagen reads from the MP4 sample entry, where ffmpeg writes 2 (ffprobe,
  decoding the stream, says 1); kept here as the probe stores it today;
- PDFs: pages, titles, authors, subjects and text layers are the generator's
  (`documents.py`).
`bits_per_pixel` is not in the file: it is worked out here from each file's size and
its expected width and height (size × 8 ÷ (width × height), to 4 places).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mediatop.scan import scan_root
from mediatop.store import connect

SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
EXPECTED = Path(__file__).resolve().parent / "data" / "sample_media_probes.jsonl"
# Every column a probe writes, named here rather than taken from the store's own list,
# so a column that stops being written is noticed.
PROBE_COLUMNS = (
    "format", "width", "height", "mode", "animated", "frames", "progressive", "quality",
    "bits_per_pixel", "duration_s", "bitrate", "codec", "channels", "sample_rate",
    "faststart", "pages", "title", "author", "subject", "keywords", "has_text_layer",
    "probe_error", "meta",
)  # fmt: skip


def _expected() -> dict[str, dict[str, Any]]:
    rows = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        path = row.pop("path")
        if row["kind"] == "image" and row.get("format") != "SVG":
            size = (SAMPLE_MEDIA / path).stat().st_size
            row["bits_per_pixel"] = round(size * 8 / (row["width"] * row["height"]), 4)
        rows[path] = row
    return rows


def _stored(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Each file's kind and non-NULL probe columns, by path; every one must be probed."""
    rows = {}
    columns = ", ".join(PROBE_COLUMNS)
    query = f"SELECT path, kind, probed_at, {columns} FROM media_files ORDER BY path"
    for path, kind, probed_at, *values in conn.execute(query):
        assert probed_at is not None, f"{bytes(path)!r} was not probed"
        row: dict[str, Any] = {"kind": kind}
        for column, value in zip(PROBE_COLUMNS, values, strict=True):
            if value is not None:
                row[column] = json.loads(value) if column == "meta" else value
        rows[bytes(path).decode()] = row
    return rows


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The store's probe columns after one default scan (probes on) of sample_media/."""
    conn = connect(tmp_path_factory.mktemp("probes") / "store.sqlite3")
    summary = scan_root(conn, SAMPLE_MEDIA)
    assert summary.probe_errors == 0
    rows = _stored(conn)
    conn.close()
    return rows


def test_every_sample_file_is_in_the_expectation_and_nothing_else(
    stored: dict[str, dict[str, Any]],
) -> None:
    on_disk = sorted(p.relative_to(SAMPLE_MEDIA).as_posix() for p in SAMPLE_MEDIA.rglob("*"))
    files = [p for p in on_disk if (SAMPLE_MEDIA / p).is_file()]
    assert sorted(stored) == files == sorted(_expected())
    assert len(files) == 60  # the generator's docstring: 60 files


@pytest.mark.parametrize("path", sorted(_expected()))
def test_every_probed_field_of_a_sample_file_is_as_expected(
    stored: dict[str, dict[str, Any]], path: str
) -> None:
    # Booleans are stored as 0/1; True == 1 in Python, so they compare as they should.
    assert stored[path] == _expected()[path]
