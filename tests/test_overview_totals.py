"""`mediatop report overview --json` agrees with find and du on the sample library."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from media_factory import SAMPLE_MEDIA
from mediatop.cli import main


def _find_totals(root: Path) -> tuple[int, int]:
    sizes = subprocess.run(
        ["find", str(root), "-type", "f", "-printf", "%s\\n"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return len(sizes), sum(int(s) for s in sizes)


def _du_file_bytes(root: Path) -> int:
    """Sum of du's apparent sizes over regular files only (du -ab also lists folders)."""
    lines = subprocess.run(
        ["du", "-ab", str(root)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return sum(
        int(size) for size, path in (line.split("\t", 1) for line in lines) if Path(path).is_file()
    )


def test_scan_then_overview_matches_find_and_du(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "store.sqlite3")
    assert main(["scan", str(SAMPLE_MEDIA), "--db", db, "--quiet"]) == 0
    assert main(["report", "overview", str(SAMPLE_MEDIA), "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    count, size = _find_totals(SAMPLE_MEDIA)
    assert report["totalFiles"] == count
    assert report["totalSize"] == size == _du_file_bytes(SAMPLE_MEDIA)
    assert report["storageUsed"] == size
    assert sum(t["count"] for t in report["byType"]) == count


def test_scanning_the_sample_library_never_modifies_it(tmp_path: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in SAMPLE_MEDIA.rglob("*")}
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE_MEDIA, copy)
    main(["scan", str(SAMPLE_MEDIA), "--db", str(tmp_path / "s.db"), "--quiet"])
    assert {p: p.stat().st_mtime_ns for p in SAMPLE_MEDIA.rglob("*")} == before
