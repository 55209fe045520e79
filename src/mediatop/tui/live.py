"""Telling the face when to refresh: the media folder (watchfiles) and the store
(`PRAGMA data_version`).

No Textual here: the dashboard screen runs these in its workers and turns their
callbacks into messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mediatop.scan import ScanSummary

# Group a burst of file events (an upload writes, renames, then chmods) into one rescan,
# yet stay well inside the 2 s the dashboard promises.
WATCH_DEBOUNCE_MS = 300
WATCH_STEP_MS = 50
STORE_POLL_SECONDS = 1.0
ROOT_POLL_SECONDS = 1.0
# The least wait between whole-tree compares when the tree cannot be watched (see
# watch_folder; the dashboard waits longer after a slow compare).
TREE_POLL_SECONDS = 2.0

FolderState = Literal["watching", "polling", "gone"]


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
    db_path: Path,
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
    from mediatop.scan import probe_pending, rescan_dirs, scan_root
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
    on_change: Callable[[set[bytes] | None], object],
    on_state: Callable[[FolderState, str], object],
    ignore: Iterable[str | Path] = (),
    poll_seconds: Callable[[], float] = lambda: TREE_POLL_SECONDS,
    on_watching: Callable[[], object] = lambda: None,
) -> None:
    """Call `on_change(dirs)` for every burst of changes under `root` until `stop` is set
    (None for dirs: compare the whole tree); changes to the files in `ignore` are not
    reported. `on_state(state, why)` is told each time the way the folder is followed
    changes (`why` says why it is polled). `on_watching()` is called each time a watch
    has taken hold, from when on a change under `root` is seen.

    A watch dies with the folder it watches (a folder removed and made again is not
    seen). So when `root` itself is gone, `on_state("gone")` is called and the folder is
    looked for every ROOT_POLL_SECONDS; once it is back, `on_state("watching")`, then
    `on_change({b""})` (the whole tree, walked again), and the watch starts anew.

    A watch also ends when watchfiles meets a path it cannot name (not UTF-8), which
    drops that whole burst, or the system's limit on watched folders. Then the whole
    tree is compared (`on_change(None)`) and the watch starts anew. When a watch fails
    as it starts (a folder so named, the root included, or too many folders), the tree
    is polled instead (`on_state("polling", why)`): compared every `poll_seconds()`,
    with a new watch tried each time, until one holds (and the tree is compared once
    more, for what changed in between).
    """
    from watchfiles import awatch

    watch_filter = ignoring(ignore)
    state: FolderState = "watching"

    def tell(new: FolderState, why: str = "") -> None:
        nonlocal state
        if new != state:
            state = new
            on_state(new, why)

    while not stop.is_set():
        if not os.path.isdir(root):
            tell("gone")
            if not await _wait_for_folder(root, stop):
                return
            tell("watching")
            on_change({b""})
        started = False
        try:
            async for changes in awatch(
                root,
                stop_event=stop,
                debounce=WATCH_DEBOUNCE_MS,
                step=WATCH_STEP_MS,
                # Returning to Python this often lets a quit take effect promptly, and
                # the empty yields show that the watch has started.
                rust_timeout=500,
                yield_on_timeout=True,
                recursive=True,
                watch_filter=watch_filter,
            ):
                if not started:
                    started = True
                    on_watching()
                if state == "polling":  # a watch holds again: catch up on the gap
                    tell("watching")
                    on_change(None)
                dirs = changed_dirs(root, (path for _change, path in changes))
                if dirs:
                    on_change(dirs)
                if not os.path.isdir(root):
                    break
        except Exception as exc:  # raised from inside an anyio task group: maybe a group
            why = unwatchable(exc)
            if why is None:
                raise
            on_change(None)
            if not started:
                tell("polling", why)
                if await _stopped_within(stop, poll_seconds()):
                    return


NOT_UTF8 = "a folder name is not UTF-8"
WATCH_LIMIT = "more folders than fs.inotify.max_user_watches allows"


def unwatchable(exc: BaseException) -> str | None:
    """Why watchfiles cannot follow the tree, if that is what `exc` says, else None: a
    path that is not UTF-8 (one it was to report, "Unable to decode path", or the root,
    which it cannot be given), or the OS limit on watches. awatch raises from inside an
    anyio task group, so the error may come in a group."""
    from watchfiles._rust_notify import WatchfilesRustInternalError

    if isinstance(exc, BaseExceptionGroup):
        reasons = {unwatchable(inner) for inner in exc.exceptions}
        return reasons.pop() if len(reasons) == 1 else None
    if isinstance(exc, UnicodeError) or (
        isinstance(exc, WatchfilesRustInternalError) and "Unable to decode path" in str(exc)
    ):
        return NOT_UTF8
    if isinstance(exc, OSError) and "watch limit" in str(exc):
        return WATCH_LIMIT
    return None


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `stop` is set first; whether it was."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def _wait_for_folder(root: Path, stop: asyncio.Event) -> bool:
    """Wait until `root` is a folder again (True) or `stop` is set (False)."""
    while not os.path.isdir(root):
        if await _stopped_within(stop, ROOT_POLL_SECONDS):
            return False
    return True


async def watch_store(
    db_path: Path,
    stop: asyncio.Event,
    on_change: Callable[[], object],
    interval: float = STORE_POLL_SECONDS,
    *,
    readonly: bool = False,
) -> None:
    """Call `on_change()` whenever another connection commits to the store.

    `PRAGMA data_version` changes when any other connection (this app's scan worker,
    `mediatop ingest` in another process) commits, so polling it costs one tiny query a
    second and never reads a table. `readonly` watches a store this process cannot
    write through a read-only connection.
    """
    from mediatop.store import connect_async

    conn = await connect_async(db_path, readonly=readonly)
    try:
        last = await _data_version(conn)
        while not await _stopped_within(stop, interval):
            current = await _data_version(conn)
            if current != last:
                last = current
                on_change()
    finally:
        # An aiosqlite connection left open keeps its thread alive and hangs the quit.
        await conn.close()


async def _data_version(conn: object) -> int:
    cursor = await conn.execute("PRAGMA data_version")  # type: ignore[attr-defined]
    row = await cursor.fetchone()
    await cursor.close()
    return int(row[0])
