"""Video encoding and delivery advice from the probes: bitrate vs resolution, faststart, ladder.

- Encoding efficiency: a video's overall bitrate against what its resolution needs for
  web delivery (H.264 at ~30 fps: ≤ 360p 1 Mbit/s, ≤ 480p 1.5, ≤ 720p 3, ≤ 1080p 6,
  ≤ 1440p 10, above 20; HEVC, VP9 and AV1 need about 60 % of that). ratio = bitrate ÷
  recommended; over HIGH_RATIO is 'high' (a compress candidate), under 0.5 'low',
  else 'efficient'; no bitrate or height: 'unknown'. The saving of re-encoding at the
  recommended bitrate is an ESTIMATE (size × (1 − recommended ÷ bitrate)), not a
  measurement: videos are not re-encoded here.
- Storage: over-bitrate videos and their estimated saving; videos never watched (no
  player session and no counted use ever) and their bytes.
- Delivery: MP4s whose `moov` atom is after the media data (probe faststart = 0: the
  browser must fetch the end of the file before it can start playing); videos of 720p
  or more with no lower-resolution variant beside them (same folder, same name once a
  resolution token such as -720p, _480, -1280x720, -hd, -mobile is removed).
- One video's DeliveryOptimizationPlan (`delivery_plan`, for `report file`): the same
  advice for that video, and its estimated storage saving.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from mediatop.analytics.context import ReportContext
from mediatop.model import MediaFile
from mediatop.store.queries.video import present_videos, videos_with_use

if TYPE_CHECKING:
    from mediatop.analytics.file.kinds import LoadTime

HIGH_RATIO = 2.0
LOW_RATIO = 0.5
LADDER_MIN_HEIGHT = 720
_LADDER = ((360, 1_000_000), (480, 1_500_000), (720, 3_000_000), (1080, 6_000_000),
           (1440, 10_000_000), (1 << 30, 20_000_000))  # fmt: skip
_EFFICIENT_CODECS = ("hevc", "h265", "vp9", "av1", "av01", "hvc1", "hev1")
_RESOLUTION_TOKEN = re.compile(
    rb"[-_. ](?:\d{3,4}p|\d{3,4}|\d{3,4}x\d{3,4}|hd|sd|uhd|4k|low|high|mobile)$", re.IGNORECASE
)


@dataclass(frozen=True)
class EncodingEfficiency:
    id: str
    filename: bytes
    type: str
    size: int
    width: int | None
    height: int | None
    codec: str | None
    bitrate: int | None  # bits per second
    recommended_bitrate: int | None
    ratio: float | None
    verdict: str  # efficient | high | low | unknown
    estimated_savings: int | None  # bytes, an estimate (see the module docstring)


@dataclass(frozen=True)
class StorageOptimization:
    total_size: int
    over_bitrate_videos: int
    over_bitrate_bytes: int
    estimated_savings: int
    unwatched_videos: int
    unwatched_bytes: int


@dataclass(frozen=True)
class VideoRef:
    id: str
    filename: bytes
    type: str
    size: int
    height: int | None


@dataclass(frozen=True)
class DeliveryOptimization:
    missing_faststart: list[VideoRef]
    no_lower_resolution: list[VideoRef]
    recommendations: list[str]


@dataclass(frozen=True)
class _Video:
    id: int
    path: bytes
    size: int
    width: int | None
    height: int | None
    codec: str | None
    bitrate: int | None
    faststart: int | None


def load_videos(ctx: ReportContext) -> list[_Video]:
    """Present videos with the probe fields delivery advice needs (read once per run)."""

    def read() -> list[_Video]:
        return [
            _Video(r[0], bytes(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in present_videos(ctx.conn)
        ]

    return cast(list[_Video], ctx.shared("videos", read))


def _assessed(ctx: ReportContext) -> list[EncodingEfficiency]:
    """`assess` of every present video, in id order, once per run."""
    found = ctx.shared("video_assessments", lambda: [assess(v) for v in load_videos(ctx)])
    return cast(list[EncodingEfficiency], found)


def recommended_bitrate(height: int | None, codec: str | None) -> int | None:
    """Bits per second a video of this height needs for web delivery (None if unknown)."""
    if not height:
        return None
    base = next(rate for limit, rate in _LADDER if height <= limit)
    if codec and codec.lower() in _EFFICIENT_CODECS:
        return int(base * 0.6)
    return base


def assess(video: _Video) -> EncodingEfficiency:
    """The encoding efficiency verdict of one video."""
    recommended = recommended_bitrate(video.height, video.codec)
    ratio = video.bitrate / recommended if video.bitrate and recommended else None
    verdict = "unknown"
    saving = None
    if ratio is not None:
        verdict = "high" if ratio > HIGH_RATIO else "low" if ratio < LOW_RATIO else "efficient"
        if verdict == "high":
            saving = int(video.size * (1 - 1 / ratio))
    return EncodingEfficiency(
        str(video.id), video.path, "video", video.size, video.width, video.height, video.codec,
        video.bitrate, recommended, ratio, verdict, saving,
    )  # fmt: skip


def encoding_efficiency(ctx: ReportContext) -> list[EncodingEfficiency]:
    """Every video's verdict, the most wasteful (largest estimated saving) first."""
    found = list(_assessed(ctx))
    found.sort(key=lambda e: (-(e.estimated_savings or 0), -(e.ratio or 0), int(e.id)))
    return found


