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

from mediatop.analytics._media_common import percent
from mediatop.analytics.context import ReportContext
from mediatop.store.queries.ranges import in_range

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


@dataclass(frozen=True)
class Scope:
    """One video (video_id) or every present file of a kind."""

    video_id: int | None = None
    kind: str = "video"

    def sessions_where(self, ctx: ReportContext) -> tuple[str, list[object]]:
        # Sessions started in the range (its first second to its last, not whole days).
        span = [ctx.time_range.start_ts, ctx.time_range.end_ts]
        if self.video_id is not None:
            return "video_id = ? AND started_at >= ? AND started_at < ?", [self.video_id, *span]
        return (
            "video_id IN (SELECT id FROM media_files WHERE kind = ? AND deleted_at IS NULL) "
            "AND started_at >= ? AND started_at < ?",
            [self.kind, *span],
        )

    def events_where(self, ctx: ReportContext) -> tuple[str, list[object]]:
        span = [ctx.time_range.start_ts, ctx.time_range.end_ts]
        if self.video_id is not None:
            return "video_id = ? AND timestamp >= ? AND timestamp < ?", [self.video_id, *span]
        return (
            "video_id IN (SELECT id FROM media_files WHERE kind = ? AND deleted_at IS NULL) "
            "AND timestamp >= ? AND timestamp < ?",
            [self.kind, *span],
        )


def session_totals(ctx: ReportContext, scope: Scope) -> SessionTotals:
    """Sessions, distinct viewers (user id, else the session), watch time, completions.

    Read once per run for a scope and range: the totals and the drop-off points ask.
    """

    def read() -> SessionTotals:
        where, args = scope.sessions_where(ctx)
        row = ctx.conn.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT COALESCE('u:' || user_id, 's:' || session_id)), "
            f"TOTAL(watch_seconds), TOTAL(completed), TOTAL(buffering_events > 0) "
            f"FROM video_sessions WHERE {where}",
            args,
        ).fetchone()
        return SessionTotals(int(row[0]), int(row[1]), float(row[2]), int(row[3]), int(row[4]))

    span = (ctx.time_range.start_ts, ctx.time_range.end_ts)
    return cast(SessionTotals, ctx.shared(("session_totals", scope, span), read))


def drop_off_points(ctx: ReportContext, scope: Scope) -> list[DropOffPoint]:
    """Where sessions that ended on a pause or stop ended (the seed's calculateDropOffPoints)."""
    where, args = scope.sessions_where(ctx)
    total = session_totals(ctx, scope).sessions
    rows = ctx.conn.execute(
        f"SELECT CAST(last_position / {BUCKET_S} AS INTEGER) * {BUCKET_S} AS t, COUNT(*) "
        f"FROM video_sessions WHERE {where} AND last_event_type IN ('pause', 'stop') "
        f"GROUP BY t ORDER BY COUNT(*) DESC, t",
        args,
    )
    return [DropOffPoint(int(t), int(n), percent(n, total)) for t, n in rows]


def intensity(engagement: int, sessions: int) -> str:
    """'high' / 'medium' / 'low' for an interval's engagement per session in scope."""
    if sessions <= 0 or engagement <= 0:
        return "low"
    rate = engagement / sessions
    return "high" if rate >= HIGH_PER_SESSION else "medium" if rate >= MEDIUM_PER_SESSION else "low"


def engagement_heatmap(ctx: ReportContext, scope: Scope) -> list[EngagementHeatmap]:
    """plays − pauses + seeks per 10 s interval (the seed's generateEngagementHeatmap)."""
    where, args = scope.events_where(ctx)
    # Sessions are counted as distinct pairs, not as one string built per event (3x slower).
    longest = ctx.conn.execute(
        f"SELECT (SELECT MAX(duration) FROM video_engagement_events WHERE {where}), "
        f"(SELECT COUNT(*) FROM (SELECT DISTINCT video_id, COALESCE(session_id, "
        f"'u:' || user_id, 'anonymous') FROM video_engagement_events WHERE {where}))",
        (*args, *args),
    ).fetchone()
    if not longest[0]:
        return []
    sessions = int(longest[1])
    net: dict[int, int] = defaultdict(int)
    for bucket, etype, n in ctx.conn.execute(
        f'SELECT CAST(MAX("current_time", 0) / {BUCKET_S} AS INTEGER), event_type, COUNT(*) '
        f"FROM video_engagement_events WHERE {where} AND event_type IN ('play', 'pause', 'seek') "
        f"GROUP BY 1, 2",
        args,
    ):
        net[int(bucket)] += -n if etype == "pause" else n
    intervals = math.ceil(float(longest[0]) / BUCKET_S)
    return [
        EngagementHeatmap(i * BUCKET_S, (i + 1) * BUCKET_S, net.get(i, 0),
                          intensity(net.get(i, 0), sessions))
        for i in range(intervals)
    ]  # fmt: skip


