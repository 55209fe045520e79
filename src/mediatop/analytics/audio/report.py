"""The audio report: count, duration, bitrate, plays and completion of audio files.

The seed names AudioAnalytics without defining it; this is what an admin asks of audio.
- plays: a file's player sessions started in the range when its player sends engagement
  events (the same events and session rules as video), else its views from the access
  log (the rollup collapses a listener's range requests into one play).
- completion: % of player sessions completed; None when no player events exist for audio
  (an access log cannot tell how much of a file was listened to).
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent, top_limit
from mediatop.analytics.video.engagement import play_totals, session_totals
from mediatop.store.queries.audio import audio_files, audio_formats, audio_totals
from mediatop.store.queries.video import Scope


@dataclass(frozen=True)
class AudioFormatShare:
    format: str
    count: int
    size: int
    percentage: float | None


@dataclass(frozen=True)
class AudioOverview:
    total_audio: int
    total_size: int
    average_size: float | None
    total_duration: float  # seconds
    average_duration: float | None
    average_bitrate: float | None  # bits per second, over files with a known bitrate
    total_plays: int
    completion_rate: float | None
    format_distribution: list[AudioFormatShare]


@dataclass(frozen=True)
class AudioUsageData:
    id: str
    filename: bytes
    type: str
    size: int
    duration: float | None
    bitrate: int | None
    plays: int
    player_sessions: int
    log_plays: int
    listen_time: float | None  # seconds, from player sessions (None: none reported)
    completion_rate: float | None


@dataclass(frozen=True)
class AudioAnalytics:
    overview: AudioOverview
    most_played: list[AudioUsageData]


def audio_report(ctx: ReportContext) -> AudioAnalytics:
    """Audio files, their plays and completion over the report's range."""
    plays = play_totals(ctx, "audio", top_limit(ctx))
    files = audio_files(ctx.conn, (p.id for p in plays.top))
    played = [
        AudioUsageData(
            str(p.id), files[p.id][0], "audio", files[p.id][1], files[p.id][2],
            files[p.id][3], p.plays, p.sessions, p.log_views, p.known_watch_seconds,
            percent(p.completed, p.sessions),
        )
        for p in plays.top
        if p.id in files
    ]  # fmt: skip
    count, size, duration, timed, avg_duration, avg_bitrate = audio_totals(ctx.conn)
    rows = audio_formats(ctx.conn)
    distribution = [AudioFormatShare(n or "unknown", c, int(s), percent(c, count))
                    for n, c, s in rows]  # fmt: skip
    totals = session_totals(ctx, Scope(kind="audio"))
    return AudioAnalytics(
        AudioOverview(
            count,
            int(size),
            size / count if count else None,
            duration,
            avg_duration if timed else None,
            avg_bitrate,
            plays.total_plays,
            totals.completion_rate,
            distribution,
        ),
        played,
    )
