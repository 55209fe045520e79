"""The forked walk and the first scan's deferred indexes: same results, nothing left behind.

The tree is big enough (10,000 files in 276 directories) for the walk to fork, and the
tests check that it did.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mediatop.errors import WalkWorkerError
from mediatop.scan import rescan_dirs, scan_root
from mediatop.scan.scanner import ScanProgress
from mediatop.scan.walk import DirListing, walk_tree
from mediatop.scan.walk_forked import map_directories
from mediatop.store import connect
from mediatop.store.files import insert_new
from mediatop.workers.forked import fork_is_safe

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the forked walk needs fork")

NON_UTF8 = b"caf\xe9-menu.jpg"


@pytest.fixture
def no_walkers_left() -> Any:
    """Asserts that no process forked during the test is left, running or as a zombie."""
    before = _children_of_this_process()
    return lambda: _children_of_this_process() <= before


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("walk")
    root = base / "uploads"
    for year in range(25):
        for month in range(1, 11):
            folder = root / f"{2000 + year}" / f"{month:02d}"
            folder.mkdir(parents=True)
            for index in range(40):
                extension = (".jpg", ".png", ".mp4", ".pdf")[index % 4]
                suffix = "-300x200" if index % 7 == 0 else ""
                (folder / f"file-{index}{suffix}{extension}").write_bytes(b"x" * index)
    (root / "quarantine" / "old").mkdir(parents=True)
    (root / "quarantine" / "old" / "kept-out.jpg").write_bytes(b"q")
    with open(os.path.join(os.fsencode(root / "2003" / "04"), NON_UTF8), "wb") as handle:
        handle.write(b"menu")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"s")
    os.symlink(outside, root / "2010" / "escape")
    os.symlink(outside / "secret.jpg", root / "2011" / "05" / "link.jpg")
    return root


def _children_of_this_process() -> set[int]:
    """Pids (zombies included) whose parent is this process, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(int(entry))
    return found


def _as_comparable(listing: DirListing) -> tuple[Any, ...]:
    files = sorted(
        (name, listing.stats[3 * i], listing.stats[3 * i + 1], listing.stats[3 * i + 2])
        for i, name in enumerate(listing.names)
    )
    return (
        listing.rel_dir,
        tuple(files),
        tuple(sorted(listing.subdirs)),
        listing.symlinks_skipped,
        tuple(listing.errors),
    )


def _attached(conn: sqlite3.Connection) -> list[str]:
    """The databases open on `conn` (but "temp", SQLite's own)."""
    return [name for _, name, _ in conn.execute("PRAGMA database_list") if name != "temp"]


def _with_pid(listing: DirListing) -> tuple[int, DirListing]:
    return os.getpid(), listing


def _forked_walk(root: bytes, **options: Any) -> list[DirListing]:
    results = list(map_directories(root, _with_pid, **options))
    assert {pid for pid, _ in results} - {os.getpid()}, "the walk did not fork"
    return [listing for _, listing in results]


def test_forked_walk_lists_exactly_what_the_serial_walk_lists(
    tree: Path, no_walkers_left: Any
) -> None:
    root = os.fsencode(tree)
    forked = _forked_walk(root, processes=2)
    serial = list(walk_tree(root))
    assert sorted(map(_as_comparable, forked)) == sorted(map(_as_comparable, serial))
    by_dir = {listing.rel_dir: listing for listing in forked}
    assert NON_UTF8 in by_dir[b"2003/04"].names
    assert by_dir[b"2010"].symlinks_skipped == 1
    assert by_dir[b"2011/05"].symlinks_skipped == 1
    assert no_walkers_left()


def test_forked_walk_does_not_enter_skipped_directories(tree: Path) -> None:
    root = os.fsencode(tree)
    skip = frozenset({b"quarantine", b"2020/03"})
    forked = _forked_walk(root, processes=2, skip=skip)
    serial = list(walk_tree(root, skip=skip))
    assert sorted(map(_as_comparable, forked)) == sorted(map(_as_comparable, serial))
    walked = {listing.rel_dir for listing in forked}
    assert not walked & {b"quarantine", b"quarantine/old", b"2020/03"}
    assert b"2020/04" in walked


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a directory whatever its mode")
def test_an_unreadable_directory_is_an_error_of_that_directory(tree: Path) -> None:
    locked = tree / "2015" / "06"
    locked.chmod(0)
    try:
        forked = _forked_walk(os.fsencode(tree), processes=2)
    finally:
        locked.chmod(0o755)
    errors = {listing.rel_dir: listing.errors for listing in forked}
    assert errors[b"2015/06"] and not errors[b"2015/05"]


def test_stopping_early_stops_and_reaps_every_walker(tree: Path, no_walkers_left: Any) -> None:
    walk = map_directories(os.fsencode(tree), _with_pid, processes=2)
    for pid, _ in walk:
        if pid != os.getpid():
            break
    walk.close()
    assert no_walkers_left()


def _die_in_child(listing: DirListing) -> DirListing:
    if listing.names and os.getpid() != PARENT_PID:
        os._exit(3)
    return listing