def retention_curve(ctx: ReportContext, scope: Scope) -> list[RetentionPoint]:
    """% of sessions whose furthest position reached each 10 s point (0 s = every session)."""
    where, args = scope.sessions_where(ctx)
    reached_top: dict[int, int] = {}
    for bucket, n in ctx.conn.execute(
        f"SELECT CAST(max_position / {BUCKET_S} AS INTEGER), COUNT(*) FROM video_sessions "
        f"WHERE {where} GROUP BY 1",
        args,
    ):
        reached_top[int(bucket)] = int(n)
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
    where, args = scope.events_where(ctx)
    rows = ctx.conn.execute(
        f'SELECT CAST(MAX("current_time", 0) / {BUCKET_S} AS INTEGER) AS b, COUNT(*), '
        f'TOTAL(seek_from IS NOT NULL AND "current_time" > seek_from), '
        f'TOTAL(seek_from IS NOT NULL AND "current_time" < seek_from), '
        f'AVG(ABS("current_time" - seek_from)) '
        f"FROM video_engagement_events WHERE {where} AND event_type = 'seek' GROUP BY b ORDER BY b",
        args,
    )
    return [SeekPattern(int(b) * BUCKET_S, int(n), int(fw), int(bw), jump)
            for b, n, fw, bw, jump in rows]  # fmt: skip


def breakdown(ctx: ReportContext, scope: Scope, column: str) -> list[Breakdown]:
    """Sessions by `column` (quality | device | country); sessions without a value are left out."""
    assert column in ("quality", "device", "country")
    where, args = scope.sessions_where(ctx)
    rows = ctx.conn.execute(
        f"SELECT {column}, COUNT(*), TOTAL(completed), TOTAL(watch_seconds) FROM video_sessions "
        f"WHERE {where} AND {column} IS NOT NULL AND {column} != '' GROUP BY {column}",
        args,
    ).fetchall()
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


@dataclass(frozen=True)
class PlayTotals:
    total_plays: int
    top: list[FilePlays]  # most plays first
    with_sessions: list[FilePlays]  # every file with player sessions in the range


def play_totals(ctx: ReportContext, kind: str, limit: int) -> PlayTotals:
    """Plays of every present file of `kind` (a file's player sessions when it has any,
    else its log views) and the `limit` most played, reading per-file rollups only for
    the files that can make the top (see `top_by_use`)."""
    from mediatop.analytics._media_common import top_by_use, uses_by_file

    where, args = Scope(kind=kind).sessions_where(ctx)
    sessions = {
        r[0]: r[1:]
        for r in ctx.conn.execute(
            f"SELECT video_id, COUNT(*), COUNT(DISTINCT COALESCE('u:' || user_id, "
            f"'s:' || session_id)), TOTAL(watch_seconds), TOTAL(completed) "
            f"FROM video_sessions WHERE {where} GROUP BY video_id",
            args,
        )
    }
    session_logs = uses_by_file(ctx, sessions)
    with_sessions = [
        FilePlays(i, int(n), int(v), float(w), int(d), session_logs.get(i, (0, 0, 0, 0, 0))[1])
        for i, (n, v, w, d) in sessions.items()
    ]
    rows, args = in_range(ctx.time_range, "kind_daily", "views", "kind = ?", (kind,))
    all_logged = ctx.conn.execute(f"SELECT TOTAL(views) FROM ({rows})", args).fetchone()[0]
    logged_elsewhere = int(all_logged) - sum(p.log_views for p in with_sessions)
    total = sum(p.sessions for p in with_sessions) + max(0, logged_elsewhere)
    by_log = top_by_use(ctx, kind, "views", limit, excluding=sessions.keys())
    log_only = [FilePlays(i, 0, 0, 0.0, 0, u[1]) for i, u in by_log]
    top = sorted([*with_sessions, *log_only], key=lambda p: (-p.plays, -p.watch_seconds, p.id))
    return PlayTotals(total, top[:limit], with_sessions)
