"""Misses: requests over a report's range for media paths the library does not have.

A miss is a request for a path with a media extension (see `mediatop.kinds`) that no
file of the library has; pages, styles and scripts are "not media" and never misses.
People's and crawlers' misses are counted apart: a crawler asking for an old URL is not
a visitor meeting a broken link. A miss the server answered below 400 (200, 206, 304,
a redirect) is counted apart again: the server had that file, so it lives outside the
scanned folder (or came after the last scan), and no link to it is broken.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import top_limit
from mediatop.store.queries.misses import missed_paths


@dataclass(frozen=True)
class MissedPath:
    """One missed path over the range (path relative to the root)."""

    path: bytes
    human_not_found: int  # people, answered 400 or above
    crawler_not_found: int  # crawlers, answered 400 or above
    human_served: int  # people, answered below 400
    crawler_served: int  # crawlers, answered below 400
    last_status: int | None


@dataclass(frozen=True)
class MissStats:
    """Misses over the range: people's and crawlers' not-found requests and the files
    they asked for; the misses the server answered below 400; the most missed paths."""

    human_not_found: int  # people's requests answered 400 or above
    human_not_found_files: int  # the paths they asked for
    crawler_not_found: int  # crawlers' requests answered 400 or above
    crawler_not_found_files: int
    human_served: int  # people's requests answered below 400
    crawler_served: int  # crawlers' requests answered below 400
    served_files: int  # the paths answered below 400 at least once
    most_missed: list[MissedPath]


def miss_stats(ctx: ReportContext, limit: int) -> MissStats:
    """Misses over the report's range, with the `limit` most missed paths: people's
    not-found requests first, then crawlers', then those served anyway."""
    paths = [
        MissedPath(bytes(path), int(human), int(bot), int(human_ok), int(bot_ok), status)
        for path, human, bot, human_ok, bot_ok, _day, status in missed_paths(
            ctx.conn, ctx.time_range
        )
    ]
    paths.sort(
        key=lambda p: (
            -p.human_not_found, -p.crawler_not_found,
            -(p.human_served + p.crawler_served), p.path,
        )
    )  # fmt: skip
    return MissStats(
        human_not_found=sum(p.human_not_found for p in paths),
        human_not_found_files=sum(1 for p in paths if p.human_not_found),
        crawler_not_found=sum(p.crawler_not_found for p in paths),
        crawler_not_found_files=sum(1 for p in paths if p.crawler_not_found),
        human_served=sum(p.human_served for p in paths),
        crawler_served=sum(p.crawler_served for p in paths),
        served_files=sum(1 for p in paths if p.human_served or p.crawler_served),
        most_missed=paths[:limit],
    )


def misses_report(ctx: ReportContext) -> MissStats:
    """`mediatop report misses`: the range's misses and the most missed paths (--top)."""
    return miss_stats(ctx, top_limit(ctx, 10))
