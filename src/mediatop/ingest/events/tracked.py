"""Tracked events: one from `mediatop track`, many from a JSONL file (`import-events`).

A JSON line is a usage event (the seed's trackMediaUsage: view, download, click,
share) or a video engagement event (play, pause, seek, progress, complete, stop,
quality_change), told apart by its event type. Field names may be camelCase (the
seed's) or snake_case. The file is named by `mediaId`/`videoId` (a media_files id),
`media`/`path` (a path under the root) or `url` (mapped through the media URL prefix).
`timestamp` is ISO 8601 or epoch seconds (milliseconds when > 1e12); missing means now.
Each line is validated; a bad one is reported with its line number and skipped.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mediatop.config import default_node
from mediatop.errors import InvalidEvent, UnknownMediaError
from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.fields import MAX_RESPONSE_BYTES, is_event_time
from mediatop.ingest.logs.reading import (
    ENDS_EARLY,
    FINGERPRINT_BYTES,
    MAX_LINE_BYTES,
    LineBlocks,
    checkpoint_to_continue,
    fingerprint,
    is_gzip,
    read_head,
)
from mediatop.ingest.logs.urlmap import relative_media_path
from mediatop.ingest.prescan import require_scanned
from mediatop.model import USAGE_EVENT_TYPES, VIDEO_EVENT_TYPES, UsageEvent, VideoEngagementEvent
from mediatop.store.checkpoints import Checkpoint, all_checkpoints, save_checkpoint
from mediatop.store.connection import transaction
from mediatop.store.events import record_usage_events, record_video_events
from mediatop.store.files import path_ids
from mediatop.store.storable import storable_text

BATCH = 5000
MAX_TEXT = 4000
# What a text that keys an index or a rollup (a session, a user, a device, a country)
# can be: PostgreSQL's btree entries hold at most 2704 bytes, all of a key's columns
# together (device, country and referrer host, each up to 4 bytes a character, key one
# row of the usage rollups), and one longer entry failed the whole batch it was in.
MAX_KEY_TEXT = 200
# What a player's position or a video's length can be: a week (a recorded stream runs
# long; a larger one is a bad event, and the engagement buckets are cut per second).
MAX_PLAYER_SECONDS = 7 * 86_400
MAX_LOAD_MS = 3_600_000  # an hour for one file to load: beyond it, a bad figure


@dataclass(frozen=True)
class ImportReport:
    """What an import did: counts and the rejected lines (number, reason)."""

    lines: int
    usage_events: int
    video_events: int
    errors: tuple[tuple[int, str], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "linesRead": self.lines,
            "usageEvents": self.usage_events,
            "videoEvents": self.video_events,
            "rejected": len(self.errors),
            "errors": [{"line": n, "error": e} for n, e in self.errors[:100]],
        }


def _named(data: Mapping[str, Any], *names: str) -> tuple[str, Any]:
    """The first of `names` the event gives a value, and that value ((names[0], None)
    when it gives none): an error then names the field as the event spelt it."""
    for name in names:
        if name in data and data[name] is not None:
            return name, data[name]
    return names[0], None


def _get(data: Mapping[str, Any], *names: str) -> Any:
    return _named(data, *names)[1]


def _text(data: Mapping[str, Any], *names: str, most: int = MAX_TEXT) -> str | None:
    value = _get(data, *names)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidEvent(f"{names[0]} must be a string", names[0])
    text = str(value)
    if len(text) > most:
        raise InvalidEvent(f"{names[0]} is longer than {most} characters", names[0])
    return storable_text(text)


def _number(
    data: Mapping[str, Any], *names: str, most: float, required: bool = False
) -> float | None:
    """A number from 0 to `most` (what the field can mean; beyond it, a bad event)."""
    name, value = _named(data, *names)
    if value is None:
        if required:
            raise InvalidEvent(f"{name} is required", name)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidEvent(f"{name} must be a number", name)
    if value < 0:
        raise InvalidEvent(f"{name} must not be negative", name)
    if value > most:
        raise InvalidEvent(f"{name} must be at most {most:,.0f}", name)
    return float(value)


def parse_timestamp(value: Any, now: int) -> int:
    """ISO 8601 text or epoch seconds/milliseconds -> epoch seconds (UTC)."""
    if value is None:
        return now
    if isinstance(value, bool):
        raise InvalidEvent("timestamp must be ISO 8601 or epoch seconds", "timestamp")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise InvalidEvent("timestamp must be ISO 8601 or epoch seconds", "timestamp")
        return _event_time(int(value / 1000 if value > 1e12 else value))
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidEvent(f"timestamp {value[:40]!r} is not ISO 8601", "timestamp") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return _event_time(int(moment.timestamp()))
    raise InvalidEvent("timestamp must be ISO 8601 or epoch seconds", "timestamp")


def _event_time(seconds: int) -> int:
    if seconds < 0:
        raise InvalidEvent("timestamp is before 1970", "timestamp")
    if not is_event_time(seconds):
        raise InvalidEvent("timestamp is too far in the future", "timestamp")
    return seconds


class MediaResolver:
    """Finds the media_files id an event names (id, path under the root, or URL)."""

    def __init__(self, conn: sqlite3.Connection, url_prefixes: tuple[str, ...]) -> None:
        self.paths = path_ids(conn)
        self.ids = {media_id: kind for media_id, kind in self.paths.values()}
        self.prefixes = url_prefixes

    def resolve(self, ref: Any) -> tuple[int, str]:
        """(media_id, kind), or InvalidEvent when the library has no such file."""
        if (isinstance(ref, int) and not isinstance(ref, bool)) or (
            isinstance(ref, str) and ref.isascii() and ref.isdigit()
        ):
            # int() refuses over 4,300 digits; no id has more than 19
            media_id = int(ref) if len(str(ref)) <= 19 else -1
            if media_id not in self.ids:
                raise UnknownMediaError(f"no media file with id {str(ref)[:40]}", "mediaId")
            return media_id, self.ids[media_id]
        if not isinstance(ref, str) or not ref:
            raise InvalidEvent("the media file must be an id, a path or a URL", "mediaId")
        if ref.startswith(("http://", "https://", "/")):
            path, _ = relative_media_path(ref, self.prefixes)
            if path is None:
                raise InvalidEvent(
                    f"{ref[:200]!r} is not a media URL under a known prefix", "mediaId"
                )
        else:
            path, _ = relative_media_path(self.prefixes[0] + ref, self.prefixes[:1])
            if path is None:
                raise InvalidEvent(f"{ref[:200]!r} is not a safe relative path", "mediaId")
        entry = self.paths.get(path)
        if entry is None:
            raise UnknownMediaError(
                f"{ref[:200]!r} is not in the library (run mediatop scan?)", "mediaId"
            )
        return entry


def event_from_json(
    data: Any, resolver: MediaResolver, source: str, now: int
) -> UsageEvent | VideoEngagementEvent:
    """A validated event from one decoded JSON object."""
    if not isinstance(data, dict):
        raise InvalidEvent("each line must be a JSON object")
    etype = _text(data, "eventType", "event_type", "event", "type")
    if etype is None:
        raise InvalidEvent("eventType is required", "eventType")
    ref = _get(data, "videoId", "video_id", "mediaId", "media_id", "media", "path", "url")
    if ref is None:
        raise InvalidEvent("mediaId (or media, path, url, videoId) is required", "mediaId")
    media_id, kind = resolver.resolve(ref)
    timestamp = parse_timestamp(_get(data, "timestamp", "time"), now)
    user_id = _text(data, "userId", "user_id", "user", most=MAX_KEY_TEXT)
    session_id = _text(data, "sessionId", "session_id", "session", most=MAX_KEY_TEXT)
    agent = _text(data, "userAgent", "user_agent")
    device = _text(data, "device", most=MAX_KEY_TEXT)
    country = _text(data, "country", most=MAX_KEY_TEXT)
    if etype in VIDEO_EVENT_TYPES:
        if kind not in ("video", "audio"):
            raise InvalidEvent(
                f"{etype!r} is a player event, but media {media_id} is {kind}", "eventType"
            )
        position = _number(data, "currentTime", "current_time", "position",
                           most=MAX_PLAYER_SECONDS, required=True)  # fmt: skip
        duration = _number(data, "duration", most=MAX_PLAYER_SECONDS, required=True)
        buffering = _get(data, "buffering")
        if buffering is not None and not isinstance(buffering, bool | int):
            raise InvalidEvent("buffering must be true or false", "buffering")
        return VideoEngagementEvent(
            video_id=media_id, event_type=etype, current_time=position or 0.0,
            duration=duration or 0.0, timestamp=timestamp, user_id=user_id,
            session_id=session_id, quality=_text(data, "quality"), buffering=bool(buffering),
            device=device or (device_of(agent)[0] if agent else None), country=country,
            seek_from=_number(data, "seekFrom", "seek_from", most=MAX_PLAYER_SECONDS),
        )  # fmt: skip
    if etype not in USAGE_EVENT_TYPES:
        allowed = ", ".join(USAGE_EVENT_TYPES + VIDEO_EVENT_TYPES)
        raise InvalidEvent(f"eventType {etype[:40]!r} is not one of {allowed}", "eventType")
    guessed, is_bot = device_of(agent) if agent else (None, False)
    load_ms = _number(data, "clientTimeMs", "client_time_ms", "loadTimeMs", most=MAX_LOAD_MS)
    return UsageEvent(
        media_id=media_id, event_type=etype, timestamp=timestamp, source=source,
        user_id=user_id, session_id=session_id, referrer=_text(data, "referrer", "referer"),
        user_agent=agent, device="bot" if is_bot else (device or guessed),
        is_bot=is_bot, country=country,
        client_time_ms=load_ms,
        bytes=int(_number(data, "bytes", "transferSize", most=MAX_RESPONSE_BYTES) or 0) or None,
    )  # fmt: skip


def _store(
    conn: sqlite3.Connection,
    batch: list[UsageEvent | VideoEngagementEvent],
    checkpoint: Checkpoint | None = None,
    head: bytes = b"",
) -> Checkpoint | None:
    """Write events (and the file's checkpoint, if any) in one transaction."""
    usage = [e for e in batch if isinstance(e, UsageEvent)]
    video = [e for e in batch if isinstance(e, VideoEngagementEvent)]
    with transaction(conn):
        record_usage_events(conn, usage)
        record_video_events(conn, video)
        if checkpoint is not None:
            length = min(len(head), checkpoint.offset, FINGERPRINT_BYTES)
            checkpoint = replace(
                checkpoint, fingerprint=fingerprint(head[:length]), fingerprint_len=length
            )
            new_id = save_checkpoint(conn, checkpoint, int(time.time()))
            checkpoint = replace(checkpoint, id=new_id)
    return checkpoint


def store_events(
    conn: sqlite3.Connection, events: Sequence[UsageEvent | VideoEngagementEvent]
) -> None:
    """Write validated events and their rollups in one transaction (the HTTP server's
    group commit of many beacons)."""
    _store(conn, list(events))


def import_events(
    conn: sqlite3.Connection,
    path: Path,
    *,
    url_prefixes: tuple[str, ...],
    node: str | None = None,
    source: str = "import",
) -> ImportReport:
    """Load a JSONL file (or .jsonl.gz) of usage and video events, exactly once.

    Bad lines are reported with their line number and skipped. Like access logs, the
    file has a checkpoint (found by content) committed with each batch, so importing
    the same file again adds nothing and an appended file adds only its new lines; the
    checkpoint is `node`'s (by default this host's name), as a log's is. Raises
    NotScannedError, storing nothing, for a store that has never scanned its root.
    """
    require_scanned(conn)
    resolver = MediaResolver(conn, url_prefixes)
    now = int(time.time())
    errors: list[tuple[int, str]] = []
    batch: list[UsageEvent | VideoEngagementEvent] = []
    usage = video = 0
    path = path.absolute()  # the checkpoint names the file wherever it was run from
    st = path.stat()
    gz = is_gzip(path)
    head = read_head(path)
    node = node or default_node()
    cp = checkpoint_to_continue(all_checkpoints(conn, node), node, path, st, head, gz)
    first_line = cp.lines
    with LineBlocks(path, cp.offset) as blocks:
        offset, number, good = cp.offset, cp.lines, 0
        for lines, used in blocks:
            for raw in _split_lines(lines):
                number += 1
                if raw.strip():
                    try:
                        event = event_from_json(_json_line(raw), resolver, source, now)
                    except (ValueError, RecursionError) as exc:
                        errors.append((number, str(exc)[:300]))
                    else:
                        batch.append(event)
                        good += 1
                        usage += isinstance(event, UsageEvent)
                        video += isinstance(event, VideoEngagementEvent)
            offset += used
            if len(batch) >= BATCH:
                cp = _progress(conn, batch, cp, head, offset, number, good, len(errors))
                batch = []
        if offset != cp.offset:
            cp = _progress(conn, batch, cp, head, offset, number, good, len(errors))
    if blocks.ended_early:
        raise EOFError(ENDS_EARLY)  # named by the caller's reading_source
    return ImportReport(number - first_line, usage, video, tuple(errors))


def _split_lines(block: bytes) -> list[bytes]:
    """The lines of a block of LineBlocks (complete ones end with a newline; the last
    line of a file may not)."""
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()
    return lines


def _json_line(raw: bytes) -> Any:
    """One JSON value from a line of UTF-8 (json.loads would guess UTF-16 for stray bytes)."""
    if len(raw) >= MAX_LINE_BYTES:  # cut short as it was read: no event is this long
        raise ValueError(f"longer than {MAX_LINE_BYTES:,} bytes: not read")
    try:
        text = raw.decode("utf-8-sig")  # a BOM before the first line is not an error
    except UnicodeDecodeError as exc:
        where = f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
        raise ValueError(f"not UTF-8: {where}") from None
    return json.loads(text)


def _progress(
    conn: sqlite3.Connection,
    batch: list[UsageEvent | VideoEngagementEvent],
    cp: Checkpoint,
    head: bytes,
    offset: int,
    number: int,
    good: int,
    bad: int,
) -> Checkpoint:
    moved = replace(cp, offset=offset, lines=number, accepted=good, malformed=bad)
    saved = _store(conn, batch, moved, head)
    assert saved is not None
    return saved


def track_event(
    conn: sqlite3.Connection, fields: Mapping[str, Any], *, url_prefixes: tuple[str, ...]
) -> UsageEvent | VideoEngagementEvent:
    """Validate and store one event (the library call behind `mediatop track`); raises
    NotScannedError for a store that has never scanned its root."""
    require_scanned(conn)
    event = event_from_json(
        dict(fields), MediaResolver(conn, url_prefixes), "track", int(time.time())
    )
    _store(conn, [event])
    return event
