"""Undo tidies the quarantine: the folders a plan's moves made there go once they are
empty, and only those; a folder that still holds anything stays with it, and a link
swapped into the quarantine never leads the removal into the media root."""

from __future__ import annotations

import os
from pathlib import Path

from cleanup_support import scanned_library, snapshot

# Two folders under 2019/ and one file at the top: a plan of all four makes the plan's
# folder, <plan>/2019, <plan>/2019/a and <plan>/2019/z in the quarantine.
FILES = {
    b"2019/a/big.jpg": b"A" * 3000,
    b"2019/z/mid.jpg": b"Z" * 2000,
    b"2019/z/small.jpg": b"S" * 1000,
    b"top.png": b"P" * 500,
}


def _folders(base: Path) -> list[str]:
    """Every folder under `base` (links not followed), relative, sorted."""
    return sorted(
        os.path.relpath(os.path.join(top, name), base)
        for top, names, _files in os.walk(base)
        for name in names
    )


def test_undo_leaves_no_empty_folder_of_the_plan(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    before = snapshot(library.settings.root)
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    quarantine = library.quarantine_folder()
    assert _folders(quarantine) == [
        plan.plan_id, f"{plan.plan_id}/2019", f"{plan.plan_id}/2019/a", f"{plan.plan_id}/2019/z"
    ]  # fmt: skip

    undone = library.undo_cleanup(plan.plan_id)
    assert (undone.restored, undone.refused) == (4, ())
    assert snapshot(library.settings.root) == before
    assert quarantine.is_dir() and os.listdir(quarantine) == []  # the quarantine stays
    # the media root keeps each of its folders
    assert _folders(library.settings.root) == ["2019", "2019/a", "2019/z"]


def test_a_folder_holding_a_strangers_file_stays_with_the_file(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    mine = library.quarantine_folder() / plan.plan_id
    (mine / "2019/z/notes.txt").write_bytes(b"mine")
    (mine / "empty-of-mine").mkdir()  # not the plan's: left as it is

    undone = library.undo_cleanup(plan.plan_id)
    assert (undone.restored, undone.refused) == (4, ())
    # 2019/a is emptied and goes; 2019/z holds notes.txt, so it and its parents stay
    assert _folders(mine) == ["2019", "2019/z", "empty-of-mine"]
    assert (mine / "2019/z/notes.txt").read_bytes() == b"mine"


def test_a_plan_folder_swapped_for_a_link_into_the_root_is_not_followed(
    tmp_path: Path,
) -> None:
    library = scanned_library(tmp_path, FILES)
    root = library.settings.root
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    # After the apply the root's 2019/a and 2019/z are empty. The plan's 2019 folder is
    # moved aside and a link to the root's 2019 takes its name: removing "<plan>/2019/a"
    # through that link would remove the root's 2019/a.
    mine = library.quarantine_folder() / plan.plan_id
    (mine / "2019").rename(mine / "2019-aside")
    (mine / "2019").symlink_to(root / "2019", target_is_directory=True)

    undone = library.undo_cleanup(plan.plan_id)
    # top.png comes back; the three under the link are refused, left in the quarantine
    assert undone.restored == 1
    assert sorted(r.path for r in undone.refused) == [
        b"2019/a/big.jpg", b"2019/z/mid.jpg", b"2019/z/small.jpg"
    ]  # fmt: skip
    assert _folders(root) == ["2019", "2019/a", "2019/z"]
    assert (mine / "2019").is_symlink()
    assert sorted(snapshot(mine)) == [
        b"2019-aside/a/big.jpg", b"2019-aside/z/mid.jpg", b"2019-aside/z/small.jpg"
    ]  # fmt: skip


def test_undoing_one_plan_leaves_another_plans_folders(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    first = library.plan_cleanup(max_risk="medium", min_size=2000)  # big.jpg, mid.jpg
    library.apply_plan(first)
    second = library.plan_cleanup(max_risk="medium")  # small.jpg, top.png: what is left
    library.apply_plan(second)
    quarantine = library.quarantine_folder()

    library.undo_cleanup(second.plan_id)
    assert _folders(quarantine) == [
        first.plan_id, f"{first.plan_id}/2019", f"{first.plan_id}/2019/a",
        f"{first.plan_id}/2019/z",
    ]  # fmt: skip
    assert sorted(snapshot(quarantine)) == [
        f"{first.plan_id}/2019/a/big.jpg".encode(), f"{first.plan_id}/2019/z/mid.jpg".encode()
    ]  # fmt: skip


def test_purge_removes_the_plans_folders_and_only_those(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    library.apply_plan(plan)
    quarantine = library.quarantine_folder()
    (quarantine / plan.plan_id / "2019" / "kept-by-me").mkdir()  # the user's, empty

    purged = library.purge_quarantine(0)
    assert (purged.deleted, purged.bytes_deleted) == (4, 3000 + 2000 + 1000 + 500)
    # 2019/a and 2019/z are the plan's and empty: gone; the user's folder stays, and so
    # do the plan's folders that hold it
    assert _folders(quarantine) == [plan.plan_id, f"{plan.plan_id}/2019",
                                    f"{plan.plan_id}/2019/kept-by-me"]  # fmt: skip
    assert _folders(library.settings.root) == ["2019", "2019/a", "2019/z"]
