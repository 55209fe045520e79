"""Reading access logs into the store exactly once: checkpoints, rotation, follow.

Each log's progress is a checkpoint (device, inode, a fingerprint of its first bytes,
byte offset of the last complete line consumed) written in the SAME transaction as
the events of that batch, so a run killed at any point resumes with nothing lost or
doubled. Checkpoints are found by content, so:

- re-running on the same file adds nothing; an appended file adds only new lines;
- rename rotation (access.log -> access.log.1 + a new access.log): the old content
  is found under its new name (or, when only access.log is given, among its siblings
  such as access.log.1 or access.log.2.gz) and finished first; the new file starts at 0;
- copytruncate (copy to access.log.1, truncate access.log): the copy's content
  matches the checkpoint and resumes from it; the truncated file starts at 0.

`.gz` logs are read through gzip (offsets count decompressed bytes). A trailing line
without its newline is left for the next run (it may still be being written), except
in a .gz file. `follow` polls like `tail -F` until `stop()` says so or Ctrl-C.

Lines are read in batches of about 25,000. A small log (and what `follow` sees
arrive) is parsed and written here; a big log's batches are parsed AND written, in
order, by forked worker processes (`mediatop.ingest.logs.pipeline`), each batch with its
checkpoint in one transaction as here. The WAL is checkpointed rarely during an
ingest and once at its end.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from mediatop.errors import LogFormatMismatchError, LogShrankError
from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.lines import LineBatch, ParsedBatch
from mediatop.ingest.logs.logformat import LogFormat
from mediatop.ingest.logs.tally import IngestTally
from mediatop.store.checkpoints import (
    Checkpoint,
    add_misses,
    add_rejects,
    all_checkpoints,
    save_checkpoint,
)
from mediatop.store.connection import connect, transaction
from mediatop.store.events import record_log_rows
from mediatop.textsafe import visible

FINGERPRINT_BYTES = 4096
READ_BYTES = 1 << 22
DEFAULT_BATCH_LINES = 25_000
WAL_CHECKPOINT_EVERY_CHUNKS = 4
# Bytes a batch takes per line of `batch_lines`: 25,000 lines with long browser agents
# (about 300 bytes each), more when lines are shorter. Bigger batches cost less per line
# (each upserts again the rollup keys of the days it spans); 9 MB keeps a worker near
# 115 MB.
LINE_BYTES = 360
PROBE_BYTES = 1 << 16
FORMAT_SAMPLE_BYTES = 1 << 16  # about 200 lines
# A batch of complete lines: (start offset, end offset, its bytes or None when they are
# to be read from the plain log's descriptor).
Span = tuple[int, int, bytes | None]
WAL_PAGES_DURING_INGEST = 50_000
CACHE_KIB_DURING_INGEST = -16_384  # negative: KiB, as PRAGMA cache_size takes it


def fingerprint(head: bytes) -> str:
    return hashlib.blake2b(head, digest_size=16).hexdigest()


def is_gzip(path: Path) -> bool:
    """A .gz log, or a log that starts with a valid gzip header whatever its name. A
    damaged .gz raises when read; anything else that only looks like gzip is text."""
    with path.open("rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            return False
    if path.name.endswith(".gz"):
        return True
    try:
        with gzip.open(path, "rb") as stream:
            stream.read(1)
    except (OSError, EOFError):
        return False
    return True


def open_log(path: Path) -> BinaryIO:
    """A binary stream of the log's (decompressed) bytes."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_head(path: Path) -> bytes:
    with open_log(path) as stream:
        return stream.read(FINGERPRINT_BYTES)


def match_checkpoint(
    checkpoints: Sequence[Checkpoint], path: Path, st: os.stat_result, head: bytes
) -> Checkpoint | None:
    """The checkpoint whose content this file continues, preferring the same inode, then
    the same path, then the furthest read."""
    name = str(path)
    found = [
        cp
        for cp in checkpoints
        if 0 < cp.fingerprint_len <= len(head)
        and fingerprint(head[: cp.fingerprint_len]) == cp.fingerprint
    ]
    if not found:
        return None
    found.sort(
        key=lambda cp: (
            (cp.device, cp.inode) == (st.st_dev, st.st_ino),
            cp.log_path == name,
            cp.offset,
        )
    )
    return found[-1]


