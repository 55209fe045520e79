"""Real trees for the cleanup tests: old files (so they look unused), a scanned store, and
a snapshot of every file's bytes and mtime to compare a tree with after an undo."""

from __future__ import annotations

import os
from pathlib import Path

from mediatop.config import Settings
from mediatop.library import MediaLibrary

# 2020-01-01 00:00 UTC: years before any "unused" window, so every file is a candidate.
OLD_NS = 1_577_836_800 * 10**9


def write_tree(root: Path, files: dict[bytes, bytes]) -> None:
    """Write each file (paths as bytes, so names need not be UTF-8) with an old mtime."""
    for relative, content in files.items():
        path = os.path.join(os.fsencode(root), relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
        os.utime(path, ns=(OLD_NS, OLD_NS))


def scanned_library(
    tmp_path: Path, files: dict[bytes, bytes], db: Path | None = None
) -> MediaLibrary:
    """A library on `tmp_path/media` holding `files`, scanned (no probes) into its store."""
    root = tmp_path / "media"
    root.mkdir()
    write_tree(root, files)
    library = MediaLibrary(Settings(root=root, db_path=db or tmp_path / "store.sqlite3"))
    library.scan(probe=False)
    return library


def snapshot(root: Path) -> dict[bytes, tuple[bytes, int]]:
    """Every regular file under `root`: relative path -> (content, mtime_ns)."""
    found = {}
    base = os.fsencode(root)
    for folder, _dirs, names in os.walk(base):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                continue
            with open(path, "rb") as handle:
                found[os.path.relpath(path, base)] = (handle.read(), os.stat(path).st_mtime_ns)
    return found
