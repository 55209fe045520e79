"""Access logs an admin may feed ingest by mistake or malice, with real files and a real
store: each must end with its lines counted, in bounded memory."""

from __future__ import annotations

import gzip
import os
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatop.cli import main
from mediatop.errors import SourceReadError
from mediatop.ingest.logs import reading
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.ingest.logs.tally import IngestTally
from mediatop.store import connect
from test_ingest_logs import count

PREFIXES = ("/uploads/",)
GOOD = (
    '198.51.100.23 - - [10/Oct/2024:13:55:36 +0000] "GET /uploads/hero.jpg HTTP/1.1" 200 '
    '5000 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
)


def _ingest_traced(conn: sqlite3.Connection, log: Path) -> tuple[IngestTally, int]:
    """`ingest_logs` of one log, and the peak of memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
        return tally, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _too_long_line() -> str:
    """A request for hero.jpg whose user agent is 20 MiB long: its first MiB alone would
    still read as a request."""
    return GOOD.replace("Firefox/120.0", "Firefox/" + "9" * (20 << 20))


def _scanned_library(tmp_path: Path) -> tuple[Path, Path]:
    """A media folder of one image (hero.jpg), scanned into a new store: (root, store)."""
    root = tmp_path / "media"
    root.mkdir()
    (root / "hero.jpg").write_bytes(b"x" * 100)
    db = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--db", str(db), "--quiet", "--no-probe"]) == 0
    return root, db


def test_a_gzip_bomb_line_is_one_unparsable_line_read_in_bounded_memory(
    tmp_path: Path,
) -> None:
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    log = tmp_path / "access.log.2.gz"
    with gzip.open(log, "wb", compresslevel=1) as handle:
        handle.write(GOOD.encode())
        block = b"\0" * (1 << 20)
        for _ in range(40):  # 40 MiB without a newline: one line of a few KB on disk
            handle.write(block)
        handle.write(b"\n" + GOOD.encode())
    tally, peak = _ingest_traced(conn, log)
    assert (tally.lines, tally.accepted, dict(tally.malformed)) == (3, 2, {"unparsable": 1})
    assert peak < 24 << 20  # the 40 MiB line is never held whole
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).lines == 0  # read to its end


def test_a_gzip_log_with_damaged_deflate_data_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = _scanned_library(tmp_path)
    log = tmp_path / "access.log.3.gz"
    # a valid gzip header, then a deflate block of the reserved type 3: zlib refuses it
    log.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07\x00\x00\x00")
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith(f"mediatop: cannot read log {log}: ")
    assert "invalid block type" in err and err.count("\n") == 1


def test_a_json_log_format_with_a_bare_variable_before_its_closing_brace_is_read(
    tmp_path: Path,
) -> None:
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    log = tmp_path / "access.json.log"
    log.write_text(
        '{"time":"2024-10-10T13:55:36+00:00","ip":"198.51.100.23",'
        '"request":"GET /uploads/hero.jpg HTTP/1.1","status":200}\n'
    )
    # nginx's ${name} is one variable; in `$status}` the brace is the JSON's
    spec = '{"time":"$time_iso8601","ip":"$remote_addr","request":"$request","status":$status}'
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES, log_format=spec)
    assert (tally.lines, tally.accepted, dict(tally.malformed)) == (1, 1, {})


def test_a_renamed_log_given_by_a_relative_path_is_finished_before_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    monkeypatch.chdir(tmp_path)  # `mediatop ingest ROOT access.log` run beside the log
    Path("access.log").write_text(GOOD * 2)
    assert ingest_logs(conn, [Path("access.log")], url_prefixes=PREFIXES).accepted == 2
    Path("access.log").rename("access.log.1")
    with Path("access.log.1").open("a") as handle:
        handle.write(GOOD)  # nginx writes to the old file until it reopens its logs
    Path("access.log").write_text(GOOD)
    tally = ingest_logs(conn, [Path("access.log")], url_prefixes=PREFIXES)
    assert (tally.lines, tally.accepted) == (2, 2)


def test_a_pipe_given_as_the_log_is_refused_as_not_a_file_rather_than_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = _scanned_library(tmp_path)
    pipe = tmp_path / "access.log"
    os.mkfifo(pipe)
    capsys.readouterr()
    assert main(["ingest", str(root), str(pipe), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err == f"mediatop: {pipe} is a pipe or device, not a log file\n"


def test_import_commands_given_a_folder_or_a_pipe_say_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As `ingest` does: a path that exists yet is no file is not called missing."""
    root, db = _scanned_library(tmp_path)
    folder = tmp_path / "events"
    folder.mkdir()
    pipe = tmp_path / "events.jsonl"
    os.mkfifo(pipe)
    capsys.readouterr()
    assert main(["import-events", str(root), "--db", str(db), str(folder)]) == 2
    assert capsys.readouterr().err == f"mediatop: {folder} is a folder, not an events file\n"
    assert main(["import-events", str(root), "--db", str(db), str(pipe)]) == 2
    said = capsys.readouterr().err
    assert said == f"mediatop: {pipe} is a pipe or device, not an events file\n"
    assert main(["locations", "import", str(root), "--db", str(db), str(folder)]) == 2
    assert capsys.readouterr().err == f"mediatop: {folder} is a folder, not an export file\n"
    missing = tmp_path / "nothing.jsonl"
    assert main(["import-events", str(root), "--db", str(db), str(missing)]) == 2
    assert capsys.readouterr().err == f"mediatop: no such events file: {missing}\n"


