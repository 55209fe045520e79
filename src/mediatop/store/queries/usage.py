"""Reads for the usage report: usage scores, places used, uploads, downloads, unused
candidates and misses.

The usage score's weights are the usage report's rule (`analytics.usage.score`); they
come here as a `ScoreWeights` value and are written into the SQL, so the formula has one
definition. Scores are read from `file_totals` (all-time) or from the range's rollup
rows (see `rollups.range_sums_sql`), places from `usage_locations`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mediatop.store.dialect import ordered_join
from mediatop.store.queries.ranges import in_range
from mediatop.store.queries.rollups import RangeSums, range_sums_sql
from mediatop.timerange import TimeRange


@dataclass(frozen=True)
class ScoreWeights:
    """What one view, download, click, share and place used add to a file's usage score."""

    views: int
    downloads: int
    clicks: int
    shares: int
    places: int


def _weighted(
    weights: ScoreWeights,
    views: str,
    downloads: str,
    clicks: str,
    shares: str,
    places: str | None = None,
) -> str:
    """The score (or, without `places`, its traffic part) as an SQL expression over the
    named columns, e.g. "(v + 2 * d + 2 * c + 3 * s + 5 * n)"."""
    terms = [
        (weights.views, views), (weights.downloads, downloads), (weights.clicks, clicks),
        (weights.shares, shares), *([(weights.places, places)] if places else []),
    ]  # fmt: skip
    # The weights are ints (never text from outside), written as numbers.
    return "(" + " + ".join(name if w == 1 else f"{int(w)} * {name}" for w, name in terms) + ")"


def most_places_per_file(conn: sqlite3.Connection) -> int:
    """The most usage_locations rows naming one file."""
    return int(
        conn.execute(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM usage_locations "
            "WHERE media_id IS NOT NULL GROUP BY media_id)"
        ).fetchone()[0]
    )


# A file's usage score is its traffic plus a weight per place used, and its all-time score
# bounds its score over any range. _bound_query answers, highest first, the all-time
# score of every present file that can rank among the first `depth`, without scoring
# every file (a lookup in media_files for each):
#  - the floor is the `depth`-th highest all-time traffic (counting deleted files too,
#    whose totals remain in file_totals): at least `depth` files score that much, so a
#    file that ranks scores at least the floor;
#  - a file's score is at most its traffic + the place weight × the most places any file
#    has, so one that ranks has traffic >= floor - that. When that cut is above 0, the
#    files over it are the only candidates (a few more than `depth`);
#  - otherwise (little traffic) every file with traffic at the floor or a reference is.
_FLOOR_SQL = (
    "SELECT MIN(b), COUNT(*) FROM (SELECT {traffic} AS b FROM file_totals ORDER BY b DESC LIMIT ?)"
)
_OVER_CUT = "SELECT media_id FROM file_totals WHERE {traffic} >= :cut"
_AT_FLOOR_OR_USED = (
    "SELECT media_id FROM file_totals WHERE {traffic} >= :cut "
    "UNION SELECT media_id FROM usage_locations WHERE media_id IS NOT NULL"
)
# {join}: SQLite's CROSS JOIN ... ON keeps the candidates as the outer loop (SQLite's way
# to fix a join order; PostgreSQL: a plain JOIN, its planner orders it).
_SCORED_SQL = """
WITH x AS (
  SELECT f.id, COALESCE(t.views, 0) AS v, COALESCE(t.downloads, 0) AS d,
         COALESCE(t.clicks, 0) AS c, COALESCE(t.shares, 0) AS s,
         (SELECT COUNT(*) FROM usage_locations u WHERE u.media_id = f.id) AS n
  FROM ({candidates}) candidates {join} media_files f ON f.id = candidates.media_id
  LEFT JOIN file_totals t ON t.media_id = f.id
  WHERE f.deleted_at IS NULL
)
SELECT id, {score} AS score, v, d, c, s, n FROM x
"""


def _bound_query(
    conn: sqlite3.Connection, depth: int, weights: ScoreWeights, most_places: Callable[[], int]
) -> tuple[str, dict[str, int]]:
    """SQL and parameters of the all-time scores of the files that can rank among the
    first `depth` present files (see above): rows (id, score, v, d, c, s, n)."""
    traffic = _weighted(weights, "views", "downloads", "clicks", "shares")
    score = _weighted(weights, "v", "d", "c", "s", "n")
    depth += conn.execute(
        "SELECT COUNT(*) FROM media_files WHERE deleted_at IS NOT NULL"
    ).fetchone()[0]
    floor, ranked = conn.execute(_FLOOR_SQL.format(traffic=traffic), (depth,)).fetchone()
    if ranked < depth:  # fewer files with traffic than places to fill: all can rank
        candidates, cut = _AT_FLOOR_OR_USED, 0
    elif (cut := floor - weights.places * most_places()) > 0:
        candidates = _OVER_CUT
    else:
        candidates, cut = _AT_FLOOR_OR_USED, floor
    sql = _SCORED_SQL.format(
        candidates=candidates.format(traffic=traffic), score=score, join=ordered_join(conn)
    )
    return sql, {"cut": cut}


