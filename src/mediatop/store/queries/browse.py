"""Reads for browsing the library from a screen: the files one page uses, the exact
copies of a file, and how far each source of events has been read (logs with their
checkpoints, malformed lines per reason, tracked events per source).

Each answers one screen's question with one or two queries.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from mediatop.model import MediaFile
from mediatop.store.dialect import json_ids
from mediatop.store.files import FILE_COLUMNS, row_to_media_file
from mediatop.store.queries.media import ids_json


@dataclass(frozen=True)
class LogRead:
    """One log (generation) as ingest left it: the node that reads it, where it was last
    read from, how far, how many lines were read, accepted and malformed, when it was
    last read, and the lines neither accepted nor malformed (`skipped`: requests for
    pages, styles and scripts, for media the library lacks, other methods than GET,
    blank lines)."""

    node: str
    path: str
    offset: int
    lines: int
    accepted: int
    malformed: int
    read_at: int
    skipped: int


@dataclass(frozen=True)
class RejectCount:
    """Malformed lines of one reason, over every log ingested, with a sample line."""

    reason: str
    count: int
    sample: str | None


@dataclass(frozen=True)
class EventSource:
    """Events recorded from one source ('log', 'track', 'import', 'beacon', or
    'player' for video engagement events): how many, and the time of the last one."""

    source: str
    events: int
    last_event_at: int | None


@dataclass(frozen=True)
class PlaceUse:
    """One library file as one place uses it: every way it is used there, sorted, and the
    widest it is shown at there (None when no reference says)."""

    file: MediaFile
    usages: tuple[str, ...]
    display_width: int | None


@dataclass(frozen=True)
class PlaceReferences:
    """What the references say of a place: its title and URL (the last read), the library
    files it uses (present or deleted, by path) with how, and the paths it names that no
    library file has."""

    title: str | None
    url: str | None
    uses: list[PlaceUse]
    missing: tuple[bytes, ...]


def place_references(
    conn: sqlite3.Connection, place_type: str, place_id: str
) -> PlaceReferences | None:
    """One place's references, read once; None when no reference names it."""
    rows = conn.execute(
        "SELECT title, url, media_path, media_id, usage, display_width FROM usage_locations "
        "WHERE type = ? AND location_id = ? ORDER BY seen_at DESC, id DESC",
        (place_type, place_id),
    ).fetchall()
    if not rows:
        return None
    usages: dict[int, set[str]] = {}
    widest: dict[int, int] = {}
    for _title, _url, _path, media_id, usage, width in rows:
        if media_id is None:
            continue
        usages.setdefault(media_id, set()).add(usage)
        if width is not None and width > widest.get(media_id, -1):
            widest[media_id] = width
    files = conn.execute(
        f"SELECT {FILE_COLUMNS} FROM media_files WHERE id IN {json_ids(conn)} ORDER BY path",
        (ids_json(usages),),
    )
    return PlaceReferences(
        title=next((r[0] for r in rows if r[0]), None),
        url=next((r[1] for r in rows if r[1]), None),
        uses=[
            PlaceUse(f, tuple(sorted(usages[f.id])), widest.get(f.id))
            for f in map(row_to_media_file, files)
        ],
        missing=tuple(sorted({bytes(r[2]) for r in rows if r[3] is None})),
    )


def exact_copies(conn: sqlite3.Connection, file_id: int) -> list[MediaFile]:
    """The present files with this file's content, by path (itself left out): those whose
    content hash, taken at their present size and mtime, is this file's current one. None
    until it is hashed (the duplicates report hashes the files whose sizes collide), and
    then no read of every file unless it is."""
    current = conn.execute(
        "SELECT content_hash, size FROM media_files WHERE id = ? AND content_hash IS NOT NULL "
        "AND hashed_size = size AND hashed_mtime_ns = mtime_ns",
        (file_id,),
    ).fetchone()
    if current is None:
        return []
    return [
        row_to_media_file(r)
        for r in conn.execute(
            f"SELECT {FILE_COLUMNS} FROM media_files WHERE content_hash = ? AND size = ? "
            "AND id != ? AND deleted_at IS NULL AND hashed_size = size "
            "AND hashed_mtime_ns = mtime_ns ORDER BY path",
            (*current, file_id),
        )
    ]


def logs_read(conn: sqlite3.Connection) -> list[LogRead]:
    """Every log checkpoint of every node, the last read first."""
    return [
        LogRead(
            node,
            path,
            offset,
            lines,
            accepted,
            malformed,
            read_at,
            skipped=lines - accepted - malformed,
        )
        for node, path, offset, lines, accepted, malformed, read_at in conn.execute(
            'SELECT node, log_path, "offset", lines, accepted, malformed, updated_at '
            "FROM ingest_checkpoints ORDER BY updated_at DESC, id DESC"
        )
    ]


def reject_counts(conn: sqlite3.Connection) -> list[RejectCount]:
    """Malformed lines per reason, the most frequent first."""
    import json

    found = []
    for reason, count, samples in conn.execute(
        "SELECT reason, count, samples FROM ingest_rejects ORDER BY count DESC, reason"
    ):
        kept = json.loads(samples or "[]")
        found.append(RejectCount(reason, count, kept[0] if kept else None))
    return found


def event_sources(conn: sqlite3.Connection) -> list[EventSource]:
    """Usage events per source and video engagement events ('player'), with the time of
    the last one, most first (counted as they are written: event_sources)."""
    rows = conn.execute(
        "SELECT source, events, last_at FROM event_sources WHERE events > 0 "
        "ORDER BY events DESC, source"
    ).fetchall()
    return [EventSource(source, int(count), last) for source, count, last in rows]
