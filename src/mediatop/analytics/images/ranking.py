"""The first rows of a ranking by bytes saved per month, without every file's requests.

Opportunities rank by a saving × the file's human requests over the last 30 days.
Summing those requests for each of 100,000 measured images costs more than the rest of
a report, and only the first rows are shown. A file's requests over 30 days are at most
its requests ever (file_totals), so the candidates are visited by a bound, highest
first, their 30-day requests read a batch at a time, and the visit stops once `limit`
exact figures beat every bound left. The bound is saving × requests ever for the
`HEAD` files requested most ever, and for every other file saving × the fewest
requests among those (reading every file's requests ever cost as much as the rest of
the ranking); the savings come in descending order, so those other files are visited
in order without being sorted. In a library whose traffic goes mostly to a few files
(every website's), a few hundred are read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from operator import itemgetter, neg
from typing import Any, Literal, NamedTuple

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.library_savings import Savings
from mediatop.store.queries.media import most_requested_ever, requests_by_file

BATCH = 256
HEAD = 4096  # files whose requests ever are read one by one (bench store: 15 ms of SQL)


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


def _by_bound(
    savings: Savings, busiest: list[tuple[int, int]], head: int, floor: int
) -> Iterator[tuple[int, int, int]]:
    """(bound, id, saving) of every file of `savings`, highest bound first: a file among
    `busiest` (the `head` files requested most ever, most first) by its own requests
    ever, any other by the fewest of theirs (or none, when fewer files were ever
    requested). `savings` must be in descending order of saving."""
    saving_of = savings.by_id()
    busy = sorted(
        ((saved * max(n, floor), file_id, saved) for file_id, n in busiest
         if (saved := saving_of.get(file_id))),
        reverse=True,
    )  # fmt: skip
    rest = max(busiest[-1][1] if len(busiest) == head else 0, floor)
    ids = {file_id for file_id, _ in busiest}
    others = (
        (saved * rest, file_id, saved)
        for file_id, saved in zip(savings.ids, savings.saved, strict=True)
        if file_id not in ids
    )
    return heapq.merge(busy, others, key=itemgetter(0), reverse=True)


def top_by_monthly_saving(
    ctx: ReportContext,
    savings: Savings,
    window: tuple[str, str],
    limit: int,
    *rankings: Ranking,
    head: int = HEAD,
) -> dict[int, int]:
    """The files of `savings` that can be among the first `limit` of any of `rankings`
    over `window`: file id -> its requests over `window` (0 where they cannot matter).
    Rank the rows built for them by their list's own order and keep `limit`. One visit
    serves every ranking: it goes by the highest floor's bound, which bounds the others."""
    bounded: Iterator[tuple[int, int, int]] = iter(())
    if savings.measured:  # else every file saves nothing a month: no requests to read
        busiest = ctx.shared(("most_requested_ever", head),
                             lambda: most_requested_ever(ctx.conn, head))  # fmt: skip
        assert isinstance(busiest, list)
        # the highest floor's bound bounds the other rankings' figures too
        bounded = _by_bound(savings, busiest, head, max(r.floor for r in rankings))
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
    for bound, file_id, saving in bounded:
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
