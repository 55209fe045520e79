"""Following the media folder: what changed under it, and how it is followed.

`watch_folder` watches the tree with watchfiles (inotify) in a process of its own
(`mediatop.scan.watch_child`), or polls it where a watch cannot hold, and calls back
with typed values (`FolderChanged`, `FolderFollowed`,
`WatchHeld`); `rescan_changed` records what changed. Headless: the dashboard runs these
in its workers and turns the values into its messages.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mediatop.waiting import stopped_within

if TYPE_CHECKING:
    from mediatop.scan.scanner import ScanSummary

# Group a burst of file events (an upload writes, renames, then chmods) into one rescan,
# yet stay well inside the 2 s the dashboard promises.
WATCH_DEBOUNCE_MS = 300
WATCH_STEP_MS = 50
ROOT_POLL_SECONDS = 1.0
# The least wait between whole-tree compares when the tree cannot be watched (see
# watch_folder; the dashboard waits longer after a slow compare).
TREE_POLL_SECONDS = 2.0

FolderState = Literal["watching", "polling", "gone"]


@dataclass(frozen=True)
class FolderChanged:
    """These directories changed (relative to the root, as bytes; b"" is the root), or,
    with `dirs` None, something the watch could not name did: compare the whole tree."""

    dirs: frozenset[bytes] | None


@dataclass(frozen=True)
class FolderFollowed:
    """The way the folder is followed changed: "watching"; "polling" (a watch cannot
    hold on this tree, `why` says why); "gone" (the folder itself vanished)."""

    state: FolderState
    why: str = ""


@dataclass(frozen=True)
class WatchHeld:
    """A watch of the folder has taken hold: a change made from now on is seen."""


FolderEvent = FolderChanged | FolderFollowed | WatchHeld


def changed_dirs(root: Path, paths: Iterable[str]) -> set[bytes]:
    """The directories (relative to `root`, as bytes; b"" is the root) holding `paths`.

    A changed directory itself is rescanned through its parent, which is what notices
    that it appeared or vanished.
    """
    root_bytes = os.fsencode(os.path.abspath(root))
    found: set[bytes] = set()
    for path in paths:
        parent = os.path.dirname(os.fsencode(os.path.abspath(path)))
        relative = os.path.relpath(parent, root_bytes)
        if relative == b"." or relative.startswith(b".."):
            found.add(b"")
        else:
            found.add(relative)
    return found


def rescan_changed(
    db_path: Path | str,
    root: Path,
    dirs: Iterable[bytes] | None,
    *,
    workers: int = 1,
    on_recorded: Callable[[], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ScanSummary:
    """Bring the store up to date with these changed directories (None: the whole tree,
    in which a directory whose signature is unchanged costs only its listing), then probe
    the new files. What the compare found, and how long it took (probing left out).

    `on_recorded` is called once changed files are recorded, before probing (which
    starts worker processes), so the totals can refresh at once. Probing stops early
    once `cancelled()` is true.
    """
    from mediatop.scan.scanner import probe_pending, rescan_dirs, scan_root
    from mediatop.store import connect

    conn = connect(db_path)
    try:
        if dirs is None:
            summary = scan_root(conn, root, probe=False)
        else:
            summary = rescan_dirs(conn, root, dirs, probe=False)
        if summary.has_changes:
            if on_recorded is not None:
                on_recorded()
            probe_pending(conn, root, workers, cancelled=cancelled)
        return summary
    finally:
        conn.close()


def store_paths(db_path: Path) -> list[str]:
    """The files a store at `db_path` may have: the database, its WAL, and the rest."""
    from mediatop.store.connection import STORE_FILE_SUFFIXES

    return [os.fsdecode(os.fsencode(db_path) + suffix) for suffix in STORE_FILE_SUFFIXES]


def ignoring(paths: Iterable[str | Path]) -> Callable[[object, str], bool]:
    """A watchfiles filter: its default one (editor swap files, VCS folders...), and
    never these files (the store's own, when it lies inside the root: each commit would
    otherwise set off a rescan)."""
    from watchfiles import DefaultFilter

    ignored = {os.path.realpath(p) for p in paths}
    names = {os.path.basename(p) for p in ignored}
    default = DefaultFilter()

    def keep(change: object, path: str) -> bool:
        if os.path.basename(path) in names and os.path.realpath(path) in ignored:
            return False
        return default(change, path)  # type: ignore[arg-type]

    return keep


async def watch_folder(
    root: Path,
    stop: asyncio.Event,
    on_event: Callable[[FolderEvent], object],
    *,
    ignore: Iterable[str | Path] = (),
    poll_seconds: Callable[[], float] = lambda: TREE_POLL_SECONDS,
) -> None:
    """Call `on_event` with a `FolderChanged` for every burst of changes under `root`
    until `stop` is set; changes to the files in `ignore` are not reported. A
    `FolderFollowed` tells each change in the way the folder is followed, a `WatchHeld`
    each time a watch has taken hold.

    A watch dies with the folder it watches (a folder removed and made again is not
    seen). So when `root` itself is gone, it is followed as "gone" and looked for every
    ROOT_POLL_SECONDS; once it is back, as "watching", the whole tree is walked again
    (dirs {b""}) and the watch starts anew.

    A watch also ends when watchfiles meets a path it cannot name (not UTF-8), which
    drops that whole burst, or the system's limit on watched folders. Then the watch
    starts anew, and once it holds the whole tree is compared (dirs None). When a watch
    fails as it starts (a folder so named, the root included, or too many folders), or
    fails again within `poll_seconds()` of the last failure, the tree is "polling":
    compared every `poll_seconds()`, with a new watch tried each time, until one holds
    (and the tree is compared once more, for what changed in between).
    """
    follower = _Follower(root, on_event)
    ignored = [os.fspath(path) for path in ignore]
    while not stop.is_set():
        if not os.path.isdir(root):
            follower.tell("gone")
            if not await _wait_for_folder(root, stop):
                return
            follower.tell("watching")
            on_event(FolderChanged(frozenset({b""})))
        try:
            await follower.watch(stop, ignored)
        except WatchFailed as failed:
            if failed.why is None:
                raise
            if follower.held and not follower.note_failure(within=poll_seconds()):
                # The burst it dropped, and whatever changes before the next watch holds,
                # are found by comparing the tree once that watch holds: compared now,
                # a change made while the next one is set up would be missed.
                follower.gap = True
                continue
            # Failed as it started, or failed again soon (the same name written over and
            # over): each new watch walks the whole tree, so the tree is polled instead
            # until the next try.
            on_event(FolderChanged(None))
            follower.tell("polling", failed.why)
            if await stopped_within(stop, poll_seconds()):
                return


class _Follower:
    """One folder being followed: the state last told, and whether the latest watch has
    taken hold."""

    def __init__(self, root: Path, on_event: Callable[[FolderEvent], object]) -> None:
        self.root = root
        self.on_event = on_event
        self.state: FolderState = "watching"
        self.held = False
        self.gap = False  # changes may have gone untold since the last watch held
        self._failed_at: float | None = None  # when a watch that held last failed

    def note_failure(self, within: float) -> bool:
        """Note that a watch which held has failed; whether the one before it failed
        less than `within` seconds ago."""
        now = time.monotonic()
        again = self._failed_at is not None and now - self._failed_at < within
        self._failed_at = now
        return again

    def tell(self, state: FolderState, why: str = "") -> None:
        if state != self.state:
            self.state = state
            self.on_event(FolderFollowed(state, why))

    async def watch(self, stop: asyncio.Event, ignore: list[str]) -> None:
        """Report each burst of changes until `stop` is set or the root is gone; raises
        `WatchFailed` when the watch fails.

        The watch runs in a process of its own (`mediatop.scan.watch_child` says why),
        stopped as soon as `stop` is set."""
        self.held = False
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "mediatop.scan.watch_child", str(os.getpid()),
            os.fsencode(self.root), *map(os.fsencode, ignore),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert child.stdout is not None
        stopping = asyncio.ensure_future(stop.wait())
        told: dict[str, Any] = {}
        try:
            while line := await _line_or_stop(child.stdout, stopping):
                told = json.loads(line)
                self._told(told)
        finally:
            stopping.cancel()
            if child.returncode is None:
                child.kill()
            await child.wait()
        # Its last word says why it ended; without one it died: never respawn it blindly.
        if not stop.is_set() and "gone" not in told:
            raise WatchFailed(None, "the folder watch's process ended unexpectedly")

    def _told(self, message: dict[str, Any]) -> None:
        """Act on one line of the watch's process."""
        if "failed" in message:
            raise WatchFailed(message["failed"], message["error"])
        if "gone" in message:
            return
        if not self.held:
            self.held = True
            self.on_event(WatchHeld())
        if self.gap or self.state == "polling":  # a watch holds again: catch up on the gap
            self.gap = False
            self.tell("watching")
            self.on_event(FolderChanged(None))
        dirs = changed_dirs(self.root, message.get("changes", ()))
        if dirs:
            self.on_event(FolderChanged(frozenset(dirs)))


