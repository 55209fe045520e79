"""The live dashboard's glue to the watchers: each runs in a worker and its values
become messages.

The watchers themselves are headless, run by the library surface (`watch_folder`
follows the media folder, `watch_store` the store). Here they are run until the quit
(the store's started again after a failure) and what they see is posted to the screen
that owns the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.message_pump import MessagePump

from mediatop.tui.data import user_message
from mediatop.tui.messages import (
    DirectoriesChanged,
    FolderWatch,
    FolderWatchStarted,
    LibraryChanged,
    StoreWatch,
    WorkFailed,
)
from mediatop.waiting import stopped_within

if TYPE_CHECKING:
    from textual.screen import Screen

    from mediatop.library import MediaLibrary
    from mediatop.library_types import FolderEvent

# A store watch that failed is started again after a second, then after twice the last
# pause each time it fails again, up to ten: a store copied back is picked up within
# seconds, and one left broken costs an open that fails every ten.
STORE_RETRY_FIRST_S = 1.0
STORE_RETRY_MAX_S = 10.0


class Watchers:
    """The watchers a screen runs as its workers (named "watch <name>", in the group
    "watch"), and their one stop event.

    Textual cancels workers without waiting for them. A watcher holds a watch thread or
    an aiosqlite connection, which must be released while the event loop still runs, or
    the quit hangs or warns: `stopped` sets the stop, which ends each within one step,
    and waits for them.
    """

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        # One event per started watcher, set when it has released what it holds.
        self._running: dict[str, asyncio.Event] = {}

    def start(
        self, screen: Screen[Any], name: str, follow: Callable[[asyncio.Event], Awaitable[None]]
    ) -> None:
        """Run the watcher `name`, `follow(stop)`, in a worker of `screen`."""
        screen.run_worker(self._run(name, follow), group="watch", name=f"watch {name}")

    async def _run(self, name: str, follow: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        finished = self._running.setdefault(name, asyncio.Event())
        try:
            await follow(self.stop)
        finally:
            finished.set()

    async def stopped(self, timeout: float) -> None:
        """Stop the watchers and wait, at most `timeout` seconds, until each started has
        released what it holds."""
        self.stop.set()
        pending = [event.wait() for event in self._running.values()]
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*pending), timeout=timeout)


async def follow_folder(
    target: MessagePump,
    library: MediaLibrary,
    stop: asyncio.Event,
    poll_seconds: Callable[[], float],
) -> None:
    """Follow the library's media folder until `stop` is set, posting to `target` what
    the watch sees (the store's own files left out); a failure is posted as a
    `WorkFailed`, never raised."""

    def post(event: FolderEvent) -> None:
        target.post_message(_folder_message(event))

    try:
        await library.watch_folder(stop, post, poll_seconds=poll_seconds)
    except Exception as exc:
        target.post_message(WorkFailed("Watching the folder", user_message(exc)))


def _folder_message(event: FolderEvent) -> Message:
    from mediatop.library_types import FolderChanged, FolderFollowed  # see tui/__init__.py

    if isinstance(event, FolderChanged):
        return DirectoriesChanged(event.dirs)
    if isinstance(event, FolderFollowed):
        return FolderWatch(event.state, event.why)
    return FolderWatchStarted()


async def follow_store(target: MessagePump, library: MediaLibrary, stop: asyncio.Event) -> None:
    """Post a `LibraryChanged("store")` to `target` each time another connection commits
    to the library's store, until `stop` is set.

    A failure (the store cannot be read: overwritten, its server gone) is posted as a
    `StoreWatch` with its error, and the watch started again after a pause, longer after
    each failure up to a bound, until it holds; then a `StoreWatch` without error says so.
    """
    pause = STORE_RETRY_FIRST_S
    failing = False

    def holds() -> None:
        nonlocal pause, failing
        pause = STORE_RETRY_FIRST_S
        if failing:
            failing = False
            target.post_message(StoreWatch())

    while not stop.is_set():
        try:
            await library.watch_store(
                stop, lambda _changed: target.post_message(LibraryChanged("store")),
                on_watching=holds,
            )  # fmt: skip
        except Exception as exc:
            if not failing:  # said once: a retry that fails again changes nothing shown
                failing = True
                target.post_message(StoreWatch(user_message(exc)))
            await stopped_within(stop, pause)
            pause = min(2 * pause, STORE_RETRY_MAX_S)
