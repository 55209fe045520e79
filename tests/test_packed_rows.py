"""A first scan's packed rows: stored exactly as the same rows bound one by one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mediatop.store import connect
from mediatop.store.files import (
    NewRow,
    insert_new,
    insert_packed,
    pack_new_rows,
    packed_rows_attached,
)

NOW = 1_700_000_000

ROWS: list[NewRow] = [
    # path, group, variant, kind, mime, ext, size, mtime_ns, inode, uploaded, source, probe?
    (b"2024/05/a.jpg", b"2024/05/a.jpg", None, "image", "image/jpeg", ".jpg", 10, 5, 7,
     1714521600, "path", True),
    (b"2024/05/a-300x200.jpg", b"2024/05/a.jpg", "300x200", "image", "image/jpeg", ".jpg", 4,
     6, 8, 1714521600, "path", True),
    (b"notes/caf\xe9.txt", b"notes/caf\xe9.txt", None, "document", "text/plain", ".txt", 3, 9,
     None, 1, "mtime", False),
    (b"z@2x.png", b"z.png", "@2x", "image", "image/png", ".png", 2, 2, 2, NOW, "first_seen",
     True),
]  # fmt: skip


def _stored(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT id, path, group_path, variant, kind, mime, ext, size, mtime_ns, inode, "
        "uploaded_at, uploaded_source, probed_at, first_seen, deleted_at FROM media_files "
        "ORDER BY id"
    ).fetchall()


def test_packed_rows_are_stored_as_bound_rows_are_in_the_same_order(tmp_path: Path) -> None:
    bound = connect(tmp_path / "bound.sqlite3")
    with bound:
        insert_new(bound, ROWS, NOW)
    packed = connect(tmp_path / "packed.sqlite3")
    with packed_rows_attached(packed), packed:
        insert_packed(packed, pack_new_rows(ROWS[:3]), NOW)
        insert_packed(packed, pack_new_rows(ROWS[3:]), NOW)
        insert_packed(packed, pack_new_rows([]), NOW)
    assert _stored(packed) == _stored(bound)
    first = _stored(packed)[0]
    assert first[1:4] == (b"2024/05/a.jpg", b"2024/05/a.jpg", None)
    # Worked by hand: a file with something to probe waits for it, the others do not.
    assert [row[12] for row in _stored(packed)] == [None, None, NOW, None]
    assert [row[0] for row in _stored(packed)] == [1, 2, 3, 4]
    # Paths are bound as bytearrays where they are packed (sqlite3 adapts bytes slowly):
    # still BLOBs, as bound bytes are.
    types = "SELECT DISTINCT typeof(path), typeof(group_path) FROM media_files"
    assert packed.execute(types).fetchall() == bound.execute(types).fetchall() == [("blob", "blob")]