async def _line_or_stop(stream: asyncio.StreamReader, stopping: asyncio.Future[Any]) -> bytes:
    """The next line of `stream`, or b"" at its end or once `stopping` is done."""
    reading = asyncio.ensure_future(stream.readline())
    await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not reading.done():
        reading.cancel()
        return b""
    return reading.result()


class WatchFailed(Exception):
    """The watch's process reported a failure: `why` it cannot follow the tree (as
    `unwatchable` words it), or None for another failure, which `error` describes."""

    def __init__(self, why: str | None, error: str) -> None:
        super().__init__(error)
        self.why = why


NOT_UTF8 = "a file or folder name is not UTF-8"
WATCH_LIMIT = "more folders than fs.inotify.max_user_watches allows"


def unwatchable(exc: BaseException) -> str | None:
    """Why watchfiles cannot follow the tree, if that is what `exc` says, else None: a
    path that is not UTF-8 (one it was to report, "Unable to decode path", or the root,
    which it cannot be given), or the OS limit on watches. awatch raises from inside an
    anyio task group, so the error may come in a group. watchfiles does not export its
    internal error's class, so it is known by its name rather than imported from a
    private module."""
    if isinstance(exc, BaseExceptionGroup):
        reasons = {unwatchable(inner) for inner in exc.exceptions}
        return reasons.pop() if len(reasons) == 1 else None
    if isinstance(exc, UnicodeError) or (
        type(exc).__name__ == "WatchfilesRustInternalError" and "Unable to decode path" in str(exc)
    ):
        return NOT_UTF8
    if isinstance(exc, OSError) and "watch limit" in str(exc):
        return WATCH_LIMIT
    return None


async def _wait_for_folder(root: Path, stop: asyncio.Event) -> bool:
    """Wait until `root` is a folder again (True) or `stop` is set (False)."""
    while not os.path.isdir(root):
        if await stopped_within(stop, ROOT_POLL_SECONDS):
            return False
    return True
