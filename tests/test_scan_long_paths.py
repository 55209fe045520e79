"""A file or folder whose path is too long to store (PostgreSQL's btree entries hold at
most 2704 bytes; Linux allows 4096) is left out of the scan with an error on either
store, and the rest of the library is stored: the scan failed as a whole on PostgreSQL."""

from __future__ import annotations

import random
import string
from pathlib import Path

from mediatop.scan import scan_root
from mediatop.store import connect


def _name(seed: int, length: int = 200) -> str:
    """A folder or file name of `length` letters that PostgreSQL cannot compress away."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters) for _ in range(length))


def test_paths_too_long_to_store_are_left_out_with_an_error(tmp_path: Path, store_url: str) -> None:
    root = tmp_path / "uploads"
    deep = root.joinpath(*(_name(n) for n in range(13)))  # 13 × 200 letters + 12 slashes
    deep.mkdir(parents=True)
    (deep / (_name(99) + ".jpg")).write_bytes(b"x")  # 2,817 bytes below the root
    tenth = root.joinpath(*(_name(n) for n in range(10)))  # 2,009 bytes
    (tenth / "keep.jpg").write_bytes(b"x")  # 2,018 bytes: stored
    (tenth / (_name(98, 250) + ".jpg")).write_bytes(b"x")  # 2,264 bytes: left out
    (root / "ok.jpg").write_bytes(b"x")
    conn = connect(store_url)
    summary = scan_root(conn, root, workers=1, probe=False)
    stored = [bytes(row[0]) for row in conn.execute("SELECT path FROM media_files")]
    conn.close()
    kept = "/".join(_name(n) for n in range(10)).encode() + b"/keep.jpg"
    assert sorted(stored) == sorted([b"ok.jpg", kept])
    # the eleventh folder (2,210 bytes) is not entered; the long name in the tenth is skipped
    assert len(summary.walk_errors) == 2
    assert all("path too long to store" in error for error in summary.walk_errors)
    assert any(f"{_name(10)}: path too long to store (2210 bytes" in e for e in summary.walk_errors)
    assert any(f"{_name(98, 250)}.jpg: path too long to store (2264 bytes" in e
               for e in summary.walk_errors)  # fmt: skip
