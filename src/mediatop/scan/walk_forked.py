"""Walking a big tree in forked processes, each directory handed to a function there.

One Python process walks at about half the speed of `du`: the stat calls are cheap and
the Python around them holds the GIL, so threads do not help (measured slower than one
thread). Forked processes do. The parent lists the first levels itself until it has
seen enough entries to be worth a fork and enough sub-trees to share; walkers then
take those sub-trees one at a time (so one big sub-tree does not leave the other
walker idle), run the caller's `examine` on each directory they list, and send the
results back a few directories at a time, so the parent writes while they still walk.
`examine` is how a rescan compares signatures, and a first scan builds its rows, on
every core; a `seal` of each batch is how a first scan packs those rows there too.

The forking, handing out and streaming back are `mediatop.workers.forked`'s: a walker
touches nothing it inherited but what `examine` reads (never the store connection,
never stdio), dies with its parent, and is killed and reaped when the consumer stops
early or raises; a walker that dies or fails is a WalkWorkerError. Linux only:
elsewhere, and for small trees, everything runs in-process.
"""

from __future__ import annotations

import functools
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import TypeVar

from mediatop.errors import WalkWorkerError
from mediatop.scan.walk import DirListing, list_dir, walk_tree
from mediatop.workers.forked import ForkedWorkerError, Turn, run_forked

PARALLEL_MIN_ENTRIES = 2_000
SUBTREES_PER_PROCESS = 4
MAX_PROCESSES = 4
BATCH_ENTRIES = 2_000

R = TypeVar("R")


def walk_processes() -> int:
    """Walkers to fork: one per core, at most MAX_PROCESSES."""
    return min(MAX_PROCESSES, os.cpu_count() or 1)


def map_directories(
    root: bytes,
    examine: Callable[[DirListing], R],
    *,
    start: bytes = b"",
    skip: frozenset[bytes] = frozenset(),
    processes: int | None = None,
    seal: Callable[[list[R]], list[R]] | None = None,
) -> Generator[R, None, None]:
    """`examine` of every directory `walk.walk_tree` would list (same `start` and `skip`),
    in no particular order; what it returns must pickle. `seal`, if given, turns each
    list of results sent together into what is sent, where they were made (in a walker:
    work taken off the parent, which writes). Raises WalkWorkerError if a forked walker
    dies. Close it (contextlib.closing) if you may stop before the end: that is when the
    children are stopped and reaped."""
    sealed = seal or _as_is
    processes = walk_processes() if processes is None else processes
    forking = processes > 1 and sys.platform.startswith("linux") and hasattr(os, "fork")
    pending = deque([start])
    entries = 0
    # Breadth first, so that the sub-trees left to share are many and of a similar depth.
    while pending and not (
        forking
        and entries >= PARALLEL_MIN_ENTRIES
        and len(pending) >= SUBTREES_PER_PROCESS * processes
    ):
        listing = list_dir(root, pending.popleft(), skip)
        entries += len(listing.names) + len(listing.subdirs)
        pending.extend(listing.subdirs)
        yield from sealed([examine(listing)])
    if pending:
        yield from _forked(root, examine, sealed, list(pending), skip, processes)


def _as_is(batch: list[R]) -> list[R]:
    return batch


def _forked(
    root: bytes,
    examine: Callable[[DirListing], R],
    seal: Callable[[list[R]], list[R]],
    subtrees: list[bytes],
    skip: frozenset[bytes],
    processes: int,
) -> Generator[R, None, None]:
    work = functools.partial(_walk_subtrees, root, examine, seal, skip)
    try:
        for batch in run_forked(subtrees, work, processes=processes):
            yield from batch
    except ForkedWorkerError as exc:
        raise WalkWorkerError(f"a scan walker {exc}") from None
    except Exception as exc:  # what `examine` raised in a walker
        raise WalkWorkerError(f"a scan walker failed: {exc!r}") from exc


def _walk_subtrees(
    root: bytes,
    examine: Callable[[DirListing], R],
    seal: Callable[[list[R]], list[R]],
    skip: frozenset[bytes],
    subtrees: Iterator[bytes],
    turn: Turn,
) -> Iterator[list[R]]:
    """In a walker: walk each sub-tree handed to it, sending `examine` of its
    directories back, sealed, a few thousand entries at a time (the walk needs no turn)."""
    batch: list[R] = []
    entries = 0
    for subtree in subtrees:
        for listing in walk_tree(root, start=subtree, skip=skip):
            batch.append(examine(listing))
            entries += 1 + len(listing.names)
            if entries >= BATCH_ENTRIES:
                yield seal(batch)
                batch, entries = [], 0
    if batch:
        yield seal(batch)