class LogIngester:
    """Ingests logs into one store connection with one format and URL mapping."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        batch: LineBatch,
        *,
        batch_lines: int = DEFAULT_BATCH_LINES,
        on_batch: Callable[[IngestTally], None] | None = None,
    ) -> None:
        self.conn = conn
        self.batch = batch
        self.batch_lines = batch_lines
        self.tally = IngestTally()
        self.on_batch = on_batch
        # Only the logs given at the start are checked against the format: a generation
        # that rotation starts while following may begin with a single odd line.
        self.check_new_logs = True

    @property
    def fmt(self) -> LogFormat:
        return self.batch.fmt

    def ingest(self, paths: Sequence[Path]) -> IngestTally:
        """Read every new complete line of every log once."""
        for path in paths:
            self.ingest_path(path)
        return self.tally

    def follow(
        self, paths: Sequence[Path], stop: Callable[[], bool], interval_s: float = 0.5
    ) -> IngestTally:
        """Like `ingest`, then keep polling for new lines and rotations until stop()."""
        while True:
            for path in paths:
                if path.exists():
                    self.ingest_path(path)
            self.check_new_logs = False
            if stop():
                return self.tally
            time.sleep(interval_s)

    def ingest_path(self, path: Path) -> None:
        """One log, after finishing any rotated-away generation of it found beside it."""
        name = str(path)
        if name not in self.tally.files:
            self.tally.files.append(name)
        st = path.stat()
        head = read_head(path)
        checkpoints = all_checkpoints(self.conn)
        current = match_checkpoint(checkpoints, path, st, head)
        for cp in checkpoints:
            if cp.log_path == name and cp is not current:
                self._finish_rotated(path, cp)
        self._ingest_file(path)

    def _finish_rotated(self, path: Path, cp: Checkpoint) -> None:
        """Read the rest of a generation that rotation moved beside `path`, if found."""
        try:
            names = sorted(n for n in os.listdir(path.parent) if n.startswith(path.name))
        except OSError:
            return
        for sibling in (path.parent / n for n in names if n != path.name):
            if not sibling.is_file():
                continue
            try:
                head = read_head(sibling)
            except (OSError, EOFError, gzip.BadGzipFile):
                continue
            if match_checkpoint([cp], sibling, sibling.stat(), head) is cp:
                self._ingest_file(sibling)
                return

    def _ingest_file(self, path: Path) -> None:
        st = path.stat()
        gz = is_gzip(path)
        head = read_head(path)
        cp = match_checkpoint(all_checkpoints(self.conn), path, st, head)
        if cp is not None and not gz and st.st_size < cp.offset:
            cp = None  # truncated and rewritten: a new generation
        if cp is None:
            cp = Checkpoint(None, str(path), st.st_dev, st.st_ino, "", 0, 0)
        cp = replace(cp, log_path=str(path), device=st.st_dev, inode=st.st_ino)
        if cp.offset == 0 and self.check_new_logs:
            self._check_format(path)
        with open_log(path) as stream:
            spans: Iterator[Span]
            if gz:
                skip_to(stream, cp.offset, gz)
                batches = _byte_batches(stream, self.batch_lines, final_partial=True)
                spans = _spans_of(batches, cp.offset)
                # a .gz file is about 4x its size decompressed; resuming one is rare
                remaining = st.st_size * 4 if cp.offset == 0 else 0
            else:
                # the size of the file opened (rotation may have replaced the one stat'ed)
                size = os.fstat(stream.fileno()).st_size
                target = self.batch_lines * LINE_BYTES
                spans = _line_ranges(stream.fileno(), cp.offset, size, target)
                remaining = size - cp.offset
            workers = self._workers(remaining)
            fd = None if gz else stream.fileno()
            if workers:
                offset = self._ingest_in_workers(spans, fd, cp, head, workers)
            else:
                offset = self._ingest_here(spans, fd, cp, head)
            self.tally.incomplete_tail = 0 if gz else _tail_length(path, offset)

    def _check_format(self, path: Path) -> None:
        """Raise LogFormatMismatchError if the log's first complete lines are not blank
        and none of them parses (a log with a few bad lines among good ones is fine)."""
        with open_log(path) as stream:
            sample = stream.read(FORMAT_SAMPLE_BYTES)
        lines = [line for line in decode_lines(sample[: sample.rfind(b"\n") + 1]) if line.strip()]
        if not lines or any(self.fmt.parse(line) is not None for line in lines):
            return
        wanted = "the --format given" if self.fmt.name == "custom" else self.fmt.name
        raise LogFormatMismatchError(
            f"none of the first {len(lines):,} lines of {path} is in {wanted} log format, so "
            f"nothing of it was read. The first: {visible(lines[0][:200])}. Pass --format: "
            "combined, common, or the server's own log_format string"
        )

    def _workers(self, expected_bytes: int) -> int:
        """How many worker processes a log this big gets (0: read it here)."""
        from mediatop.ingest.logs.pipeline import PARALLEL_MIN_BYTES, worker_count

        return worker_count() if expected_bytes >= PARALLEL_MIN_BYTES else 0

    def _ingest_here(
        self, spans: Iterator[Span], fd: int | None, cp: Checkpoint, head: bytes
    ) -> int:
        """Parse and write each batch in this process; the offset reached."""
        offset = cp.offset
        for start, end, data in spans:
            if data is None:
                assert fd is not None
                data = os.pread(fd, end - start, start)
                if len(data) != end - start:
                    break  # truncated while read: the next run starts it afresh
            self.batch.reset()
            self.batch.add_lines(decode_lines(data))
            offset = end
            parsed = self.batch.result()
            cp = write_batch(self.conn, advance(cp, offset, head), parsed)
            self._count(parsed)
        return offset

    def _ingest_in_workers(
        self, spans: Iterator[Span], fd: int | None, cp: Checkpoint, head: bytes, workers: int
    ) -> int:
        """Have forked workers parse and write the rest of the log in order (see
        `mediatop.ingest.logs.pipeline`), in the same batches as `_ingest_here`; the offset
        reached."""
        from mediatop.ingest.logs.pipeline import Chunk, ChunkDone, ChunkWriters

        chunks = (
            Chunk(index, start, end, data, advance(cp, end, head))
            for index, (start, end, data) in enumerate(spans)
        )
        reached = cp.offset

        def done(chunk: ChunkDone) -> None:
            nonlocal reached
            reached = max(reached, chunk.end)
            self._count(chunk.summary)
            if chunk.index % WAL_CHECKPOINT_EVERY_CHUNKS == WAL_CHECKPOINT_EVERY_CHUNKS - 1:
                # this process is otherwise idle: copying the WAL into the database here,
                # while the workers write, keeps the WAL small and spares a long copy at
                # the end (a passive checkpoint never blocks a writer)
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

        device_of("Mozilla/5.0 (X11; Linux x86_64)")  # build the UA parser before fork
        writers = ChunkWriters(self.batch, _store_path(self.conn), cp, fd, workers)
        with contextlib.suppress(LogShrankError):  # truncated while read: the next run
            writers.run(chunks, done)  # starts it afresh
        return reached

    def _count(self, batch: ParsedBatch) -> None:
        self.tally.add(batch)
        if self.on_batch:
            self.on_batch(self.tally)


def advance(cp: Checkpoint, offset: int, head: bytes) -> Checkpoint:
    """The checkpoint moved to `offset`, with the fingerprint of the first bytes it covers."""
    length = min(len(head), offset, FINGERPRINT_BYTES)
    return replace(
        cp, fingerprint=fingerprint(head[:length]), fingerprint_len=length, offset=offset
    )


def write_batch(conn: sqlite3.Connection, cp: Checkpoint, batch: ParsedBatch) -> Checkpoint:
    """Store one parsed batch and the checkpoint after it in ONE transaction (what makes
    ingest exactly-once); returns that checkpoint, with its id and the batch counted."""
    counts = batch.counts
    cp = replace(
        cp,
        lines=cp.lines + counts["lines"],
        accepted=cp.accepted + counts["accepted"],
        malformed=cp.malformed + sum(batch.rejects.values()),
    )
    with transaction(conn):
        record_log_rows(conn, batch.rows, batch.rollup, batch.kinds, batch.plain_rows)
        add_misses(conn, batch.misses, batch.miss_status)
        add_rejects(conn, batch.rejects, batch.samples)
        new_id = save_checkpoint(conn, cp, int(time.time()))
    return replace(cp, id=new_id)


def open_ingest_connection(path: Path) -> sqlite3.Connection:
    """A store connection for a worker process, set up as `ingest_logs` sets its own."""
    conn = connect(path)
    _tune_for_ingest(conn)
    return conn


def _tune_for_ingest(conn: sqlite3.Connection) -> None:
    # Checkpoint the WAL every ~200 MB instead of every 4 MB while ingesting (each
    # checkpoint syncs the database file), then once at the end.
    # A smaller page cache too: ingest writes append-mostly, and it keeps each process
    # under 200 MB.
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES_DURING_INGEST}")
    conn.execute(f"PRAGMA cache_size = {CACHE_KIB_DURING_INGEST}")


def _store_path(conn: sqlite3.Connection) -> Path:
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def skip_to(stream: BinaryIO, offset: int, gz: bool) -> None:
    if not gz:
        stream.seek(offset)
        return
    remaining = offset
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_BYTES))
        if not chunk:
            break
        remaining -= len(chunk)


def _tail_length(path: Path, offset: int) -> int:
    try:
        return max(0, path.stat().st_size - offset)
    except OSError:
        return 0


def decode_lines(data: bytes) -> list[str]:
    """Complete lines of a chunk as text (undecodable bytes kept as surrogates)."""
    text = data.decode("utf-8", "surrogateescape")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _byte_batches(
    stream: BinaryIO, batch_lines: int, *, final_partial: bool
) -> Iterator[tuple[bytes, int]]:
    """Chunks of complete lines (about batch_lines each) and the bytes each used."""
    pending = b""
    read_size = max(4096, min(READ_BYTES, batch_lines * 256))
    parts: list[bytes] = []
    used = 0
    target = batch_lines * LINE_BYTES
    while True:
        chunk = stream.read(read_size)
        if not chunk:
            break
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            pending = data
            continue
        pending = data[cut:]
        parts.append(data[:cut])
        used += cut
        if used >= target:
            yield b"".join(parts), used
            parts, used = [], 0
    if final_partial and pending:
        parts.append(pending)
        used += len(pending)
    if parts:
        yield b"".join(parts), used


def _spans_of(batches: Iterator[tuple[bytes, int]], start: int) -> Iterator[Span]:
    """(start, end, bytes) of each batch of a stream read from offset `start`."""
    for data, used in batches:
        yield start, start + used, data
        start += used


def _line_ranges(fd: int, start: int, size: int, target: int) -> Iterator[Span]:
    """(start, end, None) of spans of about `target` bytes of complete lines of the
    plain file `fd` between `start` and `size`; reads only a little around each cut.
    A last line without its newline is left out (it may still be being written)."""
    while start < size:
        cut = _line_end_after(fd, start + target, size) if start + target < size else None
        if cut is None:
            cut = _last_line_end(fd, start, size)
            if cut is None:
                return
        yield start, cut, None
        start = cut


def _line_end_after(fd: int, at: int, size: int) -> int | None:
    """The offset just past the first newline at or after `at`, if any before `size`."""
    while at < size:
        window = os.pread(fd, min(PROBE_BYTES, size - at), at)
        if not window:
            return None
        found = window.find(b"\n")
        if found >= 0:
            return at + found + 1
        at += len(window)
    return None


def _last_line_end(fd: int, start: int, size: int) -> int | None:
    """The offset just past the last newline in [start, size), if any."""
    end = size
    while end > start:
        at = max(start, end - PROBE_BYTES)
        window = os.pread(fd, end - at, at)
        found = window.rfind(b"\n")
        if found >= 0:
            return at + found + 1
        end = at
    return None


def ingest_logs(
    conn: sqlite3.Connection,
    paths: Sequence[Path],
    *,
    url_prefixes: tuple[str, ...],
    log_format: str | None = None,
    follow: bool = False,
    stop: Callable[[], bool] | None = None,
    batch_lines: int = DEFAULT_BATCH_LINES,
    on_batch: Callable[[IngestTally], None] | None = None,
) -> IngestTally:
    """Ingest access logs into the store (the library call behind `mediatop ingest`).

    Raises NotScannedError for a store that has never scanned its root and
    LogFormatError for an unusable format string (both before anything is stored),
    LogFormatMismatchError for a new log the format cannot read at all (before storing
    anything of it) and OSError for an unreadable log; malformed lines among readable
    ones are counted, never raised.
    """
    from mediatop.ingest.logs.logformat import compile_format
    from mediatop.ingest.logs.urlmap import UrlMapper
    from mediatop.ingest.prescan import require_scanned
    from mediatop.store.checkpoints import session_salt
    from mediatop.store.files import path_ids

    require_scanned(conn)
    fmt = compile_format(log_format)
    with transaction(conn):
        salt = session_salt(conn)
    batch = LineBatch(fmt, UrlMapper(url_prefixes, path_ids(conn)), salt)
    ingester = LogIngester(conn, batch, batch_lines=batch_lines, on_batch=on_batch)
    previous = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    previous_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    _tune_for_ingest(conn)
    try:
        if follow:
            return ingester.follow(paths, stop or (lambda: False))
        return ingester.ingest(paths)
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {int(previous)}")
        conn.execute(f"PRAGMA cache_size = {int(previous_cache)}")
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
