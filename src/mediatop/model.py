"""Frozen dataclasses that carry data between layers (scan -> store -> analytics -> faces).

Paths are `bytes` relative to the media root, exactly as the file system has them, so
that names which are not UTF-8 survive; `mediatop.textsafe` turns them into text to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mediatop.kinds import Kind

USAGE_EVENT_TYPES = ("view", "download", "click", "share")
VIDEO_EVENT_TYPES = ("play", "pause", "seek", "progress", "complete", "stop", "quality_change")
LOCATION_TYPES = ("post", "page", "widget", "theme", "email")
LOCATION_USAGES = ("featured", "inline", "gallery", "background", "attachment")


@dataclass(frozen=True)
class ProbeResult:
    """What a probe read from a file's header; `error` is set when it could not."""

    format: str | None = None
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    animated: bool | None = None
    frames: int | None = None
    progressive: bool | None = None
    quality: int | None = None
    bits_per_pixel: float | None = None
    duration_s: float | None = None
    bitrate: int | None = None
    codec: str | None = None
    channels: int | None = None
    sample_rate: int | None = None
    faststart: bool | None = None
    pages: int | None = None
    title: str | None = None
    author: str | None = None
    subject: str | None = None
    keywords: str | None = None
    has_text_layer: bool | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# The EXIF orientation tag, and the orientations that turn a picture a quarter: its
# displayed width is its stored height. An image's probed width and height are the
# displayed ones.
EXIF_ORIENTATION = 0x0112
QUARTER_TURNS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class MediaFile:
    """One file of the library as the store knows it."""

    id: int
    path: bytes
    group_path: bytes
    variant: str | None
    kind: Kind
    mime: str
    ext: str
    size: int
    mtime_ns: int
    first_seen: int
    uploaded_at: int
    uploaded_source: str
    deleted_at: int | None
    probed_at: int | None
    probe: ProbeResult
    # When a cleanup moved it into the quarantine (it is also deleted_at then): until it
    # is purged, `cleanup undo` can put it back.
    quarantined_at: int | None = None


@dataclass(frozen=True)
class UsageEvent:
    """One request or tracked interaction with a media file (a row of media_usage_events)."""

    media_id: int
    event_type: str
    timestamp: int
    source: str
    user_id: str | None = None
    session_id: str | None = None
    referrer: str | None = None
    user_agent: str | None = None
    status: int | None = None
    bytes: int | None = None
    device: str | None = None
    is_bot: bool = False
    country: str | None = None
    server_time_ms: float | None = None
    client_time_ms: float | None = None
    cache_status: str | None = None


@dataclass(frozen=True)
class VideoEngagementEvent:
    """One player event for a video (a row of video_engagement_events)."""

    video_id: int
    event_type: str
    current_time: float
    duration: float
    timestamp: int
    user_id: str | None = None
    session_id: str | None = None
    quality: str | None = None
    buffering: bool = False
    device: str | None = None
    country: str | None = None
    seek_from: float | None = None


@dataclass(frozen=True)
class UsageLocation:
    """One place the CMS uses a file (a row of usage_locations)."""

    media_path: bytes
    type: str
    location_id: str
    usage: str
    source: str
    title: str | None = None
    url: str | None = None
    element: str | None = None
    display_width: int | None = None
    sizes: str | None = None
    is_lazy: bool | None = None
    is_responsive: bool | None = None
    media_id: int | None = None


@dataclass(frozen=True)
class MeasuredNow:
    """What the measurement step run just before a report did, for the report to show
    (`mediatop.measure.for_reports`; the library surface hands it to the report's
    context): hashes computed, savings measured, failures."""

    content_hashed: int = 0
    perceptually_hashed: int = 0
    unreadable_files: int = 0  # files the hashing could not read or decode
    savings_measured: int = 0  # re-encodings measured (failures included)
    savings_failed: int = 0
    # files that share their size with another and have no current content hash, as
    # the step left them; None when it did not look (the report counts them itself)
    pending_content_hashes: int | None = None
