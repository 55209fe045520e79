"""The watchers are sources, not screens: they run headless and call back with typed
values (the dashboard turns them into its messages)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mediatop.scan import scan_root
from mediatop.scan.watch import (
    NOT_UTF8,
    FolderChanged,
    FolderFollowed,
    WatchHeld,
    watch_folder,
)
from mediatop.store import connect
from mediatop.store.watch import StoreChanged, watch_store

WAIT_S = 10.0


class Recorder:
    """Every value a watcher called back with, in order; a test waits for the one it
    needs rather than for a fixed time."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._arrived = asyncio.Event()

    def __call__(self, event: object) -> None:
        self.events.append(event)
        self._arrived.set()

    async def wait_for(self, wanted: Callable[[object], bool], since: int = 0) -> int:
        """Until an event from index `since` on satisfies `wanted`; the index after it."""
        async with asyncio.timeout(WAIT_S):
            while True:
                for index in range(since, len(self.events)):
                    if wanted(self.events[index]):
                        return index + 1
                self._arrived.clear()
                await self._arrived.wait()


async def _stopped(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    stop.set()
    await asyncio.wait_for(task, timeout=5)  # the quit waits on nothing longer


def _is(kind: type) -> Callable[[object], bool]:
    return lambda event: isinstance(event, kind)


async def test_the_folder_watch_reports_the_changed_directory_as_a_typed_value(
    tmp_path: Path,
) -> None:
    root = tmp_path / "uploads"
    (root / "2024" / "05").mkdir(parents=True)
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_folder(root, stop, seen))
    after = await seen.wait_for(_is(WatchHeld))
    (root / "2024" / "05" / "logo.png").write_bytes(b"png")
    await seen.wait_for(_is(FolderChanged), after)
    await _stopped(task, stop)
    assert seen.events[0] == WatchHeld()  # nothing before the watch holds
    changes = [e for e in seen.events if isinstance(e, FolderChanged)]
    # One file written in 2024/05: that folder (relative to the root, as bytes), only.
    assert {d for e in changes for d in e.dirs or {b"?"}} == {b"2024/05"}
    assert not any(isinstance(e, FolderFollowed) for e in seen.events)  # never polled


async def test_a_name_that_is_not_utf8_asks_for_a_whole_tree_compare_and_the_watch_goes_on(
    tmp_path: Path,
) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_folder(root, stop, seen))
    after = await seen.wait_for(_is(WatchHeld))
    with open(os.fsencode(root) + b"/caf\xe9.png", "wb") as handle:
        handle.write(b"png")
    # watchfiles cannot name it and drops the burst: a new watch is set up, and once it
    # holds the whole tree is compared. Compared before, what changed while the new
    # watch was set up (0.65 s here, seconds on a big tree) would go untold.
    after = await seen.wait_for(_is(WatchHeld), after)  # a new watch holds
    after = await seen.wait_for(lambda e: e == FolderChanged(None), after)
    (root / "plain.png").write_bytes(b"png")
    await seen.wait_for(lambda e: e == FolderChanged(frozenset({b""})), after)
    await _stopped(task, stop)


async def test_a_tree_that_cannot_be_watched_is_polled_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    os.makedirs(os.fsencode(root) + b"/dir-\xfe")
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_folder(root, stop, seen, poll_seconds=lambda: 0.2))
    await seen.wait_for(lambda e: e == FolderFollowed("polling", NOT_UTF8))
    assert FolderChanged(None) in seen.events  # each failed try compares the whole tree
    assert WatchHeld() not in seen.events
    await _stopped(task, stop)


async def test_a_folder_gone_and_back_is_told_and_walked_again(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_folder(root, stop, seen))
    after = await seen.wait_for(_is(WatchHeld))
    shutil.rmtree(root)
    after = await seen.wait_for(lambda e: e == FolderFollowed("gone"), after)
    root.mkdir()
    after = await seen.wait_for(lambda e: e == FolderFollowed("watching"), after)
    assert seen.events[after] == FolderChanged(frozenset({b""}))  # the whole tree, again
    await _stopped(task, stop)


async def _commit_until_seen(root: Path, db_path: Path, seen: Recorder) -> None:
    """Commit to the store (a scan that finds a new file, as `mediatop scan` in another
    process would) until the watch calls back once more."""
    told = len(seen.events)
    async with asyncio.timeout(WAIT_S):
        writes = 0
        while len(seen.events) == told:
            (root / f"new-{writes}.txt").write_bytes(b"new")
            writer = connect(db_path)
            try:
                scan_root(writer, root, probe=False)
            finally:
                writer.close()
            writes += 1
            await asyncio.sleep(0.1)


async def test_the_store_watch_reports_a_commit_made_by_another_connection(
    tmp_path: Path,
) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    db_path = tmp_path / "store.sqlite3"
    connect(db_path).close()
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_store(db_path, stop, seen, interval=0.05))
    # A commit made before the watch has read its starting counter is not a change to
    # it: commit until one is seen.
    await _commit_until_seen(root, db_path, seen)
    assert all(isinstance(e, StoreChanged) for e in seen.events)
    await _stopped(task, stop)


