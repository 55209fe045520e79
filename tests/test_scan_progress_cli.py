"""The default `mediatop scan ROOT`'s progress on stderr, as the whole command runs.

On a terminal (a real pty as stderr) the scan keeps one self-overwriting line: the
files walked, then the files probed of all it has to probe, cleared before the summary.
Into a pipe or a log only the summary is written. stdout carries no progress either way.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from pty_support import read_drawn

SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
# sample_media/ holds 60 files; 6 have nothing to probe (brand-assets.zip,
# product-feed.json, readme.txt, release-notes.txt, price-list-2025.docx,
# newsletter-subscribers.csv), so 60 - 6 = 54 are probed.
FILES, PROBED = 60, 54
SUMMARY = (
    f"{FILES} files: {FILES} new, 0 changed, 0 deleted, 0 unchanged; "
    f"probed {PROBED} (0 with errors) in "
)


def _scan_command(tmp_path: Path) -> list[str]:
    store = tmp_path / "store.sqlite3"
    return [sys.executable, "-m", "mediatop", "scan", str(SAMPLE_MEDIA), "--db", str(store)]


def test_a_first_scan_on_a_terminal_shows_files_walked_then_probed_of_all(
    tmp_path: Path,
) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        _scan_command(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=follower, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    try:
        stderr = read_drawn(leader, 120, b" s\r\n")  # until the summary's "in 1.23 s"
        stdout, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 0
    assert stdout == b""
    lines = [line for line in stderr.decode().split("\r\x1b[K") if line]
    # The walk's counts up to its whole count, then "probed 0 of 54" before the first
    # probe returns, up to the last batch's "54 of 54"; each drawn over the one before.
    walked = [line for line in lines if line.startswith("walked ")]
    assert walked and lines[: len(walked)] == walked
    assert walked[-1] == f"walked {FILES} files"
    probed = [line for line in lines if line.startswith("probed ") and " of " in line]
    assert lines[len(walked) : len(walked) + len(probed)] == probed
    assert probed[0] == f"probed 0 of {PROBED} files"
    assert probed[-1] == f"probed {PROBED} of {PROBED} files"
    counts = [int(re.match(r"probed (\d+) of", line).group(1)) for line in probed]  # type: ignore[union-attr]
    assert counts == sorted(counts)
    # The line is cleared, then the summary is printed on a line of its own.
    assert lines[-1].startswith(SUMMARY) and lines[-1].endswith(" s\r\n")


def test_a_scan_into_a_pipe_writes_the_summary_alone(tmp_path: Path) -> None:
    done = subprocess.run(
        _scan_command(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, timeout=120
    )
    assert done.returncode == 0
    assert done.stdout == b""
    stderr = done.stderr.decode()
    assert "\r" not in stderr and "\x1b" not in stderr
    assert stderr.startswith(SUMMARY) and stderr.count("\n") == 1


def test_an_empty_root_is_refused_not_taken_for_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("not media")
    store = tmp_path / "store.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "mediatop", "scan", "", "--db", str(store)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "argument ROOT: is empty: name the media folder" in done.stderr
    assert not store.exists()


def test_the_summary_says_how_many_symlinks_were_skipped(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.txt").write_text("a")
    (root / "outside.jpg").symlink_to("/etc/hostname")
    (root / "etc").symlink_to("/etc")
    done = subprocess.run(
        [sys.executable, "-m", "mediatop", "scan", str(root), "--db", str(tmp_path / "s.db")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stderr.startswith("1 files: 1 new,")
    assert done.stderr.rstrip().endswith("; 2 symlinks skipped")


def test_a_missing_root_whose_name_is_not_utf8_is_named_as_file_names_are(
    tmp_path: Path,
) -> None:
    missing = os.fsencode(tmp_path) + b"/bad\xffroot"
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"mediatop", b"scan", missing],
        capture_output=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == b"mediatop: media root " + missing.replace(b"\xff", b"\\xff") + (
        b" is not a directory\n"
    )
