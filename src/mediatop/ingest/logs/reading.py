"""Reading a log's bytes: plain or gzip, its fingerprint, and cutting it into batches.

A log is known by a fingerprint of its first bytes (`match_checkpoint` finds the
checkpoint whose content a file continues, whatever its name now). A plain log is cut
into byte ranges of complete lines that a reader fetches with pread (`line_ranges`,
`read_lines`); a .gz log is decompressed as a stream into batches of complete lines
(`byte_batches`). Both cut their lines with one `LineCutter`, which bounds a line's
length. Nothing here writes to the store.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from mediatop.store.checkpoints import Checkpoint

FINGERPRINT_BYTES = 4096
READ_BYTES = 1 << 22
# Bytes a batch takes per line of `batch_lines`: 25,000 lines with long browser agents
# (about 300 bytes each), more when lines are shorter. Bigger batches cost less per line
# (each upserts again the rollup keys of the days it spans); 9 MB keeps a worker near
# 115 MB.
LINE_BYTES = 360
PROBE_BYTES = 1 << 16
# A line longer than this (no server writes one; a gzip bomb or a broken log does) keeps
# only its first bytes, enough to be rejected as unparsable, so memory stays bounded.
MAX_LINE_BYTES = 1 << 20
# Why a .gz cut off mid-stream stops its run, after its complete lines are stored.
ENDS_EARLY = (
    "the file ends early (its gzip data is cut off); its complete lines before the cut are stored"
)
# A batch of complete lines: (start offset, end offset, its bytes or None when they are
# to be read from the plain log's descriptor).
Span = tuple[int, int, bytes | None]


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


class GzipUpToCut:
    """A .gz log's decompressed bytes up to its end, or up to where the file was cut off
    (copied while gzip was still writing it, or cut by `head -c`): then `ended_early`.
    GzipFile.read raises EOFError at a cut and drops what it had decompressed of that
    read; read1 returns it and raises only when nothing is left before the cut."""

    def __init__(self, path: Path) -> None:
        self._stream = gzip.open(path, "rb")  # noqa: SIM115 (closed by __exit__)
        self.ended_early = False

    def read(self, size: int) -> bytes:
        """`size` bytes, fewer only at the end or the cut."""
        pieces: list[bytes] = []
        while size > 0 and not self.ended_early:
            try:
                piece = self._stream.read1(size)
            except EOFError:
                self.ended_early = True
                break
            if not piece:
                break
            pieces.append(piece)
            size -= len(piece)
        return b"".join(pieces)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> GzipUpToCut:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def read_head(path: Path, size: int = FINGERPRINT_BYTES) -> bytes:
    """The log's first `size` (decompressed) bytes, or all it has; a .gz cut off before
    them gives those before the cut."""
    if is_gzip(path):
        with GzipUpToCut(path) as gz:
            return gz.read(size)
    with path.open("rb") as stream:
        return stream.read(size)


def match_checkpoint(
    checkpoints: Sequence[Checkpoint], path: Path, st: os.stat_result, head: bytes
) -> Checkpoint | None:
    """The checkpoint whose content this file continues, preferring the same inode, then
    the same path, then the furthest read."""
    name = str(path.absolute())
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


def checkpoint_to_continue(
    checkpoints: Sequence[Checkpoint],
    node: str,
    path: Path,
    st: os.stat_result,
    head: bytes,
    gz: bool,
) -> Checkpoint:
    """The checkpoint the file at the absolute `path` continues, named with its path,
    device and inode now; a new one at its start when none matches, or when a plain file
    is shorter than the offset (truncated and rewritten: a new generation)."""
    cp = match_checkpoint(checkpoints, path, st, head)
    if cp is None or (not gz and st.st_size < cp.offset):
        cp = Checkpoint(None, node, str(path), st.st_dev, st.st_ino, "", 0, 0)
    return replace(cp, log_path=str(path), device=st.st_dev, inode=st.st_ino)


def skip_to(stream: GzipUpToCut, offset: int) -> None:
    """Read past the first `offset` bytes (a checkpoint's): a .gz can only be read up to
    there, and a cut before it leaves `ended_early` set rather than raising."""
    remaining = offset
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_BYTES))
        if not chunk:
            break
        remaining -= len(chunk)


def tail_length(path: Path, offset: int) -> int:
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


class LineCutter:
    """Cuts bytes that come in pieces into complete lines, keeping only the first
    MAX_LINE_BYTES of a longer line, so memory stays bounded whatever a line's length.
    The bytes of a line cut short still count as used, so offsets stay the log's. The
    one way both a .gz's stream and a plain log's byte ranges are cut."""

    def __init__(self) -> None:
        self.pending = b""  # the unfinished last line (at most MAX_LINE_BYTES of it)
        self.dropped = 0  # bytes of the pending line cut off: it is too long

    def feed(self, chunk: bytes) -> tuple[bytes, int]:
        """The lines `chunk` completes, each too long one cut short, and the bytes of
        the log they used. Lines of the usual length are handed on without a copy."""
        parts: list[bytes] = []
        used = 0
        if self.dropped:  # the pending line is too long: drop the rest up to its end
            end = chunk.find(b"\n")
            if end < 0:
                self.dropped += len(chunk)
                return b"", 0
            parts.append(self.pending + b"\n")
            used = len(self.pending) + self.dropped + end + 1
            self.pending, self.dropped = b"", 0
            chunk = chunk[end + 1 :]
        data = self.pending + chunk if self.pending else chunk
        cut = data.rfind(b"\n") + 1
        start = kept = 0  # the line looked at; where the bytes still to hand on begin
        while cut - start > MAX_LINE_BYTES:
            # every line in a window of MAX_LINE_BYTES that ends with a newline is short
            end = data.rfind(b"\n", start, start + MAX_LINE_BYTES + 1)
            if end < 0:  # the line at `start` is too long
                end = data.find(b"\n", start + MAX_LINE_BYTES)
                parts += [data[kept : start + MAX_LINE_BYTES], b"\n"]
                kept = end + 1
            start = end + 1
        parts.append(data[kept:cut])
        self.pending = data[cut : cut + MAX_LINE_BYTES]
        self.dropped = max(0, len(data) - cut - MAX_LINE_BYTES)
        return b"".join(parts), used + cut

    def rest(self) -> tuple[bytes, int]:
        """The unfinished last line (cut short if too long) and the bytes it used."""
        return self.pending, len(self.pending) + self.dropped


# A block of a few thousand lines: a caller that commits between blocks (import-events)
# does so about as often as it means to.
BLOCK_BYTES = 1 << 18


class LineBlocks:
    """A file's (decompressed) bytes from `offset` on, plain or .gz, as blocks of complete
    lines, each too long one cut short (a LineCutter), with the bytes each used; the last
    line without its newline comes as a block of its own, unless a .gz was cut off
    (`ended_early`): that line is broken, and read whole once the complete file is there.
    Event files are read by it line by line; a .gz log's batches are gathered from it
    (`byte_batches`), a plain log's go by `line_ranges`."""

    def __init__(self, path: Path, offset: int, read_bytes: int = BLOCK_BYTES) -> None:
        self._read_bytes = read_bytes
        self._gzip = GzipUpToCut(path) if is_gzip(path) else None
        self._stream: GzipUpToCut | BinaryIO
        if self._gzip is not None:
            skip_to(self._gzip, offset)
            self._stream = self._gzip
        else:
            self._stream = path.open("rb")
            self._stream.seek(offset)
        self._cutter = LineCutter()

    @property
    def ended_early(self) -> bool:
        return self._gzip is not None and self._gzip.ended_early

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        while chunk := self._stream.read(self._read_bytes):
            lines, used = self._cutter.feed(chunk)
            if used:
                yield lines, used
        last, used = self._cutter.rest()
        if used and not self.ended_early:
            yield last, used

    def __enter__(self) -> LineBlocks:
        return self

    def __exit__(self, *_: object) -> None:
        self._stream.close()


def byte_batches(blocks: LineBlocks, batch_lines: int) -> Iterator[tuple[bytes, int]]:
    """Chunks of complete lines of a .gz log (about batch_lines each), gathered from its
    LineBlocks, and the bytes each used."""
    parts: list[bytes] = []
    used = 0
    target = batch_lines * LINE_BYTES
    for lines, took in blocks:
        parts.append(lines)
        used += took
        if used >= target:
            yield b"".join(parts), used
            parts, used = [], 0
    if parts:
        yield b"".join(parts), used


def spans_of(batches: Iterator[tuple[bytes, int]], start: int) -> Iterator[Span]:
    """(start, end, bytes) of each batch of a stream read from offset `start`."""
    for data, used in batches:
        yield start, start + used, data
        start += used


def line_ranges(fd: int, start: int, size: int, target: int) -> Iterator[Span]:
    """(start, end, None) of spans of about `target` bytes of complete lines of the
    plain file `fd` between `start` and `size`; reads only a little around each cut.
    A span that a line too long makes too big to read at once (see `read_lines`) comes
    with its bytes, read here in pieces through a LineCutter. A last line without its
    newline is left out (it may still be being written)."""
    while start < size:
        cut = _line_end_after(fd, start + target, size) if start + target < size else None
        if cut is None:
            cut = _last_line_end(fd, start, size)
            if cut is None:
                return
        if cut - start <= target + MAX_LINE_BYTES:
            yield start, cut, None
        else:
            data, used = read_lines(fd, start, cut, MAX_LINE_BYTES)
            if used != cut - start:
                return  # truncated while read: the next run starts it afresh
            yield start, cut, data
        start = cut


def read_lines(fd: int, start: int, end: int, piece: int | None = None) -> tuple[bytes, int]:
    """The complete lines of the plain log `fd` in [start, end), read in pieces of
    `piece` bytes (by default at once: a span of `line_ranges` without its bytes is at
    most a batch and a long line), each too long one cut short as in a .gz; and the bytes
    used, fewer than end - start if the log shrank while it was read."""
    cutter = LineCutter()
    parts: list[bytes] = []
    used = 0
    at = start
    while at < end:
        chunk = os.pread(fd, end - at if piece is None else min(piece, end - at), at)
        if not chunk:
            break
        at += len(chunk)
        lines, took = cutter.feed(chunk)
        if took:
            parts.append(lines)
            used += took
    return b"".join(parts), used


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
