"""The first rows of a ranking by bytes saved per month, without every file's requests.

Opportunities rank by a saving × the file's human requests over the last 30 days.
Summing those requests for each of 100,000 measured images costs more than the rest of
a report, and only the first rows are shown. A file's requests over 30 days are at most
its requests ever (file_totals), so the candidates are visited by a bound, highest
first, their 30-day requests read a batch at a time, and the visit stops once `limit`
exact figures beat every bound left.

The bound is saving × requests ever for the files requested most ever, read a page at a
time (`Busiest`), and for every other file saving × the fewest requests among those
read: reading every file's requests ever cost as much as the rest of the ranking. The
savings come in descending order, so those other files are visited in order without
being sorted; a next page is read only when such a loose bound would come first. In a
library whose traffic goes mostly to a few files (every website's), one page and a few
hundred files' 30-day requests are read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from operator import neg
from typing import Any, Literal, NamedTuple

from mediatop.analytics.context import ReportContext
from mediatop.analytics.images.library_savings import Savings
from mediatop.store.queries.media import most_requested_ever, requests_by_file

BATCH = 256
FIRST_PAGE = 4096  # files by requests ever (bench store: 15 ms of SQL), then 4x each time


class Busiest:
    """The files requested most ever, most first, read as rankings need them; one run's
    rankings share it (`ReportContext.shared`)."""

    def __init__(self, ctx: ReportContext, first_page: int = FIRST_PAGE) -> None:
        self.ctx = ctx
        self.rows: list[tuple[int, int]] = []  # (id, requests ever), most first
        self.page = first_page
        self.done = False

    @property
    def rest(self) -> int:
        """No file not in `rows` has had more requests than this."""
        return 0 if self.done else self.rows[-1][1]

    def more(self) -> list[tuple[int, int]]:
        """Read the next page; its rows."""
        after = (self.rows[-1][0], self.rows[-1][1]) if self.rows else None
        page = most_requested_ever(self.ctx.conn, self.page, after)
        self.rows += page
        self.done = len(page) < self.page
        self.page *= 4
        return page


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


def _by_bound(savings: Savings, busiest: Busiest, floor: int) -> Iterator[tuple[int, int, int]]:
    """(bound, id, saving) of the measured files of `savings`, highest bound first: a file
    among `busiest.rows` by its own requests ever, any other by `busiest.rest`.
    `savings` must be in descending order of saving."""
    saving_of = savings.by_id()
    busy: list[tuple[int, int, int]] = []  # (-bound, id, saving): a heap
    known: set[int] = set()  # files whose requests ever are read
    visited: set[int] = set()

    def add(rows: list[tuple[int, int]]) -> None:
        for file_id, n in rows:
            known.add(file_id)
            if (saved := saving_of.get(file_id)) and file_id not in visited:
                heapq.heappush(busy, (-saved * max(n, floor), file_id, saved))

    if not busiest.rows:
        busiest.more()
    add(busiest.rows)
    others = zip(savings.saved, savings.ids, strict=True)
    other = next(others, None)
    while True:
        while other is not None and (other[1] in known or other[1] in visited):
            other = next(others, None)
        if other is not None and other[0] == 0:  # the rest were not measured
            other = None
        busy_bound = -busy[0][0] if busy else 0
        other_bound = other[0] * max(busiest.rest, floor) if other is not None else 0
        if other_bound > busy_bound and not busiest.done and busiest.rest > floor:
            add(busiest.more())  # a loose bound would come first: tighten it
        elif other is not None and other_bound > busy_bound:
            visited.add(other[1])
            yield other_bound, other[1], other[0]
            other = next(others, None)
        elif busy:
            bound, file_id, saved = heapq.heappop(busy)
            visited.add(file_id)
            yield -bound, file_id, saved
        else:
            return


def top_by_monthly_saving(
    ctx: ReportContext,
    savings: Savings,
    window: tuple[str, str],
    limit: int,
    *rankings: Ranking,
    first_page: int = FIRST_PAGE,
) -> dict[int, int]:
    """The files of `savings` that can be among the first `limit` of any of `rankings`
    over `window`: file id -> its requests over `window` (0 where they cannot matter).
    Rank the rows built for them by their list's own order and keep `limit`. One visit
    serves every ranking: it goes by the highest floor's bound, which bounds the others."""
    bounded: Iterator[tuple[int, int, int]] = iter(())
    if savings.measured:  # else every file saves nothing a month: no requests to read
        busiest = ctx.shared(("busiest", first_page), lambda: Busiest(ctx, first_page))
        assert isinstance(busiest, Busiest)
        # the highest floor's bound bounds the other rankings' figures too
        bounded = _by_bound(savings, busiest, max(r.floor for r in rankings))
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

    # The first batch is the `limit` files the visit cannot stop before; batches then
    # double up to BATCH, so that a visit which can stop early does so before it needs
    # the order of many files (and the next page of `Busiest`).
    pending: list[tuple[int, int]] = []
    size = min(limit, BATCH)
    for bound, file_id, saving in bounded:
        if reached(bound):
            break
        pending.append((file_id, saving))
        if len(pending) >= size:
            read(pending)
            pending, size = [], min(2 * size, BATCH)
    if pending:
        read(pending)
    for ranking, heap in zip(rankings, best, strict=True):
        if len(heap) < limit:  # the rest save nothing a month: they follow by `tie`
            rest = (tie for tie in _ties(ranking, savings) if tie[1] not in chosen)
            chosen.update((i, 0) for _, i in heapq.nsmallest(limit, rest))
    return chosen
