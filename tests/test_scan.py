"""The scanner: records every file, rescans incrementally, marks disappearances."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from media_factory import photo, wav
from mediatop.scan import ScanProgress, rescan_dirs, scan_root
from mediatop.scan.scanner import probe_pending
from mediatop.scan.walk import inside_root, list_dir
from mediatop.store import connect


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    photo(root / "2024" / "03" / "hero.jpg", 640, 400)
    photo(root / "2024" / "03" / "hero-300x200.jpg", 300, 200)
    photo(root / "2025" / "01" / "logo.png", 64, 64)
    wav(root / "2025" / "01" / "chime.wav", 0.5)
    (root / "docs").mkdir()
    (root / "docs" / "notes.txt").write_text("hello")
    return root


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "store.sqlite3")


def _rows(conn: sqlite3.Connection) -> dict[bytes, tuple]:
    return {
        bytes(r[0]): r[1:]
        for r in conn.execute("SELECT path, kind, size, deleted_at, probed_at FROM media_files")
    }


def test_first_scan_records_every_file_with_its_kind_and_size(
    library: Path, conn: sqlite3.Connection
) -> None:
    summary = scan_root(conn, library, now=1_700_000_000)
    rows = _rows(conn)
    assert summary.new == 5 and summary.files_present == 5
    assert rows[b"2024/03/hero.jpg"][0] == "image"
    assert rows[b"2025/01/chime.wav"][0] == "audio"
    assert rows[b"docs/notes.txt"][:2] == ("document", 5)
    assert all(r[2] is None and r[3] is not None for r in rows.values())


def test_rescan_of_an_unchanged_tree_probes_nothing(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library)
    again = scan_root(conn, library)
    assert (again.new, again.changed, again.deleted, again.probed) == (0, 0, 0, 0)
    assert again.unchanged == 5


def test_changed_file_is_probed_again_and_only_it(library: Path, conn: sqlite3.Connection) -> None:
    scan_root(conn, library)
    photo(library / "2025" / "01" / "logo.png", 128, 128)
    summary = scan_root(conn, library)
    assert (summary.changed, summary.probed) == (1, 1)
    width = conn.execute("SELECT width FROM media_files WHERE path = ?", (b"2025/01/logo.png",))
    assert width.fetchone()[0] == 128


def test_removed_file_becomes_deleted_with_a_time_and_comes_back(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library, now=1_700_000_000)
    content = (library / "docs" / "notes.txt").read_bytes()
    (library / "docs" / "notes.txt").unlink()
    summary = scan_root(conn, library, now=1_700_000_500)
    assert summary.deleted == 1
    assert _rows(conn)[b"docs/notes.txt"][2] == 1_700_000_500
    (library / "docs" / "notes.txt").write_bytes(content)
    scan_root(conn, library, now=1_700_000_900)
    assert _rows(conn)[b"docs/notes.txt"][2] is None


def test_a_removed_folder_marks_all_its_files_deleted(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library)
    for name in os.listdir(library / "2024" / "03"):
        (library / "2024" / "03" / name).unlink()
    (library / "2024" / "03").rmdir()
    assert scan_root(conn, library).deleted == 2


def test_symlinks_are_never_followed_out_of_the_root(
    library: Path, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    photo(outside / "secret.jpg", 10, 10)
    os.symlink(outside, library / "escape")
    os.symlink(outside / "secret.jpg", library / "docs" / "link.jpg")
    summary = scan_root(conn, library)
    assert summary.symlinks_skipped == 2
    assert not any(b"secret" in p or b"link" in p for p in _rows(conn))


def test_generated_sizes_are_grouped_with_their_original(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library)
    group, variant = conn.execute(
        "SELECT group_path, variant FROM media_files WHERE path = ?", (b"2024/03/hero-300x200.jpg",)
    ).fetchone()
    assert (bytes(group), variant) == (b"2024/03/hero.jpg", "300x200")


def test_only_images_have_generated_sizes(library: Path, conn: sqlite3.Connection) -> None:
    # A CMS resizes images only: a video or a PDF whose name looks like a generated size
    # is a file of its own, not a member of the shorter name's group.
    for name in ("promo.mp4", "promo-1920x1080.mp4", "manual.pdf", "manual@2x.pdf"):
        (library / "2024" / "03" / name).write_bytes(b"not probed here")
    scan_root(conn, library, probe=False)
    groups = {
        bytes(path): (bytes(group), variant)
        for path, group, variant in conn.execute(
            "SELECT path, group_path, variant FROM media_files WHERE kind <> 'image'"
        )
    }
    assert groups[b"2024/03/promo-1920x1080.mp4"] == (b"2024/03/promo-1920x1080.mp4", None)
    assert groups[b"2024/03/manual@2x.pdf"] == (b"2024/03/manual@2x.pdf", None)


def test_upload_time_comes_from_the_path_then_mtime_then_first_seen(
    library: Path, conn: sqlite3.Connection
) -> None:
    os.utime(library / "docs" / "notes.txt", (1_600_000_000, 1_600_000_000))
    scan_root(conn, library, now=1_700_000_000)
    photo(library / "2024" / "03" / "late.jpg", 20, 20)
    scan_root(conn, library, now=1_700_100_000)
    uploads = {
        bytes(p): (t, s)
        for p, t, s in conn.execute("SELECT path, uploaded_at, uploaded_source FROM media_files")
    }
    assert uploads[b"2024/03/hero.jpg"] == (1_709_251_200, "path")  # 2024-03-01 UTC
    assert uploads[b"docs/notes.txt"] == (1_600_000_000, "mtime")
    assert uploads[b"2024/03/late.jpg"] == (1_700_100_000, "first_seen")


def test_rescan_dirs_sees_an_added_and_a_removed_file_without_a_full_walk(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library)
    photo(library / "2025" / "01" / "new.jpg", 30, 30)
    (library / "docs" / "notes.txt").unlink()
    (library / "2026" / "02").mkdir(parents=True)
    photo(library / "2026" / "02" / "fresh.png", 10, 10)
    summary = rescan_dirs(conn, library, [b"2025/01", b"docs", b""])
    rows = _rows(conn)
    assert summary.new == 2
    assert summary.deleted == 1
    assert rows[b"2025/01/new.jpg"][2] is None and rows[b"2025/01/new.jpg"][3] is not None
    assert b"2026/02/fresh.png" in rows
    assert rows[b"docs/notes.txt"][2] is not None
    assert scan_root(conn, library).new == 0  # the signatures left behind are current


def test_rescan_dirs_given_a_new_folder_and_its_parent_lists_each_once(
    library: Path, conn: sqlite3.Connection
) -> None:
    scan_root(conn, library)
    photo(library / "2027" / "01" / "a.jpg", 10, 10)
    summary = rescan_dirs(conn, library, [b"", b"2027", b"2027/01"])
    assert summary.new == 1
    assert scan_root(conn, library).new == 0


def test_a_watched_folder_swapped_for_a_link_out_of_the_root_counts_as_gone(
    library: Path, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    scan_root(conn, library)
    outside = tmp_path / "outside"
    photo(outside / "secret.jpg", 10, 10)
    (library / "docs" / "notes.txt").unlink()
    (library / "docs").rmdir()
    os.symlink(outside, library / "docs")
    summary = rescan_dirs(conn, library, [b"docs"])
    rows = _rows(conn)
    assert summary.deleted == 1 and rows[b"docs/notes.txt"][2] is not None
    assert not any(b"secret" in p for p in rows)


def test_a_root_given_as_a_link_is_scanned_but_links_below_it_are_not_entered(
    library: Path, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    link = tmp_path / "site-uploads"
    os.symlink(library, link)
    summary = scan_root(conn, link)
    assert summary.files_present == 5 and summary.walk_errors == []


def test_listing_a_folder_that_became_a_link_records_an_error_and_reads_nothing(
    library: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    photo(outside / "secret.jpg", 10, 10)
    os.symlink(outside, library / "later")  # as if swapped in after its parent was listed
    listing = list_dir(os.fsencode(library), b"later")
    assert listing.names == [] and len(listing.errors) == 1
    assert "later" in listing.errors[0]


def test_a_store_inside_the_root_is_never_recorded_as_media(library: Path) -> None:
    conn = connect(library / "docs" / "mediatop.sqlite3")
    first = scan_root(conn, library)
    assert first.files_present == 5
    assert not any(b"mediatop.sqlite3" in path for path in _rows(conn))
    # The store's files changed with every write since; neither scan sees them.
    again = rescan_dirs(conn, library, [b"docs", b""])
    assert (again.new, again.changed, again.deleted) == (0, 0, 0)
    assert scan_root(conn, library).new == 0


def test_inside_root_gives_a_path_relative_to_the_root_or_none(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    (root / "a").mkdir(parents=True)
    os.symlink(root, tmp_path / "link")
    assert inside_root(root / "a" / "s.db", root) == b"a/s.db"
    assert inside_root(root / "a" / "s.db", tmp_path / "link") == b"a/s.db"
    assert inside_root(tmp_path / "s.db", root) is None
    assert inside_root(root, root) is None
    assert inside_root(tmp_path / "uploads-2" / "s.db", root) is None


def test_a_cancelled_scan_keeps_what_it_probed_and_the_next_one_probes_the_rest(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    from mediatop.scan.probe import BATCH_SIZE

    root = tmp_path / "many"
    root.mkdir()
    count = BATCH_SIZE * 6
    for n in range(count):
        photo(root / f"p{n:03d}.png", 8, 8)
    probed_so_far = [0]

    def progress(value: ScanProgress) -> None:
        if value.phase == "probing":
            probed_so_far[0] = value.done

    def cancelled() -> bool:  # the app quits once the first batch is probed
        return probed_so_far[0] > 0

    first = scan_root(conn, root, workers=1, progress=progress, cancelled=cancelled)
    assert first.new == count  # the walk and the records are whole
    assert first.probed == BATCH_SIZE
    probed = "SELECT count(*) FROM media_files WHERE probed_at IS NOT NULL"
    assert conn.execute(probed).fetchone() == (BATCH_SIZE,)

    second = scan_root(conn, root, workers=1)
    assert (second.new, second.probed) == (0, count - BATCH_SIZE)
    assert conn.execute(probed).fetchone() == (count,)


@pytest.mark.parametrize(
    "svg",
    ['<svg width="99999999999999999999" height="1"></svg>', '<svg viewBox="0 0 1e30 5"></svg>'],
)
def test_a_header_with_a_number_no_column_holds_is_that_files_error(
    tmp_path: Path, svg: str
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "huge.svg").write_text(svg)
    photo(root / "photo.jpg", 40, 30)
    conn = connect(tmp_path / "store.sqlite3")
    summary = scan_root(conn, root, workers=1)
    assert (summary.probed, summary.probe_errors) == (2, 1)
    probed = dict(conn.execute("SELECT path, coalesce(probe_error, width) FROM media_files"))
    assert probed == {b"huge.svg": "impossible width in the header", b"photo.jpg": 40}


def test_a_file_or_folder_swapped_for_a_link_after_the_walk_is_not_probed_through_it(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    (outside / "2024").mkdir(parents=True)
    photo(outside / "secret.jpg", 1234, 567)
    photo(outside / "2024" / "b.jpg", 1234, 567)
    root = tmp_path / "media"
    (root / "2024").mkdir(parents=True)
    photo(root / "a.jpg", 40, 30)
    photo(root / "2024" / "b.jpg", 40, 30)
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    # between the walk and the probe: a file becomes a link out, a folder too
    (root / "a.jpg").unlink()
    (root / "a.jpg").symlink_to(outside / "secret.jpg")
    (root / "2024" / "b.jpg").unlink()
    (root / "2024").rmdir()
    (root / "2024").symlink_to(outside / "2024")
    assert probe_pending(conn, root, workers=1) == (2, 2)
    probed = dict(conn.execute("SELECT path, coalesce(width, probe_error) FROM media_files"))
    assert probed == {
        b"a.jpg": "not probed: it is a symlink now; not followed",
        b"2024/b.jpg": "not probed: a folder on its path is a symlink or a file now; not followed",
    }
