"""Cleanup on real trees: plan -> apply -> undo gives back every byte and mtime; a file
changed, swapped for a symlink, or in a folder swapped for a symlink is skipped and what
the link points at is never touched; undo never overwrites."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cleanup_support import OLD_NS, scanned_library, snapshot, write_tree
from mediatop.config import Settings
from mediatop.errors import InputError
from mediatop.library import MediaLibrary
from mediatop.library_types import ApplyProgress

# Three old, never used images and a name that is not UTF-8. With no access log the
# window is not covered, so each is a "medium" risk candidate (README: Risk).
FILES = {
    b"2019/a/big.jpg": b"A" * 3000,
    b"2019/z/mid.jpg": b"Z" * 2000,
    b"2019/z/small.jpg": b"S" * 1000,
    b"caf\xe9.png": b"P" * 500,
}


def test_plan_apply_undo_restores_identical_bytes_and_mtimes(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    before = snapshot(library.settings.root)
    plan = library.plan_cleanup(max_risk="medium")
    # 3000 + 2000 + 1000 + 500 bytes, lowest risk then largest first
    assert plan.total_bytes == 6500
    assert [e.candidate.path for e in plan.entries] == [
        b"2019/a/big.jpg", b"2019/z/mid.jpg", b"2019/z/small.jpg", b"caf\xe9.png",
    ]  # fmt: skip
    saved = tmp_path / "plan.json"
    library.save_plan(plan, saved)
    again = library.load_plan(saved)
    assert again.entries == plan.entries  # the non-UTF-8 name survives the file

    result = library.apply_plan(again)
    assert (result.moved, result.bytes_moved, result.skipped) == (4, 6500, ())
    assert snapshot(library.settings.root) == {}
    quarantined = snapshot(Path(os.fsdecode(result.quarantine)))
    assert quarantined == before  # same relative paths, bytes and mtimes
    assert [p.plan_id for p in library.quarantined_plans()] == [plan.plan_id]
    moved = library.find_file(b"2019/a/big.jpg")
    assert moved.quarantined_at is not None and moved.deleted_at == moved.quarantined_at

    undone = library.undo_cleanup(plan.plan_id)
    assert (undone.restored, undone.bytes_restored, undone.refused) == (4, 6500, ())
    assert snapshot(library.settings.root) == before
    assert library.quarantined_plans() == []
    back = library.find_file(b"2019/a/big.jpg")
    assert (back.quarantined_at, back.deleted_at) == (None, None)


def test_the_risk_filter_says_how_many_it_left_out(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup()  # --risk low: all four are medium (no log covers them)
    assert (len(plan.entries), plan.left_out_by_risk) == (0, 4)
    data = library.plan_data(plan)
    assert (data["fileCount"], data["leftOutByRisk"], data["totalBytes"]) == (0, 4, 0)
    big = library.plan_cleanup(max_risk="medium", min_size=1500)  # 3000 and 2000 only
    assert (big.total_bytes, big.left_out_by_risk) == (5000, 0)


def test_a_file_changed_after_planning_is_skipped(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    root = library.settings.root
    (root / "2019/z/mid.jpg").write_bytes(b"z" * 2000)  # same size, new mtime
    os.utime(root / "2019/a/big.jpg", ns=(OLD_NS, OLD_NS + 1))  # only the mtime
    previewed = {s.path: s.reason for s in library.would_skip(plan)}
    result = library.apply_plan(plan)
    skipped = {s.path: s.reason for s in result.skipped}
    assert skipped == {
        b"2019/z/mid.jpg": "it changed since the plan (mtime, ctime)",
        b"2019/a/big.jpg": "it changed since the plan (mtime, ctime)",
    }
    assert previewed == skipped  # the preview said so before anything moved
    assert (result.moved, result.bytes_moved) == (2, 1500)  # small.jpg 1000 + café.png 500
    assert (root / "2019/z/mid.jpg").read_bytes() == b"z" * 2000


def test_a_file_swapped_for_a_symlink_to_outside_is_never_followed(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"secret")
    root = library.settings.root
    (root / "2019/a/big.jpg").unlink()
    (root / "2019/a/big.jpg").symlink_to(outside)
    result = library.apply_plan(plan)
    assert {s.path: s.reason for s in result.skipped} == {
        b"2019/a/big.jpg": "it is a symlink; never followed"
    }
    assert outside.read_bytes() == b"secret"
    assert (root / "2019/a/big.jpg").is_symlink()
    quarantined = snapshot(Path(os.fsdecode(result.quarantine)))
    assert b"2019/a/big.jpg" not in quarantined


def test_a_folder_swapped_for_a_symlink_before_apply_is_not_followed(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    root = library.settings.root
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    # a look-alike outside the root: same names, same sizes and mtimes
    for name, size in (("mid.jpg", 2000), ("small.jpg", 1000)):
        (outside / name).write_bytes(b"O" * size)
        os.utime(outside / name, ns=(OLD_NS, OLD_NS))
    (root / "2019/z").rename(root / "2019/z-real")
    (root / "2019/z").symlink_to(outside, target_is_directory=True)
    result = library.apply_plan(plan)
    reason = "the folder 2019/z is a symlink or not a folder; not followed"
    assert {s.path: s.reason for s in result.skipped} == {
        b"2019/z/mid.jpg": reason, b"2019/z/small.jpg": reason,
    }  # fmt: skip
    assert sorted(p.name for p in outside.iterdir()) == ["mid.jpg", "small.jpg"]
    assert (outside / "mid.jpg").read_bytes() == b"O" * 2000
    assert result.moved == 2  # big.jpg and café.png


def test_a_folder_swapped_for_a_symlink_during_apply_is_not_followed(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    root = library.settings.root
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "small.jpg").write_bytes(b"O" * 1000)
    os.utime(outside / "small.jpg", ns=(OLD_NS, OLD_NS))
    swapped = []

    def swap_after_the_first(progress: ApplyProgress) -> None:
        # once big.jpg has moved, 2019/z becomes a link out of the root
        if progress.path == b"2019/a/big.jpg":
            (root / "2019/z").rename(root / "2019/z-real")
            (root / "2019/z").symlink_to(outside, target_is_directory=True)
            swapped.append(True)

    result = library.apply_plan(plan, progress=swap_after_the_first)
    assert swapped == [True]
    assert (outside / "small.jpg").read_bytes() == b"O" * 1000  # never touched
    assert list(outside.iterdir()) == [outside / "small.jpg"]
    # what moved came from the real folder (held open by its descriptor), not the link
    quarantined = snapshot(Path(os.fsdecode(result.quarantine)))
    for path, (content, _mtime) in quarantined.items():
        assert content == FILES[path]


def test_undo_refuses_to_overwrite_a_file_that_appeared_in_its_place(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    root = library.settings.root
    (root / "2019/z/mid.jpg").write_bytes(b"new upload")
    undone = library.undo_cleanup(None)
    assert undone.restored == 3
    assert [(r.path, r.reason) for r in undone.refused] == [
        (b"2019/z/mid.jpg", "a file has appeared in its place since; not overwritten")
    ]
    assert (root / "2019/z/mid.jpg").read_bytes() == b"new upload"
    # still in quarantine, still listed: 1 file of 2000 bytes
    assert [(p.files, p.bytes) for p in library.quarantined_plans()] == [(1, 2000)]


def test_a_file_requested_since_the_plan_is_skipped(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    library.record_event({"media": "2019/a/big.jpg", "eventType": "view"})
    result = library.apply_plan(plan)
    assert {s.path: s.reason for s in result.skipped} == {
        b"2019/a/big.jpg": "it was requested since the plan"
    }


def test_a_duplicate_copy_is_planned_with_its_kept_copy_and_skipped_without_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "media"
    write_tree(root, {b"new/copy.jpg": b"D" * 800, b"old/original.jpg": b"D" * 800})
    # the keep rule keeps the older upload (neither is used): copy.jpg is a day newer
    os.utime(root / "new/copy.jpg", ns=(OLD_NS + 86400 * 10**9,) * 2)
    library = MediaLibrary(Settings(root=root, db_path=tmp_path / "store.sqlite3"))
    library.scan(probe=False)
    plan = library.plan_cleanup(unused=False, duplicates=True)  # the copies alone
    planned = [(e.candidate.path, e.candidate.kept_copy, e.candidate.risk) for e in plan.entries]
    assert planned == [(b"new/copy.jpg", b"old/original.jpg", "low")]
    assert plan.entries[0].candidate.reason == "duplicate"
    assert plan.entries[0].candidate.evidence == (
        "an exact copy (same size and xxh3-128 hash) of old/original.jpg, the copy kept: "
        "most used over all time (views, downloads, clicks, shares, locations), then oldest",
        "this copy is neither referenced nor requested recently",
    )
    (library.settings.root / "old/original.jpg").unlink()
    result = library.apply_plan(plan)
    assert [s.reason for s in result.skipped] == ["its kept copy old/original.jpg is gone"]


def test_an_edited_plan_cannot_name_a_file_outside_the_root(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan_file = tmp_path / "plan.json"
    library.save_plan(library.plan_cleanup(max_risk="medium"), plan_file)
    data = json.loads(plan_file.read_text())
    data["files"][0]["pathBytes"] = "..%2F..%2Fetc/passwd"  # ../../etc/passwd
    plan_file.write_text(json.dumps(data))
    with pytest.raises(InputError, match="unsafe path"):
        library.load_plan(plan_file)


def test_files_of_one_name_in_more_folders_than_a_batch_holds_open_go_each_to_its_place(
    tmp_path: Path,
) -> None:
    # 450 folders > the 400 folder descriptors a batch may hold: the batch is cut there
    files = {f"2019/{n:03}/thumb.jpg".encode(): b"%03d" % n * 4 for n in range(450)}
    library = scanned_library(tmp_path, files)
    before = snapshot(library.settings.root)
    plan = library.plan_cleanup(max_risk="medium")
    result = library.apply_plan(plan)
    assert (result.moved, result.skipped) == (450, ())
    assert snapshot(Path(os.fsdecode(result.quarantine))) == before
    assert library.undo_cleanup(plan.plan_id).restored == 450
    assert snapshot(library.settings.root) == before
