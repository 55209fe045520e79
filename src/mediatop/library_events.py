"""The library surface for a long-running face that records events: the HTTP server.

`MediaLibrary` inherits `EventsLibrary`: `find_media` looks a file up the way a page
knows it (its id, its path under the root, or the URL it was requested by, through the
configured URL prefixes), and `event_recorder` opens an `EventRecorder`, which holds one
write connection and the library's paths in memory so that a stream of beacons is
validated without a query per event and stored a batch per transaction (the server's
group commit). The events are the JSONL events of `mediatop import-events`, validated
by the same code.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mediatop.config import Settings
from mediatop.errors import InvalidEvent, StoreWriteError, UnknownMediaError
from mediatop.json_text import readable

if TYPE_CHECKING:
    from mediatop.ingest.events.tracked import MediaResolver
    from mediatop.model import MediaFile, UsageEvent, VideoEngagementEvent

# The largest id SQLite stores; a bigger number names no file (and would overflow).
MAX_MEDIA_ID = 2**63 - 1
# A name the library does not know is looked for again after this long, so a file
# scanned since the recorder opened is found without a reload per unknown name.
RELOAD_AFTER_S = 1.0


class EventRecorder:
    """Validates events and stores them in batches, on one write connection.

    Used from one thread at a time (the server's writer thread). `parse` raises
    InvalidEvent naming the field at fault, UnknownMediaError for a file the library
    does not have; `store` writes a batch of parsed events in one transaction, with
    their rollups, and raises StoreWriteError when the store cannot be written.
    """

    def __init__(self, settings: Settings) -> None:
        from mediatop.ingest.prescan import require_scanned
        from mediatop.store import connect

        self.settings = settings
        self._conn = connect(settings.store)
        try:
            require_scanned(self._conn)
            self._resolver = self._load()
        except BaseException:
            self._conn.close()
            raise

    def _load(self) -> MediaResolver:
        from mediatop.ingest.events.tracked import MediaResolver

        self._loaded_at = time.monotonic()
        return MediaResolver(self._conn, self.settings.url_prefixes)

    def parse(
        self, fields: Mapping[str, Any], *, kinds: Sequence[str], source: str = "beacon"
    ) -> UsageEvent | VideoEngagementEvent:
        """One validated event of one of the event types `kinds` allows."""
        from mediatop.ingest.events.tracked import event_from_json

        kind = (
            fields.get("eventType", fields.get("event_type")) if isinstance(fields, dict) else None
        )
        if isinstance(kind, str) and kind not in kinds:
            raise InvalidEvent(
                f"eventType {kind[:40]!r} is not one of {', '.join(kinds)} here", "eventType"
            )
        now = int(time.time())
        try:
            return event_from_json(fields, self._resolver, source, now)
        except UnknownMediaError:
            if time.monotonic() - self._loaded_at < RELOAD_AFTER_S:
                raise
            self._resolver = self._load()
            return event_from_json(fields, self._resolver, source, now)

    def store(self, events: Sequence[UsageEvent | VideoEngagementEvent]) -> None:
        """Write `events` in one transaction (a group commit)."""
        from mediatop.ingest.events.tracked import store_events

        try:
            store_events(self._conn, events)
        except sqlite3.Error as exc:
            raise StoreWriteError(f"the store could not be written: {exc}") from exc

    def close(self) -> None:
        self._conn.close()


class EventsLibrary:
    """The methods `MediaLibrary` has for recording faces; its helpers back them."""

    settings: Settings
    readonly: bool

    def event_recorder(self) -> EventRecorder:
        """A recorder on this library's store (NotScannedError for a root never scanned,
        StoreReadOnlyError for a library opened read-only)."""
        from mediatop.errors import StoreReadOnlyError

        if self.readonly:
            raise StoreReadOnlyError(
                f"the library {self.settings.root} was opened read-only; nothing was recorded"
            )
        return EventRecorder(self.settings)

    def find_media(self, ref: bytes) -> MediaFile:
        """The file `ref` names: digits are an id; `/`, `http://` or `https://` start a
        URL (mapped through the URL prefixes); anything else is a path under the root.
        UnknownMediaError when the library has no such file; InvalidEvent (field
        `mediaId`) for a reference that cannot name one, such as a path leaving the root."""
        from mediatop.store import connect
        from mediatop.store.files import get_file, get_file_by_path

        found: MediaFile | None = None
        conn = connect(self.settings.store, readonly=True)
        try:
            if ref.isdigit():
                # int() refuses over 4,300 digits; no id has more than 19
                number = int(ref) if len(ref) <= 19 else MAX_MEDIA_ID + 1
                found = get_file(conn, number) if number <= MAX_MEDIA_ID else None
            else:
                found = get_file_by_path(conn, self._media_path(ref))
        finally:
            conn.close()
        if found is None:
            shown = readable(os.fsdecode(ref))[:200]  # bytes not UTF-8 as U+FFFD
            raise UnknownMediaError(f"no media file {shown!r} in the library", "mediaId")
        return found

    def _media_path(self, ref: bytes) -> bytes:
        from mediatop.ingest.logs.urlmap import relative_media_path

        text = ref.decode("utf-8", "surrogateescape")
        if ref.startswith((b"/", b"http://", b"https://")):
            path, why = relative_media_path(text, self.settings.url_prefixes)
            if path is None and why != "refused":
                raise UnknownMediaError(
                    f"{text[:200]!r} is not a media URL under a known prefix", "mediaId"
                )
        else:
            parts = ref.split(b"/")
            unsafe = not ref or b"\x00" in ref or b".." in ref.replace(b"\\", b"/").split(b"/")
            path = None if unsafe else b"/".join(p for p in parts if p and p != b".")
        if not path:
            raise InvalidEvent(f"{text[:200]!r} is not a path under the root", "mediaId")
        return path


__all__ = ["MAX_MEDIA_ID", "EventRecorder", "EventsLibrary"]