def top_scores_all_time(
    conn: sqlite3.Connection, limit: int, weights: ScoreWeights, most_places: Callable[[], int]
) -> list[tuple[int, int, int, int, int, int, int]]:
    """(id, views, downloads, clicks, shares, places, score) of the `limit` present files
    with the highest all-time score (then most views, then by id), leaving out score 0.
    `most_places()`: `most_places_per_file`, asked only when needed (the caller may keep
    it between runs)."""
    bound_sql, params = _bound_query(conn, limit, weights, most_places)
    return [
        (i, v, d, c, s, n, score)
        for i, score, v, d, c, s, n in conn.execute(
            f"SELECT * FROM ({bound_sql}) AS scored WHERE score > 0 "
            f"ORDER BY score DESC, v DESC, id LIMIT :limit",
            {**params, "limit": limit},
        )
    ]


def files_by_all_time_score(
    conn: sqlite3.Connection, walk: int, weights: ScoreWeights, most_places: Callable[[], int]
) -> sqlite3.Cursor:
    """A cursor of (id, all-time score, places) of at most `walk` present files that can
    rank among the first `walk`, highest score first: the bounds of a ranked walk over a
    range (an all-time score bounds the score over any range). The caller closes it."""
    bound_sql, params = _bound_query(conn, walk, weights, most_places)
    return conn.execute(
        f"SELECT id, score, n FROM ({bound_sql}) AS scored ORDER BY score DESC LIMIT {int(walk)}",
        params,
    )


def top_scores_in_range(
    conn: sqlite3.Connection, time_range: TimeRange, limit: int, weights: ScoreWeights
) -> list[tuple[tuple[int, int, int], RangeSums]]:
    """((id, score, places), sums) of the `limit` present files with the highest score
    over the range (then most views, then by id), leaving out score 0: one grouped scan
    of the range's rollup rows."""
    sub, args = range_sums_sql(time_range)
    rows = conn.execute(
        f"""
            WITH t AS ({sub}),
            l AS (SELECT media_id, COUNT(*) AS n FROM usage_locations
                  WHERE media_id IS NOT NULL GROUP BY media_id),
            x AS (
              SELECT f.id, COALESCE(t.s_views, 0) AS v, COALESCE(t.s_downloads, 0) AS d,
                     COALESCE(t.s_clicks, 0) AS c, COALESCE(t.s_shares, 0) AS s,
                     COALESCE(l.n, 0) AS n
              FROM media_files f LEFT JOIN t ON t.media_id = f.id
              LEFT JOIN l ON l.media_id = f.id
              WHERE f.deleted_at IS NULL AND (t.media_id IS NOT NULL OR l.media_id IS NOT NULL)
            )
            SELECT * FROM (
              SELECT id, {_weighted(weights, "v", "d", "c", "s", "n")} AS score, n, v, d, c, s
              FROM x
            ) AS scored WHERE score > 0
            ORDER BY score DESC, v DESC, id LIMIT ?
            """,
        [*args, limit],
    )
    return [
        ((i, score, n), RangeSums(views=v, downloads=d, clicks=c, shares=s_))
        for i, score, n, v, d, c, s_ in rows
    ]


def places_count(conn: sqlite3.Connection, ids: list[int] | None = None) -> dict[int, int]:
    """file id -> number of usage_locations rows naming it (None: every file named)."""
    if ids is None:
        return dict(
            conn.execute(
                "SELECT media_id, COUNT(*) FROM usage_locations WHERE media_id IS NOT NULL "
                "GROUP BY media_id"
            ).fetchall()
        )
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT media_id, COUNT(*) FROM usage_locations WHERE media_id IN ({marks}) "
                f"GROUP BY media_id",
                chunk,
            )
        )
    return found


def deleted_file_ids(conn: sqlite3.Connection) -> set[int]:
    """The ids of the files marked deleted."""
    return {r[0] for r in conn.execute("SELECT id FROM media_files WHERE deleted_at IS NOT NULL")}


def average_view_seconds(
    conn: sqlite3.Connection, time_range: TimeRange, ids: list[int]
) -> dict[int, float]:
    """Mean watch time (s) per video session started in the range, for the given videos."""
    wanted = sorted(set(ids))
    found: dict[int, float] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for video_id, avg in conn.execute(
            f"SELECT video_id, AVG(watch_seconds) FROM video_sessions "
            f"WHERE video_id IN ({marks}) AND started_at >= ? AND started_at < ? "
            f"GROUP BY video_id",
            [*chunk, time_range.start_ts, time_range.end_ts],
        ).fetchall():
            found[video_id] = float(avg)
    return found


def recent_upload_rows(
    conn: sqlite3.Connection, time_range: TimeRange, limit: int, kind: str | None
) -> list[tuple[Any, ...]]:
    """(id, path, kind, size, uploaded_at, uploaded_source) of the present files (of
    `kind`, or of any) uploaded in the range, newest first."""
    of_kind = "" if kind is None else "AND kind = ? "
    return conn.execute(
        "SELECT id, path, kind, size, uploaded_at, uploaded_source FROM media_files "
        f"WHERE deleted_at IS NULL {of_kind}AND uploaded_at >= ? AND uploaded_at < ? "
        "ORDER BY uploaded_at DESC, id DESC LIMIT ?",
        (*([] if kind is None else [kind]), time_range.start_ts, time_range.end_ts, limit),
    ).fetchall()


def kind_day_downloads(conn: sqlite3.Connection, time_range: TimeRange) -> list[tuple[Any, ...]]:
    """Rows (kind, date, downloads) of the range with any download (a partial day: one
    per kind and hour of it)."""
    # Answers: downloads per kind and per day in the range.
    return conn.execute(
        *in_range(time_range, "kind_daily", "kind, date, downloads", "downloads > 0")
    ).fetchall()
