"""Walking a big tree in forked processes, each directory handed to a function there.

One Python process walks at about half the speed of `du`: the stat calls are cheap and
the Python around them holds the GIL, so threads do not help (measured slower than one
thread). Forked processes do. The parent lists the first levels itself until it has
seen enough entries to be worth a fork and enough sub-trees to share; children then
take those sub-trees one at a time from a shared counter (so one big sub-tree does not
leave the other child idle), run the caller's `examine` on each directory they list,
and send the results back a few directories at a time, so the parent writes while they
still walk. `examine` is how a rescan compares signatures, and a first scan builds its
rows, on every core.

A child touches nothing it inherited but what `examine` reads (never the store
connection, never stdio), dies with its parent and leaves with os._exit; the parent
reaps every child, also when its consumer stops early or raises, and a child that dies
is a WalkWorkerError. Linux only: elsewhere, and for small trees, everything runs
in-process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from mediatop.children import before_fork, die_with_parent
from mediatop.scan.walk import DirListing, list_dir, walk_tree

PARALLEL_MIN_ENTRIES = 2_000
SUBTREES_PER_PROCESS = 4
MAX_PROCESSES = 4
BATCH_ENTRIES = 2_000

R = TypeVar("R")


class WalkWorkerError(RuntimeError):
    """A forked walker died or failed; the scan stops (its transaction rolls back)."""


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
) -> Generator[R, None, None]:
    """`examine` of every directory `walk.walk_tree` would list (same `start` and `skip`),
    in no particular order; what it returns must pickle. Raises WalkWorkerError if a
    forked walker dies. Close it (contextlib.closing) if you may stop before the end:
    that is when the children are stopped and reaped."""
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
        yield examine(listing)
    if pending:
        yield from _forked(root, examine, list(pending), skip, processes)


def _forked(
    root: bytes,
    examine: Callable[[DirListing], R],
    subtrees: list[bytes],
    skip: frozenset[bytes],
    processes: int,
) -> Generator[R, None, None]:
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # how many of `subtrees` the children have taken
    before_fork()
    channels = [context.Pipe(duplex=False) for _ in range(processes)]
    running: dict[Connection, int] = {}
    unreaped: set[int] = set()
    parent_pid = os.getpid()
    try:
        for reader, writer in channels:
            pid = os.fork()
            if pid == 0:
                _child(parent_pid, channels, writer, (root, examine, subtrees, skip, taken))
            running[reader] = pid
            unreaped.add(pid)
        for _, writer in channels:
            writer.close()
        while running:
            for ready in wait(list(running)):
                assert isinstance(ready, Connection)
                batch = _receive(ready, running[ready], unreaped)
                if batch is None:
                    del running[ready]
                else:
                    yield from batch
    finally:
        for reader, writer in channels:
            reader.close()
            writer.close()
        for pid in unreaped:
            # Finished, or still walking if the consumer stopped early. Never waited for
            # yet, so the pid cannot have been reused: killing it is safe.
            with contextlib.suppress(ChildProcessError, ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _receive(reader: Connection, pid: int, unreaped: set[int]) -> list[Any] | None:
    """A child's next batch, or None once it has finished."""
    try:
        message = reader.recv()
    except (EOFError, OSError):
        _, status = os.waitpid(pid, 0)
        unreaped.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        raise WalkWorkerError(f"a scan walker died ({how})") from None
    if isinstance(message, str):
        raise WalkWorkerError(f"a scan walker failed: {message}")
    return message


def _child(
    parent_pid: int,
    channels: list[tuple[Connection, Connection]],
    writer: Connection,
    walk_args: tuple[bytes, Callable[[DirListing], Any], list[bytes], frozenset[bytes], Any],
) -> None:
    """A child's whole life; never returns (os._exit, whatever happens)."""
    code = 1
    try:
        die_with_parent(parent_pid)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.set_wakeup_fd(-1)  # a signal here must not wake the parent's event loop (TUI)
        # What the fork inherited is never garbage, and listings make no cycles: keep the
        # collector off the inherited heap (touching it would copy its pages).
        gc.freeze()
        gc.disable()
        for reader, other in channels:  # keep only our own end: EOF then means we are gone
            reader.close()
            if other is not writer:
                other.close()
        try:
            _walk(*walk_args, writer)
            writer.send(None)
            code = 0
        except BaseException as exc:
            writer.send(f"{exc!r}")
    finally:
        os._exit(code)


def _walk(
    root: bytes,
    examine: Callable[[DirListing], R],
    subtrees: list[bytes],
    skip: frozenset[bytes],
    taken: Any,
    writer: Connection,
) -> None:
    """Take sub-trees until none is left; walk each, sending `examine` of its directories."""
    batch: list[R] = []
    entries = 0
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value = index + 1
        if index >= len(subtrees):
            break
        for listing in walk_tree(root, start=subtrees[index], skip=skip):
            batch.append(examine(listing))
            entries += 1 + len(listing.names)
            if entries >= BATCH_ENTRIES:
                writer.send(batch)
                batch, entries = [], 0
    if batch:
        writer.send(batch)
