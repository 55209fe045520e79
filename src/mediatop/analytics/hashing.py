"""Content and perceptual hashes of library files, computed lazily and cached in media_files.

- Content hash: xxh3_128 of the whole file (hex), stored in `content_hash` with the
  size and mtime it was computed for (`hashed_size`, `hashed_mtime_ns`); valid while
  the file's stored size and mtime match. Only files that share their size with
  another file need one (a different size cannot be the same content).
- Perceptual hash: imagehash.phash (64-bit DCT hash, 16 hex digits) of an image,
  stored in `phash`; the scanner clears it when a file changes. An image that cannot
  be decoded is stored as '' (tried, failed) so it is not retried on every report.

Files are read only when they resolve to a regular file under the media root (no
symlink leads out); a file that cannot be read is skipped and counted. Perceptual
hashes decode images, so they run in the isolated process pool (pixel limit, timeout).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediatop.analytics._media_common import ids_json
from mediatop.analytics._rootfs import resolve_inside
from mediatop.store.library_facts import library_changed
from mediatop.workers.pool import run_isolated

CHUNK_BYTES = 1 << 20
PHASH_MAX_PIXELS = 50_000_000
PHASH_TIMEOUT_S = 20.0
PHASH_UNREADABLE = ""


@dataclass(frozen=True)
class HashRun:
    """What one hashing pass did."""

    hashed: int
    failed: int
    deferred: int  # left for later (budget)
    errors: tuple[tuple[int, str], ...]  # (file id, error) for the first few failures


def content_hash(path: Path) -> tuple[str, int, int]:
    """(xxh3_128 hex, size, mtime_ns) of a file, size and mtime taken from the open file."""
    import xxhash

    digest = xxhash.xxh3_128()
    # O_NOFOLLOW: a file swapped for a symlink after `resolve_inside` checked it is refused.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        stat = os.fstat(handle.fileno())
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest(), stat.st_size, stat.st_mtime_ns


def size_collision_ids(conn: sqlite3.Connection) -> list[int]:
    """Present, non-empty files that share their size with another present file.

    Counted in Python over one pass of (id, size): without an index on size, SQLite's
    GROUP BY would sort the whole table first.
    """
    rows = conn.execute(
        "SELECT id, size FROM media_files WHERE deleted_at IS NULL AND size > 0"
    ).fetchall()
    counts = Counter(size for _, size in rows)
    return sorted(file_id for file_id, size in rows if counts[size] > 1)


def stale_content_hashes(conn: sqlite3.Connection, ids: Iterable[int]) -> list[tuple[int, bytes]]:
    """(id, path) of the given present files whose content hash is missing or outdated."""
    return [
        (file_id, bytes(path))
        for file_id, path in conn.execute(
            "SELECT id, path FROM media_files WHERE deleted_at IS NULL "
            "AND id IN (SELECT value FROM json_each(?)) AND (content_hash IS NULL "
            "OR hashed_size IS NOT size OR hashed_mtime_ns IS NOT mtime_ns) ORDER BY id",
            (ids_json(ids),),
        )
    ]


def ensure_content_hashes(
    conn: sqlite3.Connection, root: Path, ids: Iterable[int], *, limit: int | None = None
) -> HashRun:
    """Hash the given files whose cached hash is missing or stale (at most `limit`).

    `conn` must be writable. Runs in the calling thread: reading is I/O-bound and
    xxh3 runs at memory speed.
    """
    stale = stale_content_hashes(conn, ids)
    chosen = stale if limit is None else stale[:limit]
    done: list[tuple[str, int, int, int]] = []
    errors: list[tuple[int, str]] = []
    for file_id, rel in chosen:
        real = resolve_inside(root, rel)
        if real is None:
            errors.append((file_id, "not a regular file under the media root"))
            continue
        try:
            digest, size, mtime_ns = content_hash(real)
        except OSError as exc:
            errors.append((file_id, f"{type(exc).__name__}: {exc.strerror or exc}"))
            continue
        done.append((digest, size, mtime_ns, file_id))
    if done:
        _write(
            conn,
            "UPDATE media_files SET content_hash = ?, hashed_size = ?, hashed_mtime_ns = ? "
            "WHERE id = ?",
            done,
        )
    return HashRun(len(done), len(errors), len(stale) - len(chosen), tuple(errors[:20]))


def _write(conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        library_changed(conn)
        conn.executemany(sql, rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def perceptual_hash(path: str) -> str:
    """imagehash.phash of the image at `path` as 16 hex digits (runs in a worker)."""
    import imagehash
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = PHASH_MAX_PIXELS
    with Image.open(path) as im:
        width, height = im.size
        if width * height > PHASH_MAX_PIXELS:
            raise ValueError(f"{width}x{height} is over the {PHASH_MAX_PIXELS} pixel limit")
        im.draft("L", (64, 64))  # JPEG: decode at 1/8 scale; phash looks at 32×32 anyway
        return str(imagehash.phash(im.convert("L")))


# INDEXED BY: phash is not in the (kind, format, ...) index, so reading the rows in its
# order would jump around the table; the kind index reads them in table order.
_PHASH_PENDING = (
    "FROM media_files INDEXED BY media_files_kind WHERE kind = 'image' AND deleted_at IS NULL "
    "AND phash IS NULL AND probe_error IS NULL AND format IS NOT NULL "
    "AND format NOT IN ('SVG', 'ICO')"
)


def count_phash_candidates(conn: sqlite3.Connection) -> int:
    """How many present raster images have no perceptual hash yet."""
    return int(conn.execute(f"SELECT count(*) {_PHASH_PENDING}").fetchone()[0])


def phash_candidates(conn: sqlite3.Connection) -> list[tuple[int, bytes]]:
    """(id, path) of present raster images that have no perceptual hash yet."""
    return [
        (file_id, bytes(path))
        for file_id, path in conn.execute(f"SELECT id, path {_PHASH_PENDING} ORDER BY id")
    ]


def ensure_phashes(
    conn: sqlite3.Connection,
    root: Path,
    *,
    limit: int | None = None,
    workers: int | None = None,
    budget_s: float | None = None,
) -> HashRun:
    """Compute missing perceptual hashes (at most `limit`) in the isolated pool."""
    pending = phash_candidates(conn)
    chosen = pending if limit is None else pending[:limit]
    tasks: list[tuple[int, str]] = []
    failed: list[tuple[int, str]] = []
    for file_id, rel in chosen:
        real = resolve_inside(root, rel)
        if real is None:
            failed.append((file_id, "not a regular file under the media root"))
        else:
            tasks.append((file_id, str(real)))
    hashed: list[tuple[str, int]] = []
    deferred = len(pending) - len(chosen)
    if tasks:
        deadline = time.monotonic() + budget_s if budget_s is not None else float("inf")
        outcomes, left = run_isolated(
            _phash_task, tasks, workers=workers or max(1, min(4, os.cpu_count() or 1)),
            timeout_s=PHASH_TIMEOUT_S, deadline=deadline,
        )  # fmt: skip
        deferred += left
        for outcome in outcomes:
            if outcome.result is None:
                failed.append((outcome.task[0], outcome.error or "failed"))
            else:
                hashed.append((outcome.result, outcome.task[0]))
    rows = hashed + [(PHASH_UNREADABLE, file_id) for file_id, _ in failed]
    if rows:
        _write(conn, "UPDATE media_files SET phash = ? WHERE id = ?", rows)
    return HashRun(len(hashed), len(failed), deferred, tuple(failed[:20]))


def _phash_task(task: tuple[int, str]) -> str:
    return perceptual_hash(task[1])