def test_the_watchers_values_are_frozen() -> None:
    events: list[object] = [FolderChanged(None), FolderFollowed("gone"), StoreChanged(1)]
    for event in events:
        with pytest.raises(dataclasses.FrozenInstanceError):
            event.why = "changed"  # type: ignore[attr-defined]


# Run in a fresh interpreter: watch a folder until the watch holds, then list what the
# process imported of watchfiles.
_WATCH_IN_A_FRESH_PROCESS = """
import asyncio, sys
from pathlib import Path
from mediatop.scan.watch import WatchHeld, watch_folder

async def main():
    stop = asyncio.Event()
    def seen(event):
        if isinstance(event, WatchHeld):
            stop.set()
    await asyncio.wait_for(watch_folder(Path(sys.argv[1]), stop, seen), 30)

asyncio.run(main())
print(",".join(sorted(m for m in sys.modules if m.startswith("watchfiles"))))
"""


def test_the_watch_is_set_up_in_a_process_of_its_own(tmp_path: Path) -> None:
    # watchfiles walks the whole tree to set a watch up, holding the interpreter's lock
    # (0.3 s on 100,000 files, 2.5 s on a busy machine): done in the dashboard's process
    # it froze the event loop, the signal handlers and the quit's last resort, so a
    # hang-up then left the dashboard running past its 5 s.
    (tmp_path / "2024").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _WATCH_IN_A_FRESH_PROCESS, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == ""  # the watch held, and watchfiles never ran here


async def test_the_store_watch_ends_with_an_error_when_the_store_is_overwritten(
    tmp_path: Path,
) -> None:
    """Its connection reads the change counter from its cache or the WAL: the file's own
    first bytes are what tell an overwrite apart."""
    db_path = tmp_path / "store.sqlite3"
    connect(db_path).close()
    stop, held = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        watch_store(db_path, stop, Recorder(), interval=0.05, on_watching=held.set)
    )
    await asyncio.wait_for(held.wait(), timeout=WAIT_S)
    db_path.write_bytes(b"not a store\n" * 1000)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        await asyncio.wait_for(task, timeout=WAIT_S)
    stop.set()


async def test_the_store_watch_follows_a_store_put_in_place_by_a_rename(tmp_path: Path) -> None:
    """A backup moved over the store (`mv backup.sqlite3 store.sqlite3`) is a new file at
    the same path: the watch's connection still reads the old one, whose counter never
    moves again. The watch tells the change and then follows the new file's commits."""
    root = tmp_path / "uploads"
    root.mkdir()
    db_path = tmp_path / "store.sqlite3"
    connect(db_path).close()
    stop, held, seen = asyncio.Event(), asyncio.Event(), Recorder()
    task = asyncio.create_task(
        watch_store(db_path, stop, seen, interval=0.05, on_watching=held.set)
    )
    await asyncio.wait_for(held.wait(), timeout=WAIT_S)
    backup = tmp_path / "backup.sqlite3"
    writer = connect(backup)
    (root / "one.txt").write_bytes(b"one")
    scan_root(writer, root, probe=False)
    writer.close()
    os.replace(backup, db_path)
    after = await seen.wait_for(_is(StoreChanged))
    # Then a commit to the file now in place is seen as well.
    await _commit_until_seen(root, db_path, seen)
    assert len(seen.events) > after
    assert all(isinstance(e, StoreChanged) for e in seen.events)
    assert task.done() is False  # no error, no restart: it goes on watching
    await _stopped(task, stop)


async def test_a_watch_that_fails_again_soon_is_not_set_up_again_at_once(tmp_path: Path) -> None:
    # watchfiles keeps the error of a name it cannot decode: each write to such a file
    # ends the watch, and each new watch walks the whole tree. Failing again within the
    # poll interval, the tree is polled instead, and a new watch waits for the next try.
    root = tmp_path / "uploads"
    root.mkdir()
    stop, seen = asyncio.Event(), Recorder()
    task = asyncio.create_task(watch_folder(root, stop, seen, poll_seconds=lambda: 30.0))
    after = await seen.wait_for(_is(WatchHeld))
    name = os.fsencode(root) + b"/caf\xe9.png"
    with open(name, "wb") as handle:
        handle.write(b"png")
    after = await seen.wait_for(_is(WatchHeld), after)  # the first failure: a new watch
    after = await seen.wait_for(lambda e: e == FolderChanged(None), after)
    with open(name, "ab") as handle:
        handle.write(b"more")
    after = await seen.wait_for(lambda e: e == FolderFollowed("polling", NOT_UTF8), after)
    await asyncio.sleep(2.0)  # a new watch would hold within a second here
    assert not any(isinstance(e, WatchHeld) for e in seen.events[after:])
    await _stopped(task, stop)
