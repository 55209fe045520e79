"""What cleanup must refuse even when the tree, the quarantine or the plan is tampered
with: purge and undo never reach outside the store's quarantine through a link; an
edited plan moves only the files the store knows by their ids; one plan never removes
every copy of a duplicate; a file put back by hand counts again after a scan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from cleanup_support import OLD_NS, scanned_library, snapshot, write_tree
from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.timerange import parse_range

FILES = {b"2019/01/a.jpg": b"A" * 3000, b"2019/01/b.jpg": b"B" * 2000}


def _total_files(library: MediaLibrary) -> int:
    """The files the library holds now (the overview's `totalFiles`)."""
    everything = parse_range("all", now=datetime.now(UTC))
    return int(library.report("overview", everything).total_files)


def _swap_plan_folder_for_link(quarantine: Path, outside: Path) -> None:
    """The quarantined 2019/01 folder replaced by a link to `outside`, which holds a
    file of the same name and size as the one quarantined there."""
    folder = quarantine / "2019" / "01"
    for name in os.listdir(folder):
        (folder / name).unlink()
    folder.rmdir()
    outside.mkdir()
    (outside / "a.jpg").write_bytes(b"O" * 3000)
    os.utime(outside / "a.jpg", ns=(OLD_NS, OLD_NS))  # size and mtime as journalled
    folder.symlink_to(outside)


def test_purge_never_deletes_through_a_link_swapped_into_the_quarantine(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    result = library.apply_plan(library.plan_cleanup(max_risk="medium"))
    assert result.moved == 2
    outside = tmp_path / "outside"
    _swap_plan_folder_for_link(Path(os.fsdecode(result.quarantine)), outside)

    purged = library.purge_quarantine(0)

    assert (outside / "a.jpg").read_bytes() == b"O" * 3000  # untouched
    assert purged.deleted == 0
    assert sorted(r.path for r in purged.refused) == [b"2019/01/a.jpg", b"2019/01/b.jpg"]
    assert all(r.reason.endswith("/2019/01 is a symlink or not a folder; not followed")
               for r in purged.refused)  # fmt: skip


def test_undo_never_takes_a_file_back_through_a_link_in_the_quarantine(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    result = library.apply_plan(library.plan_cleanup(max_risk="medium"))
    outside = tmp_path / "outside"
    _swap_plan_folder_for_link(Path(os.fsdecode(result.quarantine)), outside)

    undone = library.undo_cleanup(None)

    assert undone.restored == 0
    assert (outside / "a.jpg").read_bytes() == b"O" * 3000  # not moved into the root
    assert not (library.settings.root / "2019/01/a.jpg").exists()


def test_purge_leaves_a_quarantined_file_that_changed_and_counts_a_gone_one_as_nothing(
    tmp_path: Path,
) -> None:
    library = scanned_library(tmp_path, FILES)
    result = library.apply_plan(library.plan_cleanup(max_risk="medium"))
    quarantine = Path(os.fsdecode(result.quarantine))
    (quarantine / "2019/01/a.jpg").write_bytes(b"edited")  # not what was moved there
    (quarantine / "2019/01/b.jpg").unlink()  # deleted by hand: nothing left to delete

    purged = library.purge_quarantine(0)

    assert (purged.deleted, purged.bytes_deleted) == (0, 0)
    assert [(r.path, r.reason) for r in purged.refused] == [
        (b"2019/01/a.jpg", "its quarantined copy changed; left in the quarantine")
    ]
    assert (quarantine / "2019/01/a.jpg").read_bytes() == b"edited"


def _edited(plan_file: Path, edit: dict[str, object]) -> None:
    data = json.loads(plan_file.read_text())
    data["files"][0].update(edit)
    plan_file.write_text(json.dumps(data))


def test_an_edited_plan_moves_only_the_file_the_store_knows_by_that_id(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    plan_file = tmp_path / "plan.json"
    library.save_plan(plan, plan_file)
    # the first entry (a.jpg, the larger) edited to name b.jpg under a.jpg's id, with
    # b.jpg's true size, mtime and inode: on disk it is exactly b.jpg
    b = os.stat(library.settings.root / "2019/01/b.jpg")
    first_id = plan.entries[0].candidate.media_id
    _edited(plan_file, {"pathBytes": "2019/01/b.jpg", "path": "2019/01/b.jpg", "size": 2000,
                        "mtimeNs": b.st_mtime_ns, "inode": b.st_ino})  # fmt: skip
    before = snapshot(library.settings.root)

    result = library.apply_plan(library.load_plan(plan_file))

    assert [(s.path, s.reason) for s in result.skipped] == [
        (b"2019/01/b.jpg", f"the store knows file #{first_id} as 2019/01/a.jpg: "
                           "the plan was edited or made for another store"),
    ]  # fmt: skip
    # b.jpg moved once, under its own entry; a.jpg stays, and the store says so
    assert result.moved == 1
    after = snapshot(library.settings.root)
    assert after == {k: v for k, v in before.items() if k == b"2019/01/a.jpg"}
    assert _total_files(library) == 1


def test_a_plan_whose_file_changed_since_the_last_scan_is_skipped(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan_file = tmp_path / "plan.json"
    library.save_plan(library.plan_cleanup(max_risk="medium"), plan_file)
    _edited(plan_file, {"size": 3001})  # the store's last scan saw 3000 bytes
    result = library.apply_plan(library.load_plan(plan_file))
    assert [(s.path, s.reason) for s in result.skipped] == [
        (b"2019/01/a.jpg", "it is not as the last scan saw it (size); scan again")
    ]


def test_a_copy_whose_kept_copy_is_planned_as_unused_stays(tmp_path: Path) -> None:
    root = tmp_path / "media"
    # neither is used; old/original.jpg is the older upload, so the copy the group keeps,
    # and unused; new/copy.jpg was uploaded yesterday, too new to be unused
    write_tree(root, {b"new/copy.jpg": b"D" * 800, b"old/original.jpg": b"D" * 800})
    yesterday_ns = (int(time.time()) - 86400) * 10**9
    os.utime(root / "new/copy.jpg", ns=(yesterday_ns, yesterday_ns))
    library = MediaLibrary(Settings(root=root, db_path=tmp_path / "store.sqlite3"))
    library.scan(probe=False)

    plan = library.plan_cleanup(max_risk="medium", duplicates=True)

    # original.jpg is unused and planned; copy.jpg, a copy of it, would be the last one
    assert [(e.candidate.path, e.candidate.reason) for e in plan.entries] == [
        (b"old/original.jpg", "unused")
    ]
    assert plan.kept_as_last_copy == (b"new/copy.jpg",)
    assert library.plan_data(plan)["keptAsLastCopy"] == [
        {"path": "new/copy.jpg", "pathBytes": "new/copy.jpg"}
    ]
    library.apply_plan(plan)
    assert (root / "new/copy.jpg").read_bytes() == b"D" * 800


def test_a_file_put_back_by_hand_counts_again_after_a_scan(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    result = library.apply_plan(library.plan_cleanup(max_risk="medium"))
    assert _total_files(library) == 0
    for name in FILES:  # the folder as the last scan saw it: same names, sizes, mtimes
        os.rename(os.path.join(result.quarantine, name),
                  os.path.join(os.fsencode(library.settings.root), name))  # fmt: skip

    summary = library.scan(probe=False)

    assert (summary.new, summary.changed) == (0, 2)
    assert _total_files(library) == 2


def _mediatop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mediatop", *args], capture_output=True, text=True, timeout=60
    )


def test_unused_zero_days_is_a_usage_error(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    done = _mediatop("cleanup", "plan", str(library.settings.root),
                     "--db", str(library.settings.db_path), "--unused", "0d")  # fmt: skip
    assert done.returncode == 2
    assert "unused means at least 1 day" in done.stderr
    assert "Traceback" not in done.stderr


def test_apply_with_a_store_that_does_not_exist_makes_none(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan_file = tmp_path / "plan.json"
    library.save_plan(library.plan_cleanup(max_risk="medium"), plan_file)
    missing = tmp_path / "elsewhere.sqlite3"
    done = _mediatop("cleanup", "apply", str(plan_file), "--db", str(missing), "--yes")
    assert done.returncode == 2
    assert "never scanned" in done.stderr
    assert not missing.exists()
    assert snapshot(library.settings.root).keys() == set(FILES)


def test_a_plan_records_its_root_absolute(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    relative = MediaLibrary(Settings(root=Path(os.path.relpath(library.settings.root)),
                                     db_path=library.settings.db_path))  # fmt: skip
    plan = relative.plan_cleanup(max_risk="medium")
    assert plan.root == os.path.abspath(os.fsencode(library.settings.root))


def test_a_rewrite_that_puts_size_and_mtime_back_is_still_skipped(tmp_path: Path) -> None:
    library = scanned_library(tmp_path, FILES)
    plan = library.plan_cleanup(max_risk="medium")
    a = library.settings.root / "2019/01/a.jpg"
    time.sleep(0.05)  # past the kernel's timestamp tick (a few ms): the ctime moves
    a.write_bytes(b"X" * 3000)  # new content, the same size
    os.utime(a, ns=(OLD_NS, OLD_NS))  # and the mtime put back, as `touch -r` does

    result = library.apply_plan(plan)

    assert [(s.path, s.reason) for s in result.skipped] == [
        (b"2019/01/a.jpg", "it changed since the plan (ctime)")
    ]
    assert a.read_bytes() == b"X" * 3000
