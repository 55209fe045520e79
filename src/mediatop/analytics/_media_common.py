"""Small helpers shared by the per-type reports (images, videos, documents, audio, duplicates).

Kept apart from the usage/performance helpers so that the per-type reports depend only
on the store's queries (`store.queries.media`) and the report context.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.store.queries.media import (
    Uses,
    files_by_total,
    kind_load_time_sums,
    kind_use_total,
    kind_uses_all_time,
    kind_uses_in_range,
)

# Re-exported for the reports that import them from here (images, optimisation).
from mediatop.store.queries.media import uses_by_file as store_uses_by_file
from mediatop.timerange import last_30_days as thirty_days_ending


@dataclass(frozen=True)
class LoadTime:
    """Mean load time of a kind over the range, and which clock it came from.

    `source` is 'client' when browser Resource Timing beacons exist (what the visitor
    waited), else 'server' ($request_time in the log), else None with `mean_ms` None.
    """

    mean_ms: float | None
    source: str | None
    samples: int


def last_30_days(ctx: ReportContext) -> tuple[str, str]:
    """The 30 UTC days ending today: the window for "bytes saved per month" rankings."""
    return thirty_days_ending(ctx.now)


def kind_load_time(ctx: ReportContext, kind: str) -> LoadTime:
    """Mean load time (ms) of all requests for files of `kind` in the range, from kind_daily."""
    sums = kind_load_time_sums(ctx.conn, ctx.time_range, kind)
    if sums.client_count:
        return LoadTime(sums.client_sum_ms / sums.client_count, "client", sums.client_count)
    if sums.server_count:
        return LoadTime(sums.server_sum_ms / sums.server_count, "server", sums.server_count)
    return LoadTime(None, None, 0)


def kind_uses(ctx: ReportContext, kind: str) -> dict[int, Uses]:
    """Every present file of `kind` used in the range -> (requests, views, clicks, shares,
    downloads); the `all` range reads file_totals (one row per file) instead of days."""
    if not ctx.time_range.is_all:
        return kind_uses_in_range(ctx.conn, ctx.time_range, kind)
    return kind_uses_all_time(ctx.conn, kind)


def uses_by_file(ctx: ReportContext, ids: Iterable[int]) -> dict[int, Uses]:
    """file id -> (requests, views, clicks, shares, downloads) over the report's range;
    files with no use are left out.

    Reads file_totals (one row per file) for the `all` range, else sums the given files'
    days through the (media_id, date) index. Within one run (`ReportContext.fresh_run`)
    a file is summed once per range: the most viewed, the featured and the galleries'
    images are mostly the same files.
    """
    known = ctx.shared(("uses_by_file", ctx.time_range), dict)
    assert isinstance(known, dict)
    wanted = list(ids)
    missing = [i for i in wanted if i not in known]
    if missing:
        found = store_uses_by_file(ctx.conn, ctx.time_range, missing)
        known.update((i, found.get(i)) for i in missing)  # None: no use in the range
    return {i: uses for i in wanted if (uses := known[i]) is not None}


def kind_uses_total(ctx: ReportContext, kind: str, column: str) -> int:
    """How many `column` uses (human requests | views | downloads) the files of `kind`
    had over the range (kind_daily), read once per run."""
    found = ctx.shared(
        ("kind_use_total", kind, column, ctx.time_range),
        lambda: kind_use_total(ctx.conn, ctx.time_range, kind, column),
    )
    assert isinstance(found, int)
    return found


def top_by_use(
    ctx: ReportContext,
    kind: str,
    column: str,
    limit: int,
    batch: int = 256,
    used_as: str | None = None,
    excluding: Collection[int] = (),
) -> list[tuple[int, Uses]]:
    """The `limit` present files of `kind` with the most `column` uses over the range.

    `column` is views | downloads. All-time totals (file_totals) bound any range's
    totals from above, so files are visited in decreasing all-time order and summed over
    the range in batches until the next bound cannot beat the current top `limit`.
    Files with no such use in the range are left out. Returns (id, uses) best first.
    `used_as` keeps only files a usage location uses in that role (e.g. 'featured');
    files in `excluding` are left out (see `files_by_total`); they must be of `kind`, as
    their uses over the range are taken from the kind's total (the early stop below).
    """
    index = {"views": 1, "downloads": 4}[column]
    # Once the files summed hold every use the kind had in the range, no other file has
    # any: a quiet range (a day with few views) stops there, not after every file.
    left = None
    if not ctx.time_range.is_all:  # at all time the bounds are the figures themselves
        left = kind_uses_total(ctx, kind, column)
        if excluding:  # theirs are not to be found (the caller has usually summed them)
            left -= sum(u[index] for u in uses_by_file(ctx, excluding).values())
    best: list[tuple[int, Uses]] = []
    # A file whose total changed between two pages (a concurrent ingest) could come
    # twice, so files already summed are skipped.
    seen: set[int] = set()
    for ranked in files_by_total(ctx.conn, kind, column, 4 * batch, used_as, excluding):
        for start in range(0, len(ranked), batch):
            if left is not None and left <= 0:
                return best
            rows = ranked[start : start + batch]
            sums = uses_by_file(ctx, [r[0] for r in rows if r[0] not in seen])
            seen.update(r[0] for r in rows)
            if left is not None:
                left -= sum(u[index] for u in sums.values())
            best += [(i, u) for i, u in sums.items() if u[index] > 0]
            best.sort(key=lambda item: (-item[1][index], item[0]))
            del best[limit:]
            if len(best) >= limit and best[-1][1][index] >= rows[-1][1]:
                return best
    return best