def _fail_in_child(listing: DirListing) -> DirListing:
    if listing.names and os.getpid() != PARENT_PID:
        raise ValueError("examine broke")
    return listing


PARENT_PID = os.getpid()


def test_a_walker_that_dies_is_an_error_not_a_hang(tree: Path, no_walkers_left: Any) -> None:
    with pytest.raises(WalkWorkerError, match="died"):
        list(map_directories(os.fsencode(tree), _die_in_child, processes=2))
    with pytest.raises(WalkWorkerError, match="examine broke"):
        list(map_directories(os.fsencode(tree), _fail_in_child, processes=2))
    assert no_walkers_left()


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return set(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


def _files(conn: sqlite3.Connection) -> set[tuple[Any, ...]]:
    return set(
        conn.execute(
            "SELECT path, group_path, variant, kind, mime, ext, size, mtime_ns, inode, "
            "uploaded_at, uploaded_source, deleted_at FROM media_files WHERE path != ?",
            (b"zz-sentinel.jpg",),
        )
    )


def test_first_scan_with_deferred_indexes_stores_the_same_rows_and_indexes(
    tree: Path, tmp_path: Path, no_walkers_left: Any
) -> None:
    deferred = connect(tmp_path / "deferred.sqlite3")
    schema_before = _schema(deferred)
    # A store that already holds a row keeps its indexes during the scan.
    kept = connect(tmp_path / "kept.sqlite3")
    insert_new(
        kept,
        [
            (
                b"zz-sentinel.jpg",
                b"zz-sentinel.jpg",
                None,
                "image",
                "x",
                ".jpg",
                1,
                1,
                1,
                1,
                "path",
                True,
            )
        ],
        1,
    )
    assert fork_is_safe(), "a first scan packs its rows in the walkers only then"
    first = scan_root(deferred, tree, probe=False, now=1_700_000_000)
    scan_root(kept, tree, probe=False, now=1_700_000_000)
    assert first.new == 10_002 and first.symlinks_skipped == 2
    assert _schema(deferred) == schema_before == _schema(kept)
    assert _files(deferred) == _files(kept)
    assert deferred.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    paths = {bytes(path) for (path,) in deferred.execute("SELECT path FROM media_files")}
    assert b"2003/04/" + NON_UTF8 in paths
    # The rows came packed from the walkers, through a database attached for the scan.
    assert _attached(deferred) == _attached(kept) == ["main"]
    # Each directory's files have consecutive ids in path order, originals and generated
    # sizes alike, as when they were bound row by row.
    by_dir: dict[bytes, list[tuple[int, bytes]]] = {}
    for file_id, path in deferred.execute("SELECT id, path FROM media_files"):
        by_dir.setdefault(os.path.dirname(bytes(path)), []).append((file_id, bytes(path)))
    for in_dir in by_dir.values():
        by_id = sorted(in_dir)
        assert [path for _, path in by_id] == sorted(path for _, path in in_dir)
        assert by_id[-1][0] - by_id[0][0] == len(by_id) - 1
    assert no_walkers_left()


def test_a_scan_interrupted_by_an_exception_leaves_the_store_as_it_was(
    tree: Path, tmp_path: Path, no_walkers_left: Any
) -> None:
    conn = connect(tmp_path / "store.sqlite3")
    schema_before = _schema(conn)

    def interrupt(progress: ScanProgress) -> None:
        if progress.phase == "walking":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan_root(conn, tree, probe=False, progress=interrupt)
    assert no_walkers_left()
    assert _attached(conn) == ["main"]
    assert _schema(conn) == schema_before
    for table in ("media_files", "scan_dirs", "store_meta"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    # The same store scans fine afterwards.
    assert scan_root(conn, tree, probe=False).new == 10_002


def test_forked_rescan_finds_exactly_the_changes_deep_in_the_tree(
    tree: Path, tmp_path: Path, no_walkers_left: Any
) -> None:
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, tree, probe=False)
    unchanged = scan_root(conn, tree, probe=False)
    assert (unchanged.new, unchanged.changed, unchanged.deleted) == (0, 0, 0)
    assert unchanged.files_present == 10_002 and unchanged.symlinks_skipped == 2
    changed = tree / "2024" / "10" / "file-3.pdf"
    added = tree / "2022" / "09" / "new.jpg"
    removed = tree / "2001" / "02" / "file-5.png"
    original = changed.read_bytes(), removed.read_bytes()
    try:
        changed.write_bytes(b"longer than before")
        added.write_bytes(b"n")
        removed.unlink()
        summary = scan_root(conn, tree, probe=False)
    finally:
        changed.write_bytes(original[0])
        added.unlink()
        removed.write_bytes(original[1])
    assert (summary.new, summary.changed, summary.deleted) == (1, 1, 1)
    assert summary.files_present == 10_002
    assert no_walkers_left()
    # The watcher's path stays in-process and still works on the forked scan's store.
    assert rescan_dirs(conn, tree, [b"2001/02"], probe=False).changed == 1
