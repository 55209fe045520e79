"""MediaInfo is asked for the few fields the probe stores (a template), not its whole
XML report; what it answers must be what the XML report says, field for field.

Real files: sample_media's audio and video, and a copy of its MP4 whose title (written
with mutagen) holds the template's own separators.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mutagen.mp4
import pytest
from pymediainfo import MediaInfo

from mediatop.scan.probe_mediainfo import _STREAM_FIELDS, _tracks, mediainfo_probe

SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
AUDIO_VIDEO = sorted(
    p for p in SAMPLE_MEDIA.rglob("*")
    if p.suffix in {".mp4", ".webm", ".mp3", ".m4a", ".ogg", ".flac", ".wav"}
)  # fmt: skip


def _xml_streams(path: Path) -> dict[str, object]:
    """The first General, Video and Audio track of MediaInfo's whole XML report."""
    streams: dict[str, object] = {}
    for track in MediaInfo.parse(path).tracks:
        streams.setdefault(track.track_type, track)
    return streams


@pytest.mark.parametrize("path", AUDIO_VIDEO, ids=lambda p: p.name)
def test_the_templated_fields_are_the_xml_reports(path: Path) -> None:
    with path.open("rb") as source:
        templated = dict(zip(("General", "Video", "Audio"), _tracks(source), strict=True))
    xml = _xml_streams(path)
    assert {k for k, v in templated.items() if v is not None} == set(xml) & set(templated)
    for stream, track in xml.items():
        if stream not in _STREAM_FIELDS:
            continue
        for name in _STREAM_FIELDS[stream]:
            # The XML report gives numbers as ints where it can; the template as text.
            expected = getattr(track, name)
            got = getattr(templated[stream], name)
            assert (str(expected) if expected is not None else None) == got, (stream, name)


def test_a_title_holding_the_templates_separators_is_read_from_the_xml_report(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clip.mp4"
    shutil.copyfile(SAMPLE_MEDIA / "2024/03/product-demo.mp4", path)
    tagged = mutagen.mp4.MP4(path)
    tagged["\xa9nam"] = ["a\x1fb\x1eVideo\x1f1\x1f2\x1f3\x1f4\x1f5"]  # a forged record
    tagged.save()
    with path.open("rb") as source:
        result = mediainfo_probe(source)
    assert result is not None
    general = _xml_streams(path)["General"]
    assert result.title == general.title  # type: ignore[attr-defined]
    # The forged record changed nothing: the generator made it 640x360, H.264, 6 s.
    assert (result.width, result.height, result.codec, result.duration_s) == (640, 360, "h264", 6.0)
