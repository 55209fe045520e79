"""A file with nothing to probe costs nothing at probe time: no probe task, no write.

Real trees in a tmp dir and a real store; the statements the scan runs are counted with
`conn.set_trace_callback`, and whether probing started at all with the scan's progress
(the "probing" phase is posted by the pool as it hands back results).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from media_factory import photo
from mediatop.kinds import BY_BYTES_EXTENSION, Kind
from mediatop.model import ProbeResult
from mediatop.scan import ScanProgress, rescan_dirs, scan_root
from mediatop.scan.probe import probe_one
from mediatop.store import connect
from mediatop.store import files as file_store
from mediatop.store.queries.library import counts_by_kind

FOLDERS = 30
TEXTS_PER_FOLDER = 100
SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "store.sqlite3")


def _text_tree(root: Path) -> int:
    """FOLDERS folders of TEXTS_PER_FOLDER small .txt files; returns how many files.
    3,000 entries: enough for a full scan to build its rows in forked walkers."""
    for folder in range(FOLDERS):
        directory = root / f"d{folder}"
        directory.mkdir(parents=True)
        for number in range(TEXTS_PER_FOLDER):
            (directory / f"note{number}.txt").write_text(f"note {number}")
    return FOLDERS * TEXTS_PER_FOLDER


def _statements(conn: sqlite3.Connection) -> list[str]:
    """Every statement `conn` runs from now on (one entry per row of an executemany)."""
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    return seen


def _probe_updates(statements: list[str]) -> list[str]:
    # save_probes is the only statement that sets probe_error to a bound value.
    return [s for s in statements if s.startswith("UPDATE media_files") and "probe_error = ?" in s]


def _not_yet_probed(conn: sqlite3.Connection) -> int:
    return sum(row[4] for row in counts_by_kind(conn))


def test_a_first_scan_of_text_files_runs_no_probe_and_writes_no_probe(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "texts"
    count = _text_tree(root)  # 30 folders x 100 files = 3,000 .txt files
    phases: list[ScanProgress] = []
    statements = _statements(conn)
    summary = scan_root(conn, root, workers=2, progress=phases.append)
    conn.set_trace_callback(None)
    assert summary.new == count == 3_000
    # Nothing was probed, so no probing was ever under way and no probe result written.
    assert summary.probed == 0 and summary.probe_errors == 0
    assert [p for p in phases if p.phase == "probing"] == []
    assert _probe_updates(statements) == []
    # Yet none of them waits for a probe: each was stored with its probed_at.
    unstamped = conn.execute("SELECT count(*) FROM media_files WHERE probed_at IS NULL")
    assert unstamped.fetchone() == (0,)
    assert file_store.unprobed(conn) == []
    assert _not_yet_probed(conn) == 0


def test_a_changed_text_file_stays_not_pending_without_a_probe(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "texts"
    _text_tree(root)
    scan_root(conn, root, workers=1, now=1_700_000_000)
    changed = root / "d2" / "note7.txt"
    changed.write_text("a longer note than before")
    os.utime(changed, ns=(1_800_000_000 * 10**9, 1_800_000_000 * 10**9))
    statements = _statements(conn)
    summary = scan_root(conn, root, workers=1, now=1_800_000_000)
    conn.set_trace_callback(None)
    assert (summary.changed, summary.probed) == (1, 0)
    assert _probe_updates(statements) == []
    probed_at = conn.execute(
        "SELECT probed_at FROM media_files WHERE path = ?", (b"d2/note7.txt",)
    ).fetchone()
    assert probed_at == (1_800_000_000,)  # stamped by the scan that saw the change
    assert file_store.unprobed(conn) == []


def test_a_watched_change_to_a_text_file_stays_not_pending(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "texts"
    _text_tree(root)
    scan_root(conn, root, workers=1, now=1_700_000_000)
    (root / "d1" / "new.csv").write_text("a,b\n1,2\n")
    (root / "d1" / "note3.txt").write_text("rewritten, longer than it was")
    statements = _statements(conn)
    summary = rescan_dirs(conn, root, [b"d1"], now=1_800_000_000)
    conn.set_trace_callback(None)
    assert (summary.new, summary.changed, summary.probed) == (1, 1, 0)
    assert _probe_updates(statements) == []
    assert file_store.unprobed(conn) == []


def test_without_probes_only_files_with_a_prober_are_not_yet_probed(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "mixed"
    photo(root / "a.jpg", 16, 16)
    shutil.copy(next(SAMPLE_MEDIA.rglob("*.pdf")), root / "b.PDF")
    for name in ("c.txt", "d.docx", "e.xyz", "f"):
        (root / name).write_bytes(b"12345")
    scan_root(conn, root, probe=False)
    # a.jpg (an image) and b.PDF (a PDF, whatever the case of its extension) wait for a
    # probe; c.txt and d.docx (documents that are not PDFs), e.xyz and f (other) do not.
    assert sorted(path for _, path, _ in file_store.unprobed(conn)) == [b"a.jpg", b"b.PDF"]
    assert _not_yet_probed(conn) == 2
    summary = scan_root(conn, root)
    assert summary.probed == 2


def test_sample_media_probes_every_file_but_its_six_with_nothing_to_probe(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "media"
    shutil.copytree(SAMPLE_MEDIA, root)
    summary = scan_root(conn, root, workers=2)
    # sample_media has 60 files. Nothing to probe in 6 of them: the documents that are
    # not PDFs (2 .txt, 1 .csv, 1 .docx) and the "other" files (1 .json, 1 .zip).
    # The other 54 (images, audio, video, 5 PDFs) are probed: 60 - 6 = 54.
    assert summary.files_present == 60
    assert summary.probed == 54
    assert _not_yet_probed(conn) == 0


def test_a_store_with_old_unstamped_rows_stamps_them_without_a_probe(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    root = tmp_path / "texts"
    _text_tree(root)
    photo(root / "p.png", 8, 8)
    scan_root(conn, root, probe=False)
    # A store written before files with nothing to probe were stamped as they were found.
    conn.execute("UPDATE media_files SET probed_at = NULL")
    phases: list[ScanProgress] = []
    summary = scan_root(conn, root, workers=1, progress=phases.append)
    assert summary.probed == 1  # p.png only; the 3,000 .txt files are stamped, not probed
    probing = [p for p in phases if p.phase == "probing"]
    assert probing and all(p.total == 1 for p in probing)
    assert file_store.unprobed(conn) == []
    assert _not_yet_probed(conn) == 0


def test_the_prober_rule_matches_what_probe_one_reads() -> None:
    from mediatop.kinds import has_prober

    assert has_prober(Kind.IMAGE, ".svg") and has_prober(Kind.AUDIO, ".flac")
    assert has_prober(Kind.VIDEO, ".webm") and has_prober(Kind.DOCUMENT, ".pdf")
    assert not has_prober(Kind.DOCUMENT, ".txt") and not has_prober(Kind.DOCUMENT, ".docx")
    assert not has_prober(Kind.OTHER, ".pdf")  # unreachable from a name, but the rule says so
    assert not has_prober(Kind.OTHER, "")
    for ext, (kind, _, ext_text) in BY_BYTES_EXTENSION.items():
        if not has_prober(kind, ext_text):
            # probe_one never even opens such a file: a path that does not exist is fine.
            assert probe_one(b"/nonexistent/x" + ext, kind, 5) == ProbeResult()
