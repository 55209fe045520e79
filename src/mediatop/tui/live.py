"""The live dashboard's glue to the watchers: each runs in a worker and its values
become messages.

The watchers themselves are headless: `mediatop.scan.watch` follows the media folder,
`mediatop.store.watch` the store. Here they are run until the quit and what they see
is posted to the screen that owns the worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.message_pump import MessagePump

from mediatop.scan.watch import (
    FolderChanged,
    FolderEvent,
    FolderFollowed,
    store_paths,
    watch_folder,
)
from mediatop.store.watch import watch_store
from mediatop.tui.data import user_message
from mediatop.tui.messages import (
    DirectoriesChanged,
    FolderWatch,
    FolderWatchStarted,
    LibraryChanged,
    WorkFailed,
)


async def follow_folder(
    target: MessagePump,
    root: Path,
    db_path: Path,
    stop: asyncio.Event,
    poll_seconds: Callable[[], float],
) -> None:
    """Follow the media folder `root` until `stop` is set, posting to `target` what the
    watch sees (the store's own files at `db_path` left out); a failure is posted as
    a `WorkFailed`, never raised."""

    def post(event: FolderEvent) -> None:
        target.post_message(_folder_message(event))

    try:
        await watch_folder(root, stop, post, ignore=store_paths(db_path), poll_seconds=poll_seconds)
    except Exception as exc:
        target.post_message(WorkFailed("Watching the folder", user_message(exc)))


def _folder_message(event: FolderEvent) -> Message:
    if isinstance(event, FolderChanged):
        return DirectoriesChanged(event.dirs)
    if isinstance(event, FolderFollowed):
        return FolderWatch(event.state, event.why)
    return FolderWatchStarted()


async def follow_store(
    target: MessagePump, db_path: Path, stop: asyncio.Event, *, readonly: bool
) -> None:
    """Post a `LibraryChanged("store")` to `target` each time another connection commits
    to the store, until `stop` is set; a failure is posted as a `WorkFailed`."""
    try:
        await watch_store(
            db_path,
            stop,
            lambda _changed: target.post_message(LibraryChanged("store")),
            readonly=readonly,
        )
    except Exception as exc:
        target.post_message(WorkFailed("Watching the store", user_message(exc)))
