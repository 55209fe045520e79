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
in a .gz file. A .gz cut off mid-stream has its complete lines stored and is then a
SourceReadError (see `_ingest_gzip`), as is a log that cannot be read, naming it; what
was stored before stays. `follow` polls like `tail -F` until `stop()` says so or Ctrl-C.

Lines are read in batches of about 25,000. A small log (and what `follow` sees
arrive) is parsed and written here; a big log's batches are parsed AND written, in
order, by forked worker processes (`mediatop.ingest.logs.pipeline`), each batch with its
checkpoint in one transaction as here (both through `mediatop.ingest.logs.batch_writer`;
the bytes are cut and read by `mediatop.ingest.logs.reading`). The WAL is checkpointed
rarely during an ingest and once at its end (`mediatop.store.ingest_tuning`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from mediatop.config import default_node
from mediatop.errors import LogFormatMismatchError, LogShrankError
from mediatop.ingest.logs.batch_writer import advance, write_batch
from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.lines import LineBatch, ParsedBatch
from mediatop.ingest.logs.logformat import LogFormat
from mediatop.ingest.logs.pipeline import (
    Chunk,
    ChunkDone,
    ChunkWriters,
    workers_for,
)
from mediatop.ingest.logs.reading import (
    ENDS_EARLY,
    LINE_BYTES,
    READ_BYTES,
    LineBlocks,
    Span,
    byte_batches,
    checkpoint_to_continue,
    decode_lines,
    is_gzip,
    line_ranges,
    match_checkpoint,
    read_head,
    read_lines,
    spans_of,
    tail_length,
)
from mediatop.ingest.logs.tally import IngestTally
from mediatop.ingest.unreadable import reading_source
from mediatop.store.checkpoints import Checkpoint, all_checkpoints
from mediatop.store.connection import transaction
from mediatop.store.ingest_tuning import (
    checkpoint_wal,
    database_path,
    restore_after_ingest,
    tune_for_ingest,
)
from mediatop.textsafe import visible

DEFAULT_BATCH_LINES = 25_000
FORMAT_SAMPLE_BYTES = 1 << 16  # about 200 lines


class LogIngester:
    """Ingests logs into one store connection with one format and URL mapping."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        batch: LineBatch,
        *,
        node: str,
        batch_lines: int = DEFAULT_BATCH_LINES,
        on_batch: Callable[[IngestTally], None] | None = None,
    ) -> None:
        self.conn = conn
        self.node = node  # whose checkpoints these logs resume from
        self.batch = batch
        self.batch_lines = batch_lines
        self.tally = IngestTally(node=node)
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
        with reading_source(path, "log"):
            st = path.stat()
            head = read_head(path)
            checkpoints = all_checkpoints(self.conn, self.node)
            current = match_checkpoint(checkpoints, path, st, head)
            absolute = str(path.absolute())  # as checkpoints name it, however it was given
            for cp in checkpoints:
                if cp.log_path == absolute and cp is not current:
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
            except (OSError, EOFError, zlib.error):  # damaged: not the generation sought
                continue
            if match_checkpoint([cp], sibling, sibling.stat(), head) is cp:
                with reading_source(sibling, "log"):
                    self._ingest_file(sibling)
                return

    def _ingest_file(self, path: Path) -> None:
        path = path.absolute()  # the checkpoint names the log wherever it was run from
        st = path.stat()
        gz = is_gzip(path)
        head = read_head(path)
        checkpoints = all_checkpoints(self.conn, self.node)
        cp = checkpoint_to_continue(checkpoints, self.node, path, st, head, gz)
        if cp.offset == 0 and self.check_new_logs:
            self._check_format(path)
        if gz:
            self._ingest_gzip(path, cp, head, st.st_size)
        else:
            self._ingest_plain(path, cp, head)

    def _ingest_plain(self, path: Path, cp: Checkpoint, head: bytes) -> None:
        with path.open("rb") as stream:
            # the size of the file opened (rotation may have replaced the one stat'ed)
            size = os.fstat(stream.fileno()).st_size
            target = self.batch_lines * LINE_BYTES
            spans = line_ranges(stream.fileno(), cp.offset, size, target)
            offset = self._ingest_spans(spans, stream.fileno(), cp, head, size - cp.offset)
        self.tally.incomplete_tail = tail_length(path, offset)

    def _ingest_gzip(self, path: Path, cp: Checkpoint, head: bytes, size: int) -> None:
        """A .gz log, from its checkpoint on. One cut off mid-stream (copied while gzip
        wrote it, or cut by `head -c`) has its complete lines stored, and its checkpoint
        stops after the last of them: the line the cut broke is not counted, so when the
        whole file is there (found by its content) the next run goes on from that line,
        and nothing is counted twice. Then EOFError(ENDS_EARLY), which the caller's
        reading_source names as the log's SourceReadError."""
        read_bytes = max(4096, min(READ_BYTES, self.batch_lines * 256))
        with LineBlocks(path, cp.offset, read_bytes) as blocks:
            spans = spans_of(byte_batches(blocks, self.batch_lines), cp.offset)
            # a .gz file is about 4x its size decompressed; resuming one is rare
            self._ingest_spans(spans, None, cp, head, size * 4 if cp.offset == 0 else 0)
        self.tally.incomplete_tail = 0
        if blocks.ended_early:
            raise EOFError(ENDS_EARLY)  # named by the caller's reading_source

    def _ingest_spans(
        self, spans: Iterator[Span], fd: int | None, cp: Checkpoint, head: bytes, expected: int
    ) -> int:
        """Ingest the spans in this process or in workers, by the bytes expected; the
        offset reached."""
        workers = workers_for(expected)
        if workers:
            return self._ingest_in_workers(spans, fd, cp, head, workers)
        return self._ingest_here(spans, fd, cp, head)

    def _check_format(self, path: Path) -> None:
        """Raise LogFormatMismatchError if the log's first complete lines are not blank
        and none of them parses (a log with a few bad lines among good ones is fine)."""
        sample = read_head(path, FORMAT_SAMPLE_BYTES)
        lines = [line for line in decode_lines(sample[: sample.rfind(b"\n") + 1]) if line.strip()]
        if not lines or any(self.fmt.parse(line) is not None for line in lines):
            return
        wanted = "the --format given" if self.fmt.name == "custom" else self.fmt.name
        raise LogFormatMismatchError(
            f"none of the first {len(lines):,} lines of {path} is in {wanted} log format, so "
            f"nothing of it was read. The first: {visible(lines[0][:200])}. Pass --format: "
            "combined, common, or the server's own log_format string"
        )

    def _ingest_here(
        self, spans: Iterator[Span], fd: int | None, cp: Checkpoint, head: bytes
    ) -> int:
        """Parse and write each batch in this process; the offset reached."""
        offset = cp.offset
        for start, end, data in spans:
            if data is None:
                assert fd is not None
                data, used = read_lines(fd, start, end)
                if used != end - start:
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
        chunks = (
            Chunk(index, start, end, data, advance(cp, end, head))
            for index, (start, end, data) in enumerate(spans)
        )
        reached = cp.offset

        def done(chunk: ChunkDone) -> None:
            nonlocal reached
            reached = max(reached, chunk.end)
            self._count(chunk.summary)
            # This process is otherwise idle: copying the WAL into the database after
            # every chunk, while the workers parse, keeps the WAL small and spares a long
            # copy at the end (a passive checkpoint never blocks a writer). Every chunk
            # rather than every fourth: 2.44-2.50x GoAccess -> 2.52-2.56x (bench/ingest.py).
            checkpoint_wal(self.conn)

        device_of("Mozilla/5.0 (X11; Linux x86_64)")  # build the UA parser before fork
        writers = ChunkWriters(self.batch, database_path(self.conn), cp, fd, workers)
        with contextlib.suppress(LogShrankError):  # truncated while read: the next run
            writers.run(chunks, done)  # starts it afresh
        return reached

    def _count(self, batch: ParsedBatch) -> None:
        self.tally.add(batch)
        if self.on_batch:
            self.on_batch(self.tally)


def ingest_logs(
    conn: sqlite3.Connection,
    paths: Sequence[Path],
    *,
    url_prefixes: tuple[str, ...],
    node: str | None = None,
    log_format: str | None = None,
    follow: bool = False,
    stop: Callable[[], bool] | None = None,
    batch_lines: int = DEFAULT_BATCH_LINES,
    on_batch: Callable[[IngestTally], None] | None = None,
) -> IngestTally:
    """Ingest access logs into the store (the library call behind `mediatop ingest`), as
    `node`: the web node that wrote them, whose checkpoints they resume from (by default
    this host's name, as `mediatop ingest` has it).

    Raises NotScannedError for a store that has never scanned its root and
    LogFormatError for an unusable format string (both before anything is stored),
    LogFormatMismatchError for a new log the format cannot read at all (before storing
    anything of it) and SourceReadError naming a log that cannot be read or ends early
    (what was stored before stays); malformed lines among readable ones are counted,
    never raised.
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
    ingester = LogIngester(
        conn, batch, node=node or default_node(), batch_lines=batch_lines, on_batch=on_batch
    )
    previous = tune_for_ingest(conn)
    try:
        if follow:
            return ingester.follow(paths, stop or (lambda: False))
        return ingester.ingest(paths)
    finally:
        restore_after_ingest(conn, previous)
