"""The usage score, and the present files that rank highest by it over a report's range.

**Usage score** (orders "most used"; ties broken by views, then id):

    score = views + 2 × downloads + 2 × clicks + 3 × shares + 5 × places used

A download, click or share is a deliberate act, worth more than a view; each place
the CMS uses a file (`usage_locations`) counts 5 because removing or breaking the file
breaks that page whether or not it was visited in the range.

The weights are written once, in `WEIGHTS`: `usage_score` applies them here, and the
store's queries (`store.queries.usage`) receive them to score in SQL.
"""

from __future__ import annotations

import heapq
from dataclasses import astuple
from typing import Any

from mediatop.analytics._rollups import (
    SHORT_RANGE_DAYS,
    WalkCursor,
    Walked,
    range_sums,
    short_range_table,
    top_in_range,
)
from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.store.queries import usage as queries
from mediatop.store.queries.rollups import RangeSums
from mediatop.store.queries.usage import ScoreWeights

WEIGHTS = ScoreWeights(views=1, downloads=2, clicks=2, shares=3, places=5)

# (id, views, downloads, clicks, shares, places, score) of one file over the range
Scored = tuple[int, int, int, int, int, int, int]


def usage_score(views: int, downloads: int, clicks: int, shares: int, places: int) -> int:
    """The usage score of a file's uses and places (module docstring)."""
    return (
        WEIGHTS.views * views + WEIGHTS.downloads * downloads + WEIGHTS.clicks * clicks
        + WEIGHTS.shares * shares + WEIGHTS.places * places
    )  # fmt: skip


def _most_places(ctx: ReportContext) -> int:
    """The most usage_locations rows naming one file (a library fact)."""
    return int(
        library_fact(ctx, "most_places_per_file", lambda: queries.most_places_per_file(ctx.conn))
    )


def _scored(file_id: int, sums: RangeSums, places: int) -> Scored:
    views, downloads, clicks, shares = sums.views, sums.downloads, sums.clicks, sums.shares
    score = usage_score(views, downloads, clicks, shares, places)
    return (file_id, views, downloads, clicks, shares, places, score)


def scores_of(ctx: ReportContext, file_ids: list[int]) -> list[Scored]:
    """The given files' uses and score over the range, in the given order."""
    sums = range_sums(ctx, file_ids)
    places = queries.places_count(ctx.conn, file_ids)
    return [_scored(i, sums.get(i, RangeSums()), places.get(i, 0)) for i in file_ids]


def _table_scores(table: dict[int, tuple[int, ...]], places: dict[int, int]) -> dict[int, int]:
    """`usage_score` of every file of a short range's table (RangeSums tuples) or with a
    place: tens of thousands of files, so scored straight from the tuples with the
    weights in locals, no call or object per file (a call each costs twice as much)."""
    views, downloads, clicks, shares, per_place = astuple(WEIGHTS)
    scores = {
        i: views * s[1] + downloads * s[2] + clicks * s[3] + shares * s[4] for i, s in table.items()
    }
    for file_id, n in places.items():
        scores[file_id] = scores.get(file_id, 0) + per_place * n
    return scores


def _from_short_range(ctx: ReportContext, limit: int) -> Walked:
    """The top list from the shared one-scan table of a short range: rows (id, 0, places)."""
    table = short_range_table(ctx)
    places = queries.places_count(ctx.conn)
    gone = queries.deleted_file_ids(ctx.conn)
    scores = _table_scores(table, places)
    for file_id in gone:
        scores.pop(file_id, None)
    highest = [score for score in heapq.nlargest(limit, scores.values()) if score > 0]
    if not highest:
        return []
    # The tie-break by views only for the files that reach the top score.
    empty = astuple(RangeSums())
    reaching = [
        (score, table.get(i, empty)[1], -i) for i, score in scores.items() if score >= highest[-1]
    ]
    return [
        ((-neg_id, 0, places.get(-neg_id, 0)), RangeSums(*table.get(-neg_id, empty)))
        for _score, _views, neg_id in heapq.nlargest(limit, reaching)
    ]


def _walked(ctx: ReportContext, limit: int) -> Walked:
    """The top list by a walk down the all-time scores (rows (id, bound, places)), or
    from one grouped scan of the range when the walk runs long."""

    def key(row: tuple[Any, ...], r: RangeSums) -> tuple[float, ...]:
        return (usage_score(r.views, r.downloads, r.clicks, r.shares, row[2]), r.views, -row[0])

    def direct() -> Walked:
        found = queries.top_scores_in_range(ctx.conn, ctx.time_range, limit, WEIGHTS)
        return [((i, score, n), sums) for (i, score, n), sums in found]

    def open_walk(walk: int) -> WalkCursor:
        return queries.files_by_all_time_score(ctx.conn, walk, WEIGHTS, lambda: _most_places(ctx))

    return top_in_range(ctx, open_walk, key, limit, direct)


def top_scored(ctx: ReportContext, limit: int) -> list[Scored]:
    """The `limit` present files with the highest score over the range (ties broken by
    views, then id), leaving out those scoring 0."""
    if ctx.time_range.is_all:
        # All-time totals are the range's totals: one ordered query answers it.
        return queries.top_scores_all_time(ctx.conn, limit, WEIGHTS, lambda: _most_places(ctx))
    if ctx.time_range.days <= SHORT_RANGE_DAYS:
        best = _from_short_range(ctx, limit)  # a day or two of rows: one scan beats any walk
    else:
        best = _walked(ctx, limit)
    return [_scored(row[0], sums, row[2]) for row, sums in best]
