"""Measured savings: re-encode images with Pillow in a process pool and store the sizes.

A saving is never guessed: a worker process opens the image, re-encodes it to the
target (see `mediatop.encode_plan.plan_targets`) into memory and reports the encoded size; the
saving of a target is `file size − encoded size`. Results (and errors) go to
`savings_cache` through `mediatop.store.measurements`, keyed by the file's id and target
and valid while the file keeps the size and mtime it had when measured; reports read
them from there. Which re-encodings an image is measured for is the encode plan
(`mediatop.encode_plan.plan_targets`) the images analysis reports, so the rule is
written once.

Safety: the re-encodes run in the isolated pool (`mediatop.workers.pool`); each worker
refuses images over `max_pixels` before decoding them (a PNG header can claim
20000×20000 in a few bytes); each task has a wall-clock timeout; a worker that hangs or
crashes is replaced, and only its own image fails. A timed-out or crashing image is
cached as an error, so it never stalls a later report either.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mediatop.encode_plan import EncodeTarget, plan_targets
from mediatop.measure.rootfs import resolve_inside
from mediatop.reencode import reencode
from mediatop.store.measurements import Measurement, cached_measurements, save_measurements
from mediatop.store.queries.image_facts import load_image_facts, max_display_widths
from mediatop.workers.pool import run_isolated

DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class MeasureSummary:
    """What one `measure_savings` run did."""

    requested_files: int
    measured: int  # targets encoded now (successfully or not)
    failed: int  # of those, how many ended in an error (timeouts and crashes included)
    timed_out: int
    already_cached: int  # targets skipped because a valid cache entry existed
    deferred: int  # targets left for later because the time budget ran out
    results: tuple[Measurement, ...]


@dataclass(frozen=True)
class _Task:
    media_id: int
    path: str
    size: int
    mtime_ns: int
    target: EncodeTarget
    max_pixels: int


def encode_size(path: str, target: EncodeTarget, max_pixels: int) -> int:
    """Bytes of `path` re-encoded as `target` (runs in a worker process)."""
    encoded = reencode(
        path, target.format, target.quality, target.lossless, target.width, max_pixels
    )
    return len(encoded)


def _worker(task: _Task) -> int:
    return encode_size(task.path, task.target, task.max_pixels)


def measure_savings(
    conn: sqlite3.Connection,
    root: Path,
    file_ids: Iterable[int],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    workers: int | None = None,
    budget_s: float | None = None,
    now: int | None = None,
) -> MeasureSummary:
    """Measure the planned re-encodings of the given images that are not cached yet.

    `conn` must be writable (results are saved to savings_cache). Files are measured in
    the order given (pass the most requested first); `budget_s` bounds the wall time
    spent starting new encodes (None: no bound). Files that are not present images or
    that resolve outside `root` get an error entry rather than being read.
    """
    wanted = list(dict.fromkeys(file_ids))
    tasks, refused, already = _planned_tasks(conn, root, wanted, max_pixels)
    deadline = time.monotonic() + budget_s if budget_s is not None else float("inf")
    results: list[Measurement] = []
    deferred = 0
    if tasks:
        pool_size = workers or max(1, min(4, os.cpu_count() or 1))
        outcomes, deferred = run_isolated(
            _worker, tasks, workers=pool_size, timeout_s=timeout_s, deadline=deadline
        )
        results = [
            Measurement(o.task.media_id, o.task.target.name, o.task.size, o.task.mtime_ns,
                        o.result, o.error)
            for o in outcomes
        ]  # fmt: skip
    results += refused
    if results:
        save_measurements(conn, results, now if now is not None else int(time.time()))
    failed = [m for m in results if m.error]
    return MeasureSummary(
        requested_files=len(wanted),
        measured=len(results),
        failed=len(failed),
        timed_out=sum(1 for m in failed if m.error and m.error.startswith("timeout")),
        already_cached=already,
        deferred=deferred,
        results=tuple(results),
    )


def _planned_tasks(
    conn: sqlite3.Connection, root: Path, wanted: list[int], max_pixels: int
) -> tuple[list[_Task], list[Measurement], int]:
    """(re-encodings to run, refusals to store, how many targets were cached already) for
    the images among `wanted`, in its order."""
    order = {file_id: position for position, file_id in enumerate(wanted)}
    facts = sorted(load_image_facts(conn, wanted), key=lambda f: order[f.id])
    widths = max_display_widths(conn, wanted)
    cached = cached_measurements(conn, wanted)
    tasks: list[_Task] = []
    refused: list[Measurement] = []
    already = 0
    for item in facts:
        targets = [t for t in plan_targets(item, widths.get(item.id)) if t.name not in
                   cached.get(item.id, {})]  # fmt: skip
        already += len(plan_targets(item, widths.get(item.id))) - len(targets)
        if not targets:
            continue
        real = resolve_inside(root, item.path)
        for target in targets:
            if real is None:
                refused.append(Measurement(item.id, target.name, item.size, item.mtime_ns, None,
                                           "not a regular file under the media root"))  # fmt: skip
            else:
                tasks.append(
                    _Task(item.id, str(real), item.size, item.mtime_ns, target, max_pixels)
                )
    return tasks, refused, already
