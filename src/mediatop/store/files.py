"""The media_files table: what the scanner writes and what everything else looks up.

Owns the SQL for files; callers pass dataclasses in and get dataclasses out.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from mediatop.kinds import Kind
from mediatop.store import deferred_indexes
from mediatop.store.dialect import dialect, indexed_by
from mediatop.store.library_facts import library_changed

if TYPE_CHECKING:
    from mediatop.model import MediaFile, ProbeResult

# ProbeResult's fields but `error` and `extra` (stored as probe_error and meta), written
# out rather than read from the dataclass: a rescan then need not import the model,
# whose dataclasses take a fiftieth of its time to build (a test keeps the two alike).
PROBE_COLUMNS = (
    "format", "width", "height", "mode", "animated", "frames", "progressive", "quality",
    "bits_per_pixel", "duration_s", "bitrate", "codec", "channels", "sample_rate",
    "faststart", "pages", "title", "author", "subject", "keywords", "has_text_layer",
)  # fmt: skip
_BOOLPROBE_COLUMNS = {"animated", "progressive", "faststart", "has_text_layer"}
FILE_COLUMNS = (
    "id, path, group_path, variant, kind, mime, ext, size, mtime_ns, first_seen, "
    "uploaded_at, uploaded_source, deleted_at, quarantined_at, probed_at, "
    + ", ".join(PROBE_COLUMNS)
    + ", probe_error, meta"
)
_COLUMN_NAMES = tuple(c.strip() for c in FILE_COLUMNS.split(","))


@dataclass(frozen=True)
class IndexEntry:
    """What a rescan needs to know about a stored file to decide whether it changed."""

    id: int
    size: int
    mtime_ns: int
    deleted: bool
    probed: bool


class SeenFile(NamedTuple):
    """A file as the walk found it, before any probe (a NamedTuple: the scan makes 100k).

    `has_prober` (kinds.has_prober): whether a probe reads anything from it. A file
    without one is stored as probed at once, so it never waits for a probe task or a
    probe result's write (True by default: a row made by hand waits for a probe)."""

    path: bytes
    group_path: bytes
    variant: str | None
    kind: str
    mime: str
    ext: str
    size: int
    mtime_ns: int
    inode: int | None
    uploaded_at: int
    uploaded_source: str
    has_prober: bool = True


def is_empty(conn: sqlite3.Connection) -> bool:
    """Whether no file was ever stored (then every file a scan finds is new)."""
    return deferred_indexes.table_is_empty(conn, "media_files")


def begin_bulk_load(conn: sqlite3.Connection) -> list[str]:
    """In a write transaction about to fill an empty media_files (a first scan), drop its
    secondary indexes; the statements `end_bulk_load` re-creates them with (none if the
    table already had rows: then the indexes stay as they are)."""
    if not is_empty(conn):
        return []
    return deferred_indexes.drop_secondary_indexes(conn, "media_files")


def end_bulk_load(conn: sqlite3.Connection, statements: list[str]) -> None:
    """Re-create, before the transaction commits, what `begin_bulk_load` dropped."""
    deferred_indexes.recreate_indexes(conn, statements)


_NEW_ROW_COLUMNS = (
    "path, group_path, variant, kind, mime, ext, size, mtime_ns, inode, uploaded_at, "
    "uploaded_source"
)
NewRow = tuple[bytes, bytes, str | None, str, str, str, int, int, int | None, int, str, bool]
"""A SeenFile's fields as a plain tuple, as a first scan makes 100k of them: sqlite3 binds
an exact tuple's items directly (a NamedTuple's through the sequence protocol: a first
scan's insert took 1.6x longer), and a plain tuple unpickles 7x faster from a walker."""


def insert_new(conn: sqlite3.Connection, files: Sequence[NewRow], now: int) -> None:
    """Add files never seen before (first_seen = now): SeenFiles or plain NewRow tuples.
    Those without a prober are stamped probed_at = now in the same statement."""
    if not files:
        return
    library_changed(conn)
    now = int(now)
    conn.executemany(
        f"INSERT INTO media_files ({_NEW_ROW_COLUMNS}, probed_at, first_seen) "
        f"VALUES (?,?,?,?,?,?,?,?,?,?,?,CASE WHEN ? <> 0 THEN NULL ELSE {now} END,{now})",
        map(tuple, files),  # a plain tuple is returned as is; a SeenFile is copied
    )


_PACKED_SCHEMA = "scan_batch"  # the in-memory database packed rows are opened in


@dataclass(frozen=True)
class PackedRows:
    """New rows packed where they were made, in a forked walker: a serialized in-memory
    SQLite database of one table. The store copies them in with one INSERT … SELECT,
    in C. Binding 12 parameters a row, in the process that also builds the indexes,
    took a third of a first scan (the binding of bytes, None and bool is ~0.5 µs each
    in `sqlite3`: they go through its adapter lookup; str, int and bytearray do not, so
    paths are bound as bytearrays, stored as the same BLOB: packing took 0.17 s of CPU
    for 100,000 rows against 0.22 s)."""

    database: bytes
    count: int


