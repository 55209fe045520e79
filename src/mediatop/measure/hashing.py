"""Content and perceptual hashes of library files: a measurement step, stored in media_files.

- Content hash: xxh3_128 of the whole file (hex), stored in `content_hash` with the
  size and mtime it was computed for (`hashed_size`, `hashed_mtime_ns`); valid while
  the file's stored size and mtime match. Only files that share their size with
  another file need one (a different size cannot be the same content).
- Perceptual hash: imagehash.phash (64-bit DCT hash, 16 hex digits) of an image,
  stored in `phash`; the scanner clears it when a file changes. An image that cannot
  be decoded is stored as '' (tried, failed) so it is not retried on every report.

What is stored, and how it is read back, is in `mediatop.store.measurements`. Files are
read only when they resolve to a regular file under the media root (no
symlink leads out); a file that cannot be read is skipped and counted. Perceptual
hashes decode images, so they run in the isolated process pool (pixel limit, timeout).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mediatop.measure.rootfs import resolve_inside
from mediatop.store.measurements import (
    phash_candidates,
    save_content_hashes,
    save_phashes,
    stale_content_hashes,
)
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


def ensure_content_hashes(
    conn: sqlite3.Connection,
    root: Path,
    ids: Iterable[int],
    *,
    limit: int | None = None,
    stale: list[tuple[int, bytes]] | None = None,
) -> HashRun:
    """Hash the given files whose cached hash is missing or stale (at most `limit`).

    `stale`: those files as the caller has just read them (`stale_content_hashes`),
    else they are read here; a library of 100,000 files can have tens of thousands,
    not to be read twice. `conn` must be writable. Runs in the calling thread: reading
    is I/O-bound and xxh3 runs at memory speed.
    """
    if stale is None:
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
        save_content_hashes(conn, done)
    return HashRun(len(done), len(errors), len(stale) - len(chosen), tuple(errors[:20]))


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
        save_phashes(conn, rows)
    return HashRun(len(hashed), len(failed), deferred, tuple(failed[:20]))


def _phash_task(task: tuple[int, str]) -> str:
    return perceptual_hash(task[1])
