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
from typing import Any

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


def mediainfo_probe(path: bytes) -> ProbeResult | None:
    """The file's container and stream facts, or None when MediaInfo cannot be used
    here or does not recognise the file."""
    if not mediainfo_available():
        return None
    from pymediainfo import MediaInfo

    with open(path, "rb") as handle:
        info = MediaInfo.parse(handle)
    general = next((t for t in info.tracks if t.track_type == "General"), None)
    video = next((t for t in info.tracks if t.track_type == "Video"), None)
    audio = next((t for t in info.tracks if t.track_type == "Audio"), None)
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