def storage_optimization(ctx: ReportContext) -> StorageOptimization:
    """Over-bitrate and never-watched videos, in files and bytes."""
    videos = load_videos(ctx)
    high = [e for e in _assessed(ctx) if e.verdict == "high"]
    watched = videos_with_use(ctx.conn)
    unwatched = [v for v in videos if v.id not in watched]
    return StorageOptimization(
        sum(v.size for v in videos), len(high), sum(e.size for e in high),
        sum(e.estimated_savings or 0 for e in high), len(unwatched),
        sum(v.size for v in unwatched),
    )  # fmt: skip


def ladder_key(path: bytes) -> bytes:
    """Folder + name without extension and resolution token: videos sharing it are variants."""
    directory, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    return os.path.join(directory, _RESOLUTION_TOKEN.sub(b"", stem).lower())


def delivery_optimization(ctx: ReportContext) -> DeliveryOptimization:
    """MP4s without faststart, tall videos without a smaller variant, and what to do."""
    videos = load_videos(ctx)
    ref = {v.id: VideoRef(str(v.id), v.path, "video", v.size, v.height) for v in videos}
    no_faststart = [ref[v.id] for v in videos if v.faststart == 0]
    heights: dict[bytes, list[int]] = {}
    for v in videos:
        if v.height:
            heights.setdefault(ladder_key(v.path), []).append(v.height)
    single = [
        ref[v.id] for v in videos
        if v.height and v.height >= LADDER_MIN_HEIGHT
        and not any(h < v.height for h in heights[ladder_key(v.path)])
    ]  # fmt: skip
    advice = []
    if no_faststart:
        advice.append(
            f"{len(no_faststart)} MP4 file(s) keep their index (moov atom) at the end: "
            "remux with `ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4` so playback "
            "starts before the whole file is fetched"
        )
    if single:
        advice.append(
            f"{len(single)} video(s) of {LADDER_MIN_HEIGHT}p or more have no lower-resolution "
            "version: add a 480p/360p rendition (or adaptive streaming) for mobile visitors"
        )
    high = [e for e in _assessed(ctx) if e.verdict == "high"]
    if high:
        advice.append(
            f"{len(high)} video(s) use more than {HIGH_RATIO:g}× the bitrate their resolution "
            "needs: re-encode at the recommended bitrate"
        )
    return DeliveryOptimization(no_faststart, single, advice)


@dataclass(frozen=True)
class CurrentDelivery:
    formats: list[str]  # containers of the video and its lower-resolution versions
    qualities: list[str]  # their heights ('720p'), tallest first
    avg_load_time: float | None  # ms
    load_time_source: str | None
    buffering_rate: float | None  # % of its player sessions in the range that buffered


@dataclass(frozen=True)
class ExpectedImprovements:
    load_time_reduction: float | None  # never measured: None (module docstring)
    buffering_reduction: float | None  # never measured: None
    storage_savings: int | None  # bytes, an estimate; None without bitrate or height


@dataclass(frozen=True)
class DeliveryOptimizationPlan:
    current_delivery: CurrentDelivery
    recommendations: list[str]
    expected_improvements: ExpectedImprovements


def _container(path: bytes) -> str:
    return os.fsdecode(os.path.splitext(path)[1].lstrip(b".")).upper()


def delivery_plan(
    ctx: ReportContext, media: MediaFile, timing: LoadTime, buffering: float | None
) -> DeliveryOptimizationPlan:
    """The seed's optimizeVideoDelivery for one video: its formats and qualities with
    those of its lower-resolution versions, its load time (`timing`) and buffering rate,
    what to do, and the storage re-encoding would save (an estimate; None without
    bitrate or height). Load-time and buffering reductions are never measured: None."""
    probe = media.probe
    faststart = None if probe.faststart is None else int(probe.faststart)
    video = _Video(
        media.id,
        media.path,
        media.size,
        probe.width,
        probe.height,
        probe.codec,
        probe.bitrate,
        faststart,
    )
    key = ladder_key(media.path)
    versions = [v for v in load_videos(ctx) if ladder_key(v.path) == key]
    if all(v.id != media.id for v in versions):
        versions.append(video)  # a deleted video is still described
    versions.sort(key=lambda v: (-(v.height or 0), v.id))
    formats = sorted({_container(v.path) for v in versions})
    qualities = [f"{v.height}p" for v in versions if v.height]
    verdict = assess(video)
    advice = []
    if faststart == 0:
        advice.append(
            "its index (moov atom) is at the end: remux with `ffmpeg -i in.mp4 "
            "-c copy -movflags +faststart out.mp4` so playback starts sooner"
        )
    if (probe.height or 0) >= LADDER_MIN_HEIGHT and len(qualities) == 1:
        advice.append(
            f"no lower-resolution version: add a 480p/360p rendition for mobile "
            f"visitors (it is {probe.height}p)"
        )
    if verdict.verdict == "high" and verdict.recommended_bitrate:
        advice.append(
            f"its bitrate is {verdict.ratio:.1f}× what {probe.height}p needs: "
            f"re-encode at {verdict.recommended_bitrate // 1000} kbit/s"
        )
    savings = verdict.estimated_savings if verdict.verdict == "high" else None
    if verdict.verdict in ("efficient", "low"):
        savings = 0
    return DeliveryOptimizationPlan(
        CurrentDelivery(formats, qualities, timing.ms, timing.source, buffering),
        advice,
        ExpectedImprovements(None, None, savings),
    )
