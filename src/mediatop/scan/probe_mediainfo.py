"""Audio and video facts from MediaInfo: containers mutagen cannot read, and video streams.

mutagen reads an MP4's audio track but not its video, and does not read WebM, MKV or
AVI at all. The pymediainfo wheel bundles libmediainfo, so a fresh install can tell
those files' duration, dimensions, codec and bitrate without ffmpeg. MediaInfo reads
the headers it needs through a file object (which also keeps names that are not UTF-8
out of its wide-char path handling). It runs inside the probe workers, whose stdout
and stderr go to /dev/null and whose time limit covers this call.

Codec names are given as ffprobe names them (`h264`, `vp9`, `aac`), so the reports
judge a video the same way whichever tool read it.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any, BinaryIO

from mediatop.model import ProbeResult

# MediaInfo's `format` of a stream -> ffprobe's codec_name.
_CODEC_NAMES = {
    "avc": "h264",
    "hevc": "hevc",
    "vp8": "vp8",
    "vp9": "vp9",
    "av1": "av1",
    "mpeg-4 visual": "mpeg4",
    "mpeg video": "mpeg2video",
    "theora": "theora",
    "prores": "prores",
    "aac": "aac",
    "vorbis": "vorbis",
    "opus": "opus",
    "flac": "flac",
    "mpeg audio": "mp3",
    "ac-3": "ac3",
    "e-ac-3": "eac3",
    "pcm": "pcm",
}


@functools.cache
def mediainfo_available() -> bool:
    """Whether pymediainfo is installed and can load its library on this platform."""
    try:
        from pymediainfo import MediaInfo
    except ImportError:
        return False
    return bool(MediaInfo.can_parse())


def codec_name(stream_format: str | None) -> str | None:
    """A MediaInfo stream format as ffprobe's codec name (unknown ones lower-cased)."""
    if not stream_format:
        return None
    return _CODEC_NAMES.get(stream_format.lower(), stream_format.lower())


def _number(value: Any) -> float | None:
    """MediaInfo gives numbers as ints, floats or strings ("3000.000000", "2 / 1")."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.split("/")[0].strip())
        except ValueError:
            return None
    return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


# MediaInfo writes just these fields, one record per stream (RS before each, US between
# fields), instead of its whole XML report for pymediainfo to parse into objects: a
# third less time per file. A title is the General record's last field; one holding RS
# or US fails the shape check below, and the XML report is read instead.
_RECORD, _FIELD = "\x1e", "\x1f"
# Stream -> {pymediainfo's attribute: MediaInfo's field}, in the record's order.
_STREAM_FIELDS = {
    "General": {"format": "Format", "duration": "Duration",
                "overall_bit_rate": "OverallBitRate", "title": "Title"},
    "Video": {"format": "Format", "duration": "Duration", "bit_rate": "BitRate",
              "width": "Width", "height": "Height"},
    "Audio": {"format": "Format", "duration": "Duration", "bit_rate": "BitRate",
              "channel_s": "Channel(s)", "sampling_rate": "SamplingRate"},
}  # fmt: skip
_TEMPLATE = "\n".join(
    f"{stream};{_RECORD}{stream}{_FIELD}" + _FIELD.join(f"%{field}%" for field in fields.values())
    for stream, fields in _STREAM_FIELDS.items()
)


def _tracks(source: BinaryIO) -> tuple[Any, Any, Any]:
    """The first General, Video and Audio stream MediaInfo finds in the file (None for
    a kind it has none of), each with the attributes pymediainfo's tracks have."""
    from pymediainfo import MediaInfo

    source.seek(0)
    text = MediaInfo.parse(source, output=_TEMPLATE)
    streams = _parse_records(text)
    if streams is None:
        source.seek(0)
        info = MediaInfo.parse(source)
        streams = {}
        for track in info.tracks:  # the first of each kind, as in the records
            streams.setdefault(track.track_type, track)
    return streams.get("General"), streams.get("Video"), streams.get("Audio")


def _parse_records(text: str) -> dict[str, Any] | None:
    """The first stream of each kind in MediaInfo's templated output, or None when the
    output does not have the template's shape."""
    streams: dict[str, Any] = {}
    for record in text.split(_RECORD)[1:]:
        stream, *values = record.split(_FIELD)
        names = _STREAM_FIELDS.get(stream)
        if names is None or len(values) != len(names):
            return None
        if stream not in streams:
            streams[stream] = SimpleNamespace(
                **dict(zip(names, [v or None for v in values], strict=True))
            )
    return streams if "General" in streams else None


def mediainfo_probe(source: BinaryIO) -> ProbeResult | None:
    """The file's container and stream facts, or None when MediaInfo cannot be used
    here or does not recognise the file."""
    if not mediainfo_available():
        return None
    general, video, audio = _tracks(source)
    if general is None or not (general.format or video or audio):
        return None
    main = video or audio
    duration_ms = _number(general.duration) or (_number(main.duration) if main else None)
    bitrate = _integer(general.overall_bit_rate) or (_integer(main.bit_rate) if main else None)
    extra: dict[str, Any] = {}
    if video is not None and audio is not None:
        extra["audio_codec"] = codec_name(audio.format)
    return ProbeResult(
        format=str(general.format).upper() if general.format else None,
        duration_s=round(duration_ms / 1000, 3) if duration_ms else None,
        bitrate=bitrate or None,
        codec=codec_name(main.format) if main else None,
        width=_integer(video.width) if video else None,
        height=_integer(video.height) if video else None,
        channels=_integer(audio.channel_s) if audio else None,
        sample_rate=_integer(audio.sampling_rate) if audio else None,
        title=str(general.title) if general.title else None,
        extra=extra,
    )