def pack_new_rows(rows: Sequence[NewRow]) -> PackedRows:
    """NewRow tuples as PackedRows (SQLite only: see `insert_packed`), kept in order."""
    with contextlib.closing(sqlite3.connect(":memory:")) as packer:
        packer.execute(
            f"CREATE TABLE new_rows (seq INTEGER PRIMARY KEY, {_NEW_ROW_COLUMNS}, has_prober)"
        )
        # An original's group is itself and it has no variant: bound once, as ?2.
        packer.executemany(
            "INSERT INTO new_rows VALUES (?1, ?2, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            [
                (seq, bytearray(row[0]), *row[3:11], 1 if row[11] else 0)
                for seq, row in enumerate(rows)
                if row[2] is None
            ],
        )
        packer.executemany(
            "INSERT INTO new_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (seq, bytearray(row[0]), bytearray(row[1]), *row[2:11], 1 if row[11] else 0)
                for seq, row in enumerate(rows)
                if row[2] is not None
            ],
        )
        packer.commit()
        return PackedRows(packer.serialize(), len(rows))


@contextlib.contextmanager
def packed_rows_attached(conn: sqlite3.Connection) -> Iterator[None]:
    """Room for `insert_packed` while the block runs: entered and left outside a
    transaction (SQLite attaches and detaches a database only there)."""
    conn.execute(f"ATTACH ':memory:' AS {_PACKED_SCHEMA}")
    try:
        yield
    finally:
        conn.execute(f"DETACH {_PACKED_SCHEMA}")


def insert_packed(conn: sqlite3.Connection, packed: PackedRows, now: int) -> None:
    """`insert_new` of packed rows, inside `packed_rows_attached`."""
    if not packed.count:
        return
    library_changed(conn)
    now = int(now)
    conn.deserialize(packed.database, name=_PACKED_SCHEMA)
    conn.execute(
        f"INSERT INTO main.media_files ({_NEW_ROW_COLUMNS}, probed_at, first_seen) "
        f"SELECT {_NEW_ROW_COLUMNS}, CASE WHEN has_prober THEN NULL ELSE {now} END, {now} "
        f"FROM {_PACKED_SCHEMA}.new_rows ORDER BY seq"
    )


def update_changed(
    conn: sqlite3.Connection, files: Sequence[tuple[int, SeenFile]], now: int
) -> None:
    """Files whose size or mtime changed (or that came back): forget the old probe (those
    without a prober are stamped probed_at = now instead: nothing to probe again)."""
    if not files:
        return
    library_changed(conn)
    probe_resets = ", ".join(f"{c} = NULL" for c in PROBE_COLUMNS)
    conn.executemany(
        f"UPDATE media_files SET size = ?, mtime_ns = ?, inode = ?, deleted_at = NULL, "
        f"quarantined_at = NULL, "
        f"probed_at = CASE WHEN ? <> 0 THEN NULL ELSE {int(now)} END, probe_error = NULL, "
        f"meta = NULL, content_hash = NULL, phash = NULL, {probe_resets} WHERE id = ?",
        [(f.size, f.mtime_ns, f.inode, f.has_prober, file_id) for file_id, f in files],
    )


def mark_deleted(conn: sqlite3.Connection, ids: Iterable[int], now: int) -> None:
    """Files the walk no longer finds: keep the row, stamp the time."""
    rows = [(now, file_id) for file_id in ids]
    if not rows:
        return
    library_changed(conn)
    conn.executemany(
        "UPDATE media_files SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", rows
    )


def save_probes(
    conn: sqlite3.Connection, results: Sequence[tuple[int, ProbeResult]], now: int
) -> None:
    """Store probe results (including errors) on their file rows."""
    if not results:
        return
    library_changed(conn)
    assignments = ", ".join(f"{c} = ?" for c in PROBE_COLUMNS)
    conn.executemany(
        f"UPDATE media_files SET {assignments}, probe_error = ?, meta = ?, probed_at = ? "
        f"WHERE id = ?",
        [
            (
                *(getattr(result, c) for c in PROBE_COLUMNS),
                result.error,
                json.dumps(result.extra) if result.extra else None,
                now,
                file_id,
            )
            for file_id, result in results
        ],
    )


def mark_nothing_to_probe(conn: sqlite3.Connection, ids: Sequence[int], now: int) -> None:
    """Stamp probed_at on files without a prober that an older version stored unstamped."""
    if not ids:
        return
    library_changed(conn)
    conn.executemany(
        "UPDATE media_files SET probed_at = ? WHERE id = ? AND probed_at IS NULL",
        [(now, file_id) for file_id in ids],
    )


