"""A store probed before images were measured as shown (migration 0047): the next scan
probes its images again, so a photo turned by EXIF gets the width a browser shows."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from media_factory import photo
from mediatop.cli import main
from mediatop.store import connect
from migration_support import UNDO_0048


def _sizes(db: Path) -> list[tuple[str, int, int, dict[str, int]]]:
    conn = connect(db, readonly=True)
    try:
        rows = conn.execute("SELECT path, width, height, meta FROM media_files ORDER BY path")
        return [(bytes(p).decode(), w, h, json.loads(m or "{}")) for p, w, h, m in rows]
    finally:
        conn.close()


def test_images_probed_before_0047_are_probed_again_as_shown(tmp_path: Path) -> None:
    root, db = tmp_path / "media", tmp_path / "store.sqlite3"
    root.mkdir()
    turned = photo(root / "upright.jpg", 800, 600)  # stored 800x600, orientation 6
    exif = Image.Exif()
    exif[0x0112] = 6
    with Image.open(turned) as im:
        im.load()
        im.save(turned, "JPEG", exif=exif.tobytes())
    photo(root / "plain.jpg", 640, 480)
    assert main(["scan", str(root), "--db", str(db), "--quiet"]) == 0
    shown = [("plain.jpg", 640, 480, {}), ("upright.jpg", 600, 800, {"orientation": 6})]
    assert _sizes(db) == shown
    # The store as an older mediatop left it: the stored size, no orientation, version 46.
    conn = connect(db)
    conn.execute(
        "UPDATE media_files SET width = 800, height = 600, meta = '{}' "
        "WHERE path = CAST('upright.jpg' AS BLOB)"
    )
    conn.executescript(UNDO_0048 + "PRAGMA user_version = 46")
    conn.close()
    assert _sizes(db)[1] == ("upright.jpg", 800, 600, {})  # opening migrated it: nothing read
    assert main(["scan", str(root), "--db", str(db), "--quiet"]) == 0
    assert _sizes(db) == shown
