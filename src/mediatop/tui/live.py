"""The live dashboard's glue to the watchers: each runs in a worker and its values
become messages.

The watchers themselves are headless, run by the library surface (`watch_folder`
follows the media folder, `watch_store` the store). Here they are run until the quit
and what they see is posted to the screen that owns the worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

from mediatop.tui.data import user_message
from mediatop.tui.messages import (
    DirectoriesChanged,
    FolderWatch,
    FolderWatchStarted,
    LibraryChanged,
    WorkFailed,
)

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.library_types import FolderEvent


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
    to the library's store, until `stop` is set; a failure is posted as a `WorkFailed`."""
    try:
        await library.watch_store(
            stop, lambda _changed: target.post_message(LibraryChanged("store"))
        )
    except Exception as exc:
        target.post_message(WorkFailed("Watching the store", user_message(exc)))
