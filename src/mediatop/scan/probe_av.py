"""Audio and video probe: duration, bitrate, codec, channels, sample rate, MP4 faststart.

mutagen reads MP4/M4A/MP3/OGG/FLAC/WAV headers, but not a video stream, nor WebM, MKV or
AVI at all. For those, MediaInfo (bundled with pymediainfo) reads the container; where
its library cannot load, ffprobe is used when it is installed, in a subprocess with a
time limit and its output captured. Without either, the file is recorded with what
mutagen knows.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from typing import BinaryIO

from mediatop.model import ProbeResult
from mediatop.scan.probe_mediainfo import mediainfo_probe

FFPROBE_SECONDS = 10
_MP4_EXTENSIONS = (b".mp4", b".m4v", b".m4a", b".mov")


def mp4_faststart(handle: BinaryIO) -> bool | None:
    """True when the `moov` atom comes before `mdat` (playback can start before download)."""
    offset = 0
    for _ in range(64):  # top-level atoms are few; a bound keeps a broken file cheap
        handle.seek(offset)
        header = handle.read(16)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header[:8])
        if kind == b"moov":
            return True
        if kind == b"mdat":
            return False
        if size == 1 and len(header) == 16:
            size = struct.unpack(">Q", header[8:16])[0]
        elif size == 0:
            return None
        if size < 8:
            return None
        offset += size
    return None


def _codec_name(info: object, file_type: str) -> str | None:
    for attribute in ("codec", "codec_name"):
        value = getattr(info, attribute, None)
        if value:
            return str(value)
    return file_type.lower()


def _mutagen_probe(source: BinaryIO) -> ProbeResult | None:
    import mutagen

    source.seek(0)
    audio = mutagen.File(source)  # it reads the format's hint from the name too
    if audio is None or getattr(audio, "info", None) is None:
        return None
    info = audio.info
    tags = audio.tags
    title = None
    if tags is not None:
        for key in ("TIT2", "title", "\xa9nam", "TITLE"):
            try:
                value = tags.get(key)
            except (KeyError, ValueError, TypeError):
                value = None
            if value:
                title = str(value[0] if isinstance(value, list) else value)
                break
    length = getattr(info, "length", None)
    return ProbeResult(
        format=type(audio).__name__.upper(),
        duration_s=round(float(length), 3) if length else None,
        bitrate=int(getattr(info, "bitrate", 0) or 0) or None,
        codec=_codec_name(info, type(audio).__name__),
        channels=getattr(info, "channels", None),
        sample_rate=getattr(info, "sample_rate", None),
        title=title,
    )


def _ffprobe(source: BinaryIO) -> ProbeResult | None:
    binary = shutil.which("ffprobe")
    if binary is None or not os.path.isdir("/proc/self/fd"):
        return None
    # ffprobe reads the file this process opened (scan.opened), not whatever its path
    # names by now: the descriptor is passed on, as /proc/self/fd/N there.
    fd = source.fileno()
    completed = subprocess.run(
        [binary, "-v", "quiet", "-print_format", "json", "-show_format", "-show_streams",
         f"/proc/self/fd/{fd}"],
        capture_output=True, timeout=FFPROBE_SECONDS, check=False, pass_fds=(fd,),
    )  # fmt: skip
    if completed.returncode != 0:
        return ProbeResult(error="ffprobe could not read the file")
    data = json.loads(completed.stdout or b"{}")
    fmt = data.get("format", {})
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    main = video or audio or {}
    duration = fmt.get("duration") or main.get("duration")
    # format_name lists aliases ("mov,mp4,m4a,..."): prefer the one the file is named as.
    names = [n for n in str(fmt.get("format_name", "")).split(",") if n]
    extension = source.name.rsplit(".", 1)[-1].lower()
    format_name = extension if extension in names else (names[0] if names else "")
    return ProbeResult(
        format=format_name.upper() or None,
        duration_s=round(float(duration), 3) if duration else None,
        bitrate=int(fmt["bit_rate"]) if str(fmt.get("bit_rate", "")).isdigit() else None,
        codec=main.get("codec_name"),
        width=video.get("width") if video else None,
        height=video.get("height") if video else None,
        channels=audio.get("channels") if audio else None,
        sample_rate=int(audio["sample_rate"]) if audio and audio.get("sample_rate") else None,
        title=(fmt.get("tags") or {}).get("title"),
        extra={"audio_codec": audio.get("codec_name")} if video and audio else {},
    )


def _container_probe(source: BinaryIO) -> ProbeResult | None:
    """MediaInfo's reading of the file, or ffprobe's where MediaInfo cannot load or read it."""
    return mediainfo_probe(source) or _ffprobe(source)


def _merge(base: ProbeResult, more: ProbeResult | None) -> ProbeResult:
    """`base` with its empty fields filled from `more`."""
    if more is None or more.error:
        return base
    if base.error:
        return more
    from dataclasses import fields, replace

    filled = {
        f.name: getattr(more, f.name)
        for f in fields(ProbeResult)
        if getattr(base, f.name) in (None, {}) and getattr(more, f.name) not in (None, {})
    }
    return replace(base, **filled)


def probe_audio_video(source: BinaryIO, size: int) -> ProbeResult:
    """Header facts of the audio or video file open in `source` (named as the file)."""
    if size == 0:
        return ProbeResult(error="empty file")
    result = _mutagen_probe(source)
    lower = os.fsencode(source.name).lower()
    is_video_container = lower.endswith((b".mp4", b".m4v", b".mov", b".webm", b".mkv", b".avi"))
    if is_video_container:
        # mutagen describes only an MP4's audio track; the container tool's view of the
        # video stream (codec, dimensions, overall bitrate) wins.
        result = _merge(_container_probe(source) or ProbeResult(), result)
    elif result is None:
        result = _container_probe(source) or ProbeResult()
    if result.duration_s is None and result.format is None:
        return ProbeResult(error="not a readable audio/video file (mutagen and MediaInfo failed)")
    if lower.endswith(_MP4_EXTENSIONS):
        from dataclasses import replace

        result = replace(result, faststart=mp4_faststart(source))
    return result
