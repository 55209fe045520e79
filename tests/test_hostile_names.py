"""Hostile file names: stored losslessly, shown literally with control characters visible."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pty
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_factory import write_bytes_name
from mediatop.cli import main
from mediatop.scan import scan_root
from mediatop.store import connect
from mediatop.textsafe import visible, visible_path

HOSTILE_NAMES = {
    "markup click": (b"[@click=app.quit]x.jpg", "[@click=app.quit]x.jpg"),
    "markup link": (b"[link=javascript:x]a.png", "[link=javascript:x]a.png"),
    "osc 52 escape": (b"\x1b]52;c;aGVsbG8=\x07.jpg", "\\x1b]52;c;aGVsbG8=\\x07.jpg"),
    "right-to-left override": ("invoice\u202egpj.exe".encode(), "invoice\\u202egpj.exe"),
    "newline": (b"two\nlines.pdf", "two\\nlines.pdf"),
    "not utf-8": (b"caf\xe9-\xff.jpg", "caf\\xe9-\\xff.jpg"),
}


@pytest.fixture
def hostile_library(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    root.mkdir()
    for raw, _ in HOSTILE_NAMES.values():
        write_bytes_name(root, raw)
    return root


def test_hostile_names_are_stored_as_their_exact_bytes(
    hostile_library: Path, tmp_path: Path
) -> None:
    conn = connect(tmp_path / "s.sqlite3")
    summary = scan_root(conn, hostile_library)
    stored = {bytes(p) for (p,) in conn.execute("SELECT path FROM media_files")}
    assert summary.files_present == len(HOSTILE_NAMES)
    assert stored == {raw for raw, _ in HOSTILE_NAMES.values()}


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_hostile_name_is_shown_literally_with_controls_visible(case: str) -> None:
    raw, shown = HOSTILE_NAMES[case]
    assert visible_path(raw) == shown


def test_json_report_keeps_non_utf8_names_losslessly(
    hostile_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.sqlite3")
    assert main(["scan", str(hostile_library), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    from mediatop.analytics.context import ReportContext
    from mediatop.analytics.jsonable import to_jsonable
    from mediatop.analytics.library.lookup import largest_files
    from mediatop.config import load_settings
    from mediatop.timerange import parse_range

    settings = load_settings(hostile_library, db=db)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    ctx = ReportContext(connect(settings.db_path), settings, parse_range("all", now=now), now)
    names = [f["path"] for f in to_jsonable(largest_files(ctx, 20))]
    decoded = json.loads(json.dumps(names))
    assert {os.fsencode(n) for n in decoded} == {raw for raw, _ in HOSTILE_NAMES.values()}


@given(st.text())
def test_visible_text_never_contains_control_or_bidi_characters(text: str) -> None:
    shown = visible(text)
    hidden = ("Cc", "Cf", "Cs", "Zl", "Zp")
    assert not any(unicodedata.category(ch) in hidden for ch in shown)


@given(st.binary(min_size=1, max_size=40))
def test_any_byte_name_round_trips_through_the_display_decoding(raw: bytes) -> None:
    assert os.fsencode(os.fsdecode(raw)) == raw
    assert "\x1b" not in visible_path(raw)


def _csv_report(root: Path, db: str, *, stdout: int | None = None) -> subprocess.Popen[bytes]:
    """`mediatop report usage --csv` in a process of its own, as a user runs it, with a
    strict UTF-8 stdout (what a server's en_US.UTF-8 locale gives Python)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "mediatop", "report", "usage", str(root), "--db", db]
    return subprocess.Popen(
        [*command, "--csv"],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        env=env,
    )


def test_csv_written_to_a_file_keeps_every_name_byte_for_byte(
    hostile_library: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "s.sqlite3")
    assert main(["scan", str(hostile_library), "--db", db, "--quiet"]) == 0
    process = _csv_report(hostile_library, db)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode(errors="replace")
    names = {os.fsencode(row["filename"]) for row in csv.DictReader(
        io.StringIO(out.decode("utf-8", "surrogateescape"), newline="")
    )}  # fmt: skip
    assert names == {raw for raw, _ in HOSTILE_NAMES.values()}


def test_csv_shown_on_a_terminal_makes_controls_visible(
    hostile_library: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "s.sqlite3")
    assert main(["scan", str(hostile_library), "--db", db, "--quiet"]) == 0
    leader, follower = pty.openpty()
    try:
        process = _csv_report(hostile_library, db, stdout=follower)
        os.close(follower)
        shown = bytearray()
        with contextlib.suppress(OSError):  # EIO once the process has closed its end
            while chunk := os.read(leader, 65536):
                shown += chunk
        assert process.wait(timeout=60) == 0, process.stderr and process.stderr.read()
    finally:
        os.close(leader)
    for raw in (b"\x1b", b"\x07", "\u202e".encode(), b"\xff"):
        assert raw not in shown
    text = shown.decode("utf-8")
    for _, visible_name in HOSTILE_NAMES.values():
        assert visible_name in text