def test_a_source_named_with_escape_codes_is_named_as_plain_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing, folder or unreadable source's name reaches the terminal made visible:
    an escape sequence in it must not act on the terminal."""
    root, db = _scanned_library(tmp_path)
    missing = tmp_path / "ev\x1b[31mred.jsonl"
    folder = tmp_path / "ex\x1b]0;title\x07port"
    folder.mkdir()
    damaged = tmp_path / "e\x1b[2Jv.jsonl.gz"
    damaged.write_bytes(gzip.compress(b'{"mediaId": 1}\n' * 50)[:-12] + b"\x00" * 12)
    capsys.readouterr()
    assert main(["import-events", str(root), "--db", str(db), str(missing)]) == 2
    said = capsys.readouterr().err
    assert said == f"mediatop: no such events file: {tmp_path}/ev\\x1b[31mred.jsonl\n"
    assert main(["locations", "import", str(root), "--db", str(db), str(folder)]) == 2
    said = capsys.readouterr().err
    assert (
        said == f"mediatop: {tmp_path}/ex\\x1b]0;title\\x07port is a folder, not an export file\n"
    )
    assert main(["import-events", str(root), "--db", str(db), str(damaged)]) == 1
    said = capsys.readouterr().err
    assert said.startswith(f"mediatop: cannot read events file {tmp_path}/e\\x1b[2Jv.jsonl.gz: ")
    assert said.count("e\\x1b[2Jv") == 1  # the reason does not repeat the name
    assert "\x1b" not in said


def test_a_plain_log_line_of_20_mib_is_one_unparsable_line_read_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", "0")  # read in this process, traced
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    log = tmp_path / "access.log"
    log.write_text(GOOD + _too_long_line() + GOOD)
    tally, peak = _ingest_traced(conn, log)
    assert (tally.lines, tally.accepted, dict(tally.malformed)) == (3, 2, {"unparsable": 1})
    assert peak < 8 << 20  # the 20 MiB line is never held whole


@pytest.mark.parametrize("workers", ["0", "2"])
def test_lines_after_a_too_long_plain_line_are_read_and_a_grown_log_resumes_after_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("MEDIATOP_INGEST_WORKERS", workers)
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    log = tmp_path / "access.log"
    log.write_text(GOOD + _too_long_line() + GOOD * 2)
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.lines, tally.accepted, dict(tally.malformed)) == (4, 3, {"unparsable": 1})
    with log.open("a") as handle:
        handle.write(GOOD * 2)
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.lines, tally.accepted, dict(tally.malformed)) == (2, 2, {})
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 5


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    tail=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
    piece=st.integers(1, 30),
)
def test_a_line_cutter_keeps_the_first_bytes_of_each_too_long_line_in_any_pieces(
    monkeypatch: pytest.MonkeyPatch, lines: list[bytes], tail: bytes, piece: int
) -> None:
    monkeypatch.setattr(reading, "MAX_LINE_BYTES", 8)
    data = b"".join(line + b"\n" for line in lines) + tail
    cutter = reading.LineCutter()
    fed = [cutter.feed(data[at : at + piece]) for at in range(0, len(data), piece)]
    assert b"".join(lines for lines, _ in fed) == b"".join(line[:8] + b"\n" for line in lines)
    assert sum(used for _, used in fed) == len(data) - len(tail)
    assert cutter.rest() == (tail[:8], len(tail))


def test_a_log_that_cannot_be_read_among_several_is_named_and_the_others_stay_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = _scanned_library(tmp_path)
    good = tmp_path / "access.log"
    good.write_text(GOOD * 2)
    damaged = tmp_path / "access\x1b[31m.log.3.gz"
    damaged.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07\x00\x00\x00")
    capsys.readouterr()
    assert main(["ingest", str(root), str(good), str(damaged), "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        f"mediatop: cannot read log {tmp_path}/access\\x1b[31m.log.3.gz: "
        "Error -3 while decompressing data: invalid block type\n"
    )
    assert count(connect(db), "SELECT count(*) FROM media_usage_events") == 2


def test_a_log_made_a_folder_while_others_are_read_is_named(tmp_path: Path) -> None:
    _root, db = _scanned_library(tmp_path)
    conn = connect(db)
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text(GOOD)
    second.write_text(GOOD)

    def replace_second(_tally: object) -> None:
        second.unlink()
        second.mkdir()

    with pytest.raises(SourceReadError) as raised:
        ingest_logs(conn, [first, second], url_prefixes=PREFIXES, on_batch=replace_second)
    assert str(raised.value) == f"cannot read log {second}: Is a directory"
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 1


def test_a_gzip_log_cut_off_mid_stream_stores_its_complete_lines_and_then_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = _scanned_library(tmp_path)
    whole = gzip.compress((GOOD * 4).encode(), compresslevel=0, mtime=0)
    log = tmp_path / "access.log.2.gz"
    # a stored deflate block: a 10-byte gzip header, 5 bytes of block header, then the
    # lines as they are; cut 40 bytes into the third line (`head -c`)
    log.write_bytes(whole[: 10 + 5 + 2 * len(GOOD) + 40])
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        f"mediatop: cannot read log {log}: the file ends early (its gzip data is cut off); "
        "its complete lines before the cut are stored\n"
    )
    conn = connect(db)
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 2
    log.write_bytes(whole)  # gzip has finished writing it: the broken line comes whole
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.lines, tally.accepted) == (2, 2)
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 4
