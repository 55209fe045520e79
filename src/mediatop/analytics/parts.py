"""A report's independent parts, run on two processes (or two threads) at once.

A report made of parts that read apart (the media report's overview, usage,
performance and types; the insights' rules beside the long read that weighs image
savings by their requests) is shared between this process, on the caller's connection
(its cache is warm), and one forked child on a read connection of its own, each
claiming the next group of parts as it is free (`workers.forked.run_forked`). Processes
and not threads: two threads running SQLite statements side by side contend for its
allocator's mutex and for the GIL on every row, and gained a tenth where the child
gains a third or more. Where forking is not safe (another thread runs, macOS) the
groups run two at a time on threads with read connections of their own; a store
without a file (in memory) runs them one after the other on the caller's connection.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from mediatop.analytics.context import ReportContext
from mediatop.store import connect, database_file
from mediatop.workers.forked import Turn, fork_is_safe, run_forked

Parts = Mapping[str, Callable[[ReportContext], Any]]
_PROCESSES = 2


def _parts_here(
    parts: Parts, ctx: ReportContext, groups: Iterator[tuple[str, ...]], turn: Turn
) -> Iterator[tuple[str, Any]]:
    """The parts of the groups this process claims, on `ctx`'s connection."""
    for group in groups:
        for name in group:
            yield name, parts[name](ctx)


def _parts_apart(
    parts: Parts, ctx: ReportContext, path: str, groups: Iterator[tuple[str, ...]], turn: Turn
) -> Iterator[tuple[str, Any]]:
    """In the forked child: the parts of the groups it claims, on a read connection of
    its own (a connection must never cross a fork). Parts need no turn.

    The connection is left open: the child ends with os._exit as soon as it is done, and
    the kernel drops its page cache and mapping far faster than sqlite3_close frees them
    (some 20 ms for a 64 MB cache, which the report would wait for). It holds no lock
    between statements, so nothing waits on it meanwhile."""
    conn = connect(path, readonly=True)
    yield from _parts_here(parts, replace(ctx, conn=conn), groups, turn)


def run_parts(
    ctx: ReportContext, parts: Parts, groups: Sequence[tuple[str, ...]]
) -> dict[str, Any]:
    """Every part (name -> its value), the `groups` claimed in their order: put the
    longest first, so that the short ones at the end even the two sides out. Each part
    must be in one group; a part's value must pickle."""
    path = database_file(ctx.conn)
    if not path:
        return {name: part(ctx) for name, part in parts.items()}
    if fork_is_safe():
        # This process keeps the caller's connection, whose cache is warm; the child opens
        # its own and claims its first group once it has.
        apart = functools.partial(_parts_apart, parts, ctx, path)
        here = functools.partial(_parts_here, parts, ctx)
        return dict(run_forked(list(groups), apart, processes=_PROCESSES - 1, here=here))
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    lock = threading.Lock()

    def run(group: tuple[str, ...]) -> list[tuple[str, Any]]:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect(path, readonly=True)
            with lock:
                opened.append(conn)
        return [(name, parts[name](replace(ctx, conn=conn))) for name in group]

    try:
        with ThreadPoolExecutor(_PROCESSES, thread_name_prefix="mediatop-parts") as pool:
            futures = [pool.submit(run, group) for group in groups]
            return {name: part for future in futures for name, part in future.result()}
    finally:
        for conn in opened:
            conn.close()
