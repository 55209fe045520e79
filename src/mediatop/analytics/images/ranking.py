"""The first rows of a ranking by bytes saved per month, without every file's requests.

Opportunities rank by a saving × the file's human requests over the last 30 days.
Summing those requests for each of 100,000 measured images costs more than the rest of
a report, and only the first rows are shown. A file's requests over 30 days are at most
its requests ever (file_totals, one row per file), so the candidates are visited by
that bound, highest first, their 30-day requests read a batch at a time, and the visit
stops once `limit` exact figures beat every bound left. In a library whose traffic
goes mostly to a few files (every website's), a few hundred are read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import repeat
from operator import mul, neg
from typing import Any, Literal, NamedTuple

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.library_savings import Savings
from mediatop.store.queries.media import requests_by_file, requests_ever

BATCH = 256


class Ranking(NamedTuple):
    """An order by `saving × max(requests, floor)`, highest first; among files that save
    nothing a month, by the larger saving then the id (tie "saving", `rank`'s order) or
    by the id as text (tie "id_text", the oversized list's)."""

    floor: int
    tie: Literal["saving", "id_text"]


def _ties(ranking: Ranking, savings: Savings) -> Iterator[tuple[Any, int]]:
    """(the tie key, id) of every file of `savings`, built in C."""
    if ranking.tie == "saving":
        return zip(zip(map(neg, savings.saved), savings.ids, strict=True), savings.ids,
                   strict=True)  # fmt: skip
    return zip(map(str, savings.ids), savings.ids, strict=True)


def top_by_monthly_saving(
    ctx: ReportContext,
    savings: Savings,
    window: tuple[str, str],
    limit: int,
    *rankings: Ranking,
) -> dict[int, int]:
    """The files of `savings` that can be among the first `limit` of any of `rankings`
    over `window`: file id -> its requests over `window` (0 where they cannot matter).
    Rank the rows built for them by their list's own order and keep `limit`. One visit
    serves every ranking: it goes by the highest floor's bound, which bounds the others."""
    bounded: list[tuple[int, int, int]] = []
    if savings.measured:  # else every file saves nothing a month: no requests to read
        ever = ctx.shared(("requests_ever",), lambda: requests_ever(ctx.conn))
        assert isinstance(ever, dict)
        top = max(r.floor for r in rankings)
        # saving × max(requests ever, floor), in C: a file in `ever` was requested at
        # least once
        bounds = map(mul, savings.saved, map(ever.get, savings.ids, repeat(top)))
        bounded = list(zip(bounds, savings.ids, savings.saved, strict=True))
    chosen: dict[int, int] = {}
    best: list[list[int]] = [[] for _ in rankings]  # each one's `limit` highest so far

    def read(batch: list[tuple[int, int]]) -> None:
        requests = requests_by_file(ctx.conn, *window, ids=[i for i, _ in batch])
        for file_id, saving in batch:
            chosen[file_id] = n = requests.get(file_id, 0)
            for ranking, heap in zip(rankings, best, strict=True):
                figure = saving * max(n, ranking.floor)
                if figure > 0 and len(heap) < limit:
                    heapq.heappush(heap, figure)
                elif figure > 0:
                    heapq.heappushpop(heap, figure)

    def reached(bound: int) -> bool:
        """No file left, whose figures are at most `bound`, can reach any first `limit`."""
        return bound <= 0 or all(len(heap) == limit and heap[0] > bound for heap in best)

    pending: list[tuple[int, int]] = []
    for bound, file_id, saving in _highest_first(bounded, 4 * limit + BATCH):
        if reached(bound):
            break
        pending.append((file_id, saving))
        if len(pending) == BATCH:
            read(pending)
            pending = []
    if pending:
        read(pending)
    for ranking, heap in zip(rankings, best, strict=True):
        if len(heap) < limit:  # the rest save nothing a month: they follow by `tie`
            rest = (tie for tie in _ties(ranking, savings) if tie[1] not in chosen)
            chosen.update((i, 0) for _, i in heapq.nsmallest(limit, rest))
    return chosen


def _highest_first(
    bounded: list[tuple[int, int, int]], first: int
) -> Iterator[tuple[int, int, int]]:
    """`bounded` in descending order, sorting all of it only if the visit gets past the
    `first` highest (usually it stops within them)."""
    yield from heapq.nlargest(first, bounded)
    if len(bounded) > first:
        yield from sorted(bounded, reverse=True)[first:]
