"""Per-session video engagement: drop-off, heatmap, retention, seeks, quality, audience.

The unit is the player session (video_sessions: one row per video and session, kept by
the event writer). Sessions belong to the report's range by the day they started;
heatmap and seek patterns read the raw player events (video_engagement_events, indexed
by video) whose timestamp falls in the range. A *scope* is one video, or every file of
one kind (videos; audio players can send the same events).

Definitions (the seed's, made exact):
- completion rate: % of sessions marked completed (a 'complete' event or a position
  ≥ 95 % of the duration); watch time: seconds actually played.
- drop-off points (calculateDropOffPoints): sessions whose last event is a pause or a
  stop, bucketed at floor(position / 10) × 10 s; percentage of all sessions in scope;
  most drop-offs first (then earliest).
- engagement heatmap (generateEngagementHeatmap): for each 10 s interval up to the
  longest duration, engagement = plays − pauses + seeks (seeks counted where they
  land). Intensity compares it with the number of sessions: ≥ 0.5 per session 'high',
  ≥ 0.1 'medium', else 'low' (a net pause or nothing is low).
- retention curve: % of sessions whose furthest position reached each 10 s point.
- seek patterns: per 10 s bucket where seeks land: how many, forward, backward (from the
  event's seek_from; unknown origin counts in neither), mean jump in seconds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import percent
from mediatop.store.queries.video import (
    Scope,
    drop_off_buckets,
    event_buckets,
    furthest_buckets,
    longest_and_sessions,
    seek_buckets,
    session_sums,
    sessions_by,
    sessions_by_file,
)

BUCKET_S = 10
HIGH_PER_SESSION = 0.5
MEDIUM_PER_SESSION = 0.1


@dataclass(frozen=True)
class DropOffPoint:
    time: int  # seconds, start of the 10 s bucket
    count: int
    percentage: float | None


@dataclass(frozen=True)
class EngagementHeatmap:
    start_time: int
    end_time: int
    engagement: int
    intensity: str  # low | medium | high


@dataclass(frozen=True)
class RetentionPoint:
    time: int
    sessions: int
    percentage: float | None


@dataclass(frozen=True)
class SeekPattern:
    time: int  # where the seeks landed (start of the 10 s bucket)
    count: int
    forward: int
    backward: int
    average_jump: float | None  # seconds


@dataclass(frozen=True)
class Breakdown:
    """Sessions by one attribute (quality, device, country)."""

    value: str
    sessions: int
    percentage: float | None
    completion_rate: float | None
    average_watch_time: float | None


@dataclass(frozen=True)
class SessionTotals:
    sessions: int
    unique_viewers: int
    watch_time: float
    completed: int
    buffered: int  # sessions with at least one buffering event

    @property
    def average_watch_time(self) -> float | None:
        return self.watch_time / self.sessions if self.sessions else None

    @property
    def completion_rate(self) -> float | None:
        return percent(self.completed, self.sessions)


def session_totals(ctx: ReportContext, scope: Scope) -> SessionTotals:
    """Sessions, distinct viewers (user id, else the session), watch time, completions.

    Read once per run for a scope and range: the totals and the drop-off points ask.
    """

    def read() -> SessionTotals:
        return SessionTotals(*session_sums(ctx.conn, scope, ctx.time_range))

    span = (ctx.time_range.start_ts, ctx.time_range.end_ts)
    return cast(SessionTotals, ctx.shared(("session_totals", scope, span), read))


def drop_off_points(ctx: ReportContext, scope: Scope) -> list[DropOffPoint]:
    """Where sessions that ended on a pause or stop ended (the seed's calculateDropOffPoints)."""
    total = session_totals(ctx, scope).sessions
    return [
        DropOffPoint(t, n, percent(n, total))
        for t, n in drop_off_buckets(ctx.conn, scope, ctx.time_range, BUCKET_S)
    ]


def intensity(engagement: int, sessions: int) -> str:
    """'high' / 'medium' / 'low' for an interval's engagement per session in scope."""
    if sessions <= 0 or engagement <= 0:
        return "low"
    rate = engagement / sessions
    return "high" if rate >= HIGH_PER_SESSION else "medium" if rate >= MEDIUM_PER_SESSION else "low"


def engagement_heatmap(ctx: ReportContext, scope: Scope) -> list[EngagementHeatmap]:
    """plays − pauses + seeks per 10 s interval (the seed's generateEngagementHeatmap)."""
    longest, sessions = longest_and_sessions(ctx.conn, scope, ctx.time_range)
    if not longest:
        return []
    net: dict[int, int] = defaultdict(int)
    for bucket, etype, n in event_buckets(ctx.conn, scope, ctx.time_range, BUCKET_S):
        net[bucket] += -n if etype == "pause" else n
    intervals = math.ceil(float(longest) / BUCKET_S)
    return [
        EngagementHeatmap(i * BUCKET_S, (i + 1) * BUCKET_S, net.get(i, 0),
                          intensity(net.get(i, 0), sessions))
        for i in range(intervals)
    ]  # fmt: skip


def retention_curve(ctx: ReportContext, scope: Scope) -> list[RetentionPoint]:
    """% of sessions whose furthest position reached each 10 s point (0 s = every session)."""
    reached_top = furthest_buckets(ctx.conn, scope, ctx.time_range, BUCKET_S)
    if not reached_top:
        return []
    total = sum(reached_top.values())
    points = []
    still = total
    for bucket in range(max(reached_top) + 1):
        points.append(RetentionPoint(bucket * BUCKET_S, still, percent(still, total)))
        still -= reached_top.get(bucket, 0)
    return points


def seek_patterns(ctx: ReportContext, scope: Scope) -> list[SeekPattern]:
    """Seeks by where they landed, with direction and mean jump."""
    rows = seek_buckets(ctx.conn, scope, ctx.time_range, BUCKET_S)
    return [SeekPattern(b * BUCKET_S, n, fw, bw, jump) for b, n, fw, bw, jump in rows]


def breakdown(ctx: ReportContext, scope: Scope, column: str) -> list[Breakdown]:
    """Sessions by `column` (quality | device | country); sessions without a value are left out."""
    rows = sessions_by(ctx.conn, scope, ctx.time_range, column)
    total = sum(r[1] for r in rows)
    found = [
        Breakdown(value, int(n), percent(n, total), percent(done, n), watched / n)
        for value, n, done, watched in rows
    ]
    found.sort(key=lambda b: (-b.sessions, b.value))
    return found


@dataclass(frozen=True)
class FilePlays:
    """One file's plays over the range: player sessions, else collapsed log views."""

    id: int
    sessions: int
    viewers: int
    watch_seconds: float
    completed: int
    log_views: int

    @property
    def plays(self) -> int:
        return self.sessions or self.log_views

    @property
    def known_viewers(self) -> int | None:
        """Its viewers, which only player sessions tell (None without one)."""
        return self.viewers if self.sessions else None

    @property
    def known_watch_seconds(self) -> float | None:
        """Seconds watched or listened, which only player sessions tell (None without one)."""
        return self.watch_seconds if self.sessions else None


@dataclass(frozen=True)
class PlayTotals:
    total_plays: int
    top: list[FilePlays]  # most plays first
    with_sessions: list[FilePlays]  # every file with player sessions in the range


def play_totals(ctx: ReportContext, kind: str, limit: int) -> PlayTotals:
    """Plays of every present file of `kind` (a file's player sessions when it has any,
    else its log views) and the `limit` most played, reading per-file rollups only for
    the files that can make the top (see `top_by_use`)."""
    from mediatop.analytics._media_common import kind_uses_total, top_by_use, uses_by_file

    sessions = sessions_by_file(ctx.conn, kind, ctx.time_range)
    session_logs = uses_by_file(ctx, sessions)
    with_sessions = [
        FilePlays(i, int(n), int(v), float(w), int(d), session_logs.get(i, (0, 0, 0, 0, 0))[1])
        for i, (n, v, w, d) in sessions.items()
    ]
    all_logged = kind_uses_total(ctx, kind, "views")
    logged_elsewhere = all_logged - sum(p.log_views for p in with_sessions)
    total = sum(p.sessions for p in with_sessions) + max(0, logged_elsewhere)
    by_log = top_by_use(ctx, kind, "views", limit, excluding=sessions.keys())
    log_only = [FilePlays(i, 0, 0, 0.0, 0, u[1]) for i, u in by_log]
    top = sorted([*with_sessions, *log_only], key=lambda p: (-p.plays, -p.watch_seconds, p.id))
    return PlayTotals(total, top[:limit], with_sessions)
