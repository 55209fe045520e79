"""Running probes safely: in the isolated worker pool, with a size cap, a time and memory limit.

Probes run in `mediatop.workers.pool`: nothing a C library prints reaches the terminal
(or the TUI drawn on it), memory is limited, and each file has PROBE_SECONDS. A probe
that raises is recorded as that file's error, and one that runs too long as a timeout;
a worker that crashes or hangs is replaced and the files of its batch probed again one
by one, so a single hostile file costs itself an error and never stalls the scan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from mediatop.kinds import Kind, extension_of, has_prober
from mediatop.model import ProbeResult
from mediatop.scan.head_format import HEAD_BYTES, head_format
from mediatop.scan.opened import NotAFileError, open_beneath, open_no_follow
from mediatop.store.files import PROBE_COLUMNS
from mediatop.store.storable import storable_text
from mediatop.workers.pool import Outcome, isolated

PROBE_SECONDS = 15
BATCH_SIZE = 16
_INT64_MAX = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's BIGINT


@dataclass(frozen=True)
class ProbeTask:
    file_id: int
    root: bytes
    rel_path: bytes
    kind: str
    size: int


def probe_one(path: bytes, kind: str, size: int, *, root: bytes | None = None) -> ProbeResult:
    """Probe one file in this process; every failure becomes `ProbeResult(error=...)`.

    `path` is relative to `root` when a root is given (a scan's files: no link below
    the root is followed), else a path of the caller's (its last part is not followed).
    A file `has_prober` says no to is never opened: an empty result (the scan stores
    such files as probed when it finds them, so they reach here only when asked)."""
    if not has_prober(kind, extension_of(path)):
        return ProbeResult()
    try:
        source = open_beneath(root, path) if root is not None else open_no_follow(path)
    except NotAFileError as exc:
        return ProbeResult(error=f"not probed: {exc.strerror or exc}")
    except OSError as exc:
        return ProbeResult(error=f"cannot open it: {exc.strerror or exc}")
    try:
        with source:
            return _storable(_probed(source, kind, size))
    except MemoryError:
        return ProbeResult(error="probe ran out of memory")
    except Exception as exc:  # a hostile file may make any parser raise anything
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        return _storable(ProbeResult(error=f"{type(exc).__name__}: {message}".rstrip(": ")))


def _probed(source: BinaryIO, kind: str, size: int) -> ProbeResult:
    if kind == Kind.IMAGE:
        from mediatop.scan.probe_image import probe_image

        return probe_image(source, size)
    if kind in (Kind.AUDIO, Kind.VIDEO):
        from mediatop.scan.probe_av import probe_audio_video

        return probe_audio_video(source, size)
    from mediatop.scan.probe_document import probe_pdf  # a PDF: the one document left

    return probe_pdf(source, size)


def _storable(result: ProbeResult) -> ProbeResult:
    """`result` as a store can hold it: its file's error when a header gave a number no
    column can hold (an SVG 10^20 pixels wide), and its text (a title, a tag, an error
    quoting the file) with what a store refuses made visible (`storable_text`). Stored
    as it came, either would fail the whole batch's write."""
    for name in PROBE_COLUMNS:
        value = getattr(result, name)
        if (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, int) and not -_INT64_MAX <= value <= _INT64_MAX
        ):
            return _storable(
                ProbeResult(format=result.format, error=f"impossible {name} in the header")
            )
    texts: dict[str, Any] = {}
    for name in (*PROBE_COLUMNS, "error"):
        value = getattr(result, name)
        if isinstance(value, str) and (stored := storable_text(value)) != value:
            texts[name] = stored
    return replace(result, **texts) if texts else result


def probe_task(task: ProbeTask) -> ProbeResult:
    """`probe_one` of a task: what the pool's workers run."""
    return probe_one(task.rel_path, task.kind, task.size, root=task.root)


def _result(outcome: Outcome[ProbeTask, ProbeResult]) -> tuple[int, ProbeResult]:
    if outcome.result is not None:
        return outcome.task.file_id, outcome.result
    if outcome.timed_out:
        timed_out = f"probe timed out after {PROBE_SECONDS} s"
        return outcome.task.file_id, ProbeResult(format=_told_format(outcome.task), error=timed_out)
    return outcome.task.file_id, _storable(ProbeResult(error=f"probe failed: {outcome.error}"))


def _told_format(task: ProbeTask) -> str | None:
    """The format the file's name and first bytes tell (see scan.head_format): all a
    probe that ran out of time leaves. Reading a few bytes parses nothing, so it is safe
    here, outside the workers."""
    try:
        with open_beneath(task.root, task.rel_path) as source:
            head = source.read(HEAD_BYTES)
    except OSError:  # gone or replaced since: nothing to tell
        return None
    return head_format(task.kind, extension_of(task.rel_path), head)


def run_probes(
    tasks: Sequence[ProbeTask],
    workers: int,
    on_progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Generator[list[tuple[int, ProbeResult]], None, None]:
    """Probe `tasks` in `workers` processes, yielding results batch by batch. Closing it
    early, or `cancelled()` turning true, stops at once: the probes running are
    abandoned (their files are probed by the next scan)."""
    done = 0
    outcomes = isolated(
        probe_task, tasks, workers=workers, timeout_s=PROBE_SECONDS, batch=BATCH_SIZE,
        cancelled=cancelled,
    )  # fmt: skip
    for group in outcomes:
        results = [_result(outcome) for outcome in group]
        done += len(results)
        if on_progress:
            on_progress(done)
        yield results