def unprobed(conn: sqlite3.Connection) -> list[tuple[int, bytes, str]]:
    """(id, path, kind) of present files whose current version has not been probed."""
    # Without statistics SQLite's planner scans a whole index of media_files here (some
    # 15 ms at 100k files, on every rescan) rather than the partial index of exactly
    # these files, which is usually empty.
    rows = conn.execute(
        "SELECT id, path, kind FROM media_files"
        + indexed_by(conn, "media_files_unprobed")
        + " WHERE deleted_at IS NULL AND probed_at IS NULL"
    )
    return [(id_, bytes(path), kind) for id_, path, kind in rows]


def row_to_media_file(row: Sequence[Any]) -> MediaFile:
    """A row selected with FILE_COLUMNS as a MediaFile."""
    from mediatop.model import MediaFile, ProbeResult

    values: dict[str, Any] = dict(zip(_COLUMN_NAMES, row, strict=True))
    probe_values: dict[str, Any] = {
        c: (bool(values[c]) if c in _BOOLPROBE_COLUMNS and values[c] is not None else values[c])
        for c in PROBE_COLUMNS
    }
    meta = values["meta"]
    probe = ProbeResult(
        **probe_values,
        error=values["probe_error"],
        extra=json.loads(meta) if isinstance(meta, str) else {},
    )
    return MediaFile(
        id=values["id"],
        path=bytes(values["path"]),
        group_path=bytes(values["group_path"]),
        variant=values["variant"],
        kind=Kind(values["kind"]),
        mime=values["mime"],
        ext=values["ext"],
        size=values["size"],
        mtime_ns=values["mtime_ns"],
        first_seen=values["first_seen"],
        uploaded_at=values["uploaded_at"],
        uploaded_source=values["uploaded_source"],
        deleted_at=values["deleted_at"],
        probed_at=values["probed_at"],
        probe=probe,
        quarantined_at=values["quarantined_at"],
    )


def get_file(conn: sqlite3.Connection, file_id: int) -> MediaFile | None:
    """One file by id, present or deleted."""
    row = conn.execute(
        f"SELECT {FILE_COLUMNS} FROM media_files WHERE id = ?", (file_id,)
    ).fetchone()
    return row_to_media_file(row) if row else None


def get_file_by_path(conn: sqlite3.Connection, path: bytes) -> MediaFile | None:
    """One file by its path relative to the root."""
    row = conn.execute(f"SELECT {FILE_COLUMNS} FROM media_files WHERE path = ?", (path,)).fetchone()
    return row_to_media_file(row) if row else None


def path_ids(conn: sqlite3.Connection) -> dict[bytes, tuple[int, str]]:
    """path -> (id, kind) for every file ever seen: how URLs and references find files."""
    return {bytes(p): (i, k) for p, i, k in conn.execute("SELECT path, id, kind FROM media_files")}


_INDEX_SELECT = (
    "SELECT path, id, size, mtime_ns, deleted_at IS NOT NULL, probed_at IS NOT NULL "
    "FROM media_files WHERE "
)


# A path without a slash (a file at the root), in each dialect (paths are bytes).
_NO_SLASH = {
    "sqlite": "instr(path, X'2F') = 0",
    "postgres": "position(decode('2f', 'hex') IN path) = 0",
}


def _index(rows: Iterable[tuple[Any, ...]]) -> dict[bytes, IndexEntry]:
    return {
        bytes(path): IndexEntry(id_, size, mtime, bool(deleted), bool(probed))
        for path, id_, size, mtime, deleted, probed in rows
    }


def load_index_under(
    conn: sqlite3.Connection, rel_dirs: Iterable[bytes]
) -> dict[bytes, IndexEntry]:
    """path -> IndexEntry for every file at any depth below the given directories."""
    found: dict[bytes, IndexEntry] = {}
    for rel_dir in set(rel_dirs):
        # Answers: which stored files lie below rel_dir? (b"0" sorts right after b"/".)
        query = _INDEX_SELECT + "path > ? AND path < ?"
        found.update(_index(conn.execute(query, (rel_dir + b"/", rel_dir + b"0"))))
    return found


def load_index_in_dirs(
    conn: sqlite3.Connection, rel_dirs: Iterable[bytes]
) -> dict[bytes, IndexEntry]:
    """path -> IndexEntry for the files directly inside the given directories."""
    found: dict[bytes, IndexEntry] = {}
    for rel_dir in set(rel_dirs):
        if rel_dir:
            below = load_index_under(conn, [rel_dir])
        else:  # the root: paths without a slash
            below = _index(conn.execute(_INDEX_SELECT + _NO_SLASH[dialect(conn)]))
        found.update((p, e) for p, e in below.items() if os.path.dirname(p) == rel_dir)
    return found
