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

from mediatop.analytics._media_common import days, percent, top_limit
from mediatop.analytics.context import ReportContext
from mediatop.analytics.video_engagement import Scope, session_totals


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
    listen_time: float  # seconds, from player sessions
    completion_rate: float | None


@dataclass(frozen=True)
class AudioAnalytics:
    overview: AudioOverview
    most_played: list[AudioUsageData]


def audio_report(ctx: ReportContext) -> AudioAnalytics:
    """Audio files, their plays and completion over the report's range."""
    first, last = days(ctx)
    sessions = {
        r[0]: r[1:]
        for r in ctx.conn.execute(
            "SELECT s.video_id, COUNT(*), TOTAL(s.watch_seconds), TOTAL(s.completed) "
            "FROM video_sessions s JOIN media_files f ON f.id = s.video_id "
            "AND f.kind = 'audio' WHERE s.date BETWEEN ? AND ? GROUP BY s.video_id",
            (first, last),
        )
    }
    logged = dict(
        ctx.conn.execute(
            "SELECT m.media_id, SUM(m.views) FROM media_performance_metrics m "
            "JOIN media_files f ON f.id = m.media_id AND f.kind = 'audio' "
            "WHERE m.date BETWEEN ? AND ? GROUP BY m.media_id",
            (first, last),
        ).fetchall()
    )
    files = []
    formats: dict[str, list[int]] = {}
    for file_id, path, ext, size, duration, bitrate, fmt in ctx.conn.execute(
        "SELECT id, path, ext, size, duration_s, bitrate, format FROM media_files "
        "WHERE kind = 'audio' AND deleted_at IS NULL ORDER BY id"
    ):
        n, listened, done = sessions.get(file_id, (0, 0.0, 0))
        log_plays = int(logged.get(file_id) or 0)
        files.append(AudioUsageData(
            str(file_id), bytes(path), "audio", size, duration, bitrate, n or log_plays, n,
            log_plays, listened, percent(done, n),
        ))  # fmt: skip
        formats.setdefault(ext.lstrip(".").upper() or fmt or "unknown", []).append(size)
    totals = session_totals(ctx, Scope(kind="audio"))
    total_size = sum(f.size for f in files)
    durations = [f.duration for f in files if f.duration]
    bitrates = [f.bitrate for f in files if f.bitrate]
    distribution = [
        AudioFormatShare(name, len(sizes), sum(sizes), percent(len(sizes), len(files)))
        for name, sizes in sorted(formats.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    played = sorted((f for f in files if f.plays),
                    key=lambda f: (-f.plays, -f.listen_time, int(f.id)))  # fmt: skip
    return AudioAnalytics(
        AudioOverview(
            len(files),
            total_size,
            total_size / len(files) if files else None,
            sum(durations),
            sum(durations) / len(durations) if durations else None,
            sum(bitrates) / len(bitrates) if bitrates else None,
            sum(f.plays for f in files),
            totals.completion_rate,
            distribution,
        ),
        played[: top_limit(ctx)],
    )
