"""Duplicates: exact groups by content hash, near-duplicate images by perceptual hash."""

from __future__ import annotations

import json
import shutil

from analytics_types_support import (
    DAY,
    NOW_TS,
    after_measuring,
    context,
    locations,
    photo,
    save_image,
    scan,
    usage,
    views,
)
from mediatop.analytics.duplicates.report import duplicates_report, near_pairs
from mediatop.cli import main
from mediatop.model import UsageLocation


def _measured_report(ctx):
    """The report after its measurement step (hashing), as the library surface runs it."""
    return duplicates_report(after_measuring("duplicates", ctx))


def test_exact_copies_form_a_group_keeping_the_most_used(empty_store):
    conn, settings = empty_store
    root = settings.root
    original = save_image(root, "a.png", photo(80, 60))
    (root / "b").mkdir()
    shutil.copy(original, root / "b" / "a-copy.png")
    shutil.copy(original, root / "c.png")
    (root / "same-size-1.txt").write_text("abcd")  # equal size, other bytes: not a copy
    (root / "same-size-2.txt").write_text("wxyz")
    ids = scan(conn, root)
    usage(conn, views(ids["c.png"], 3))

    report = _measured_report(context(conn, settings, phash="cached"))

    [group] = report.exact_groups
    size = original.stat().st_size
    assert group.keep_id == str(ids["c.png"])
    assert {f.id for f in group.files} == {str(ids[n]) for n in ("a.png", "b/a-copy.png", "c.png")}
    assert group.wasted_bytes == 2 * size
    assert (report.exact_group_count, report.exact_duplicate_files) == (1, 2)
    assert report.exact_wasted_bytes == 2 * size
    assert report.hashed_now == 5  # all five files share a size with another


def test_without_use_the_oldest_upload_is_kept(empty_store):
    conn, settings = empty_store
    (settings.root / "2024/05").mkdir(parents=True)
    (settings.root / "2023/02").mkdir(parents=True)
    (settings.root / "2024/05/guide.txt").write_text("the same guide")
    (settings.root / "2023/02/guide.txt").write_text("the same guide")
    ids = scan(conn, settings.root)

    [group] = _measured_report(context(conn, settings, phash="cached")).exact_groups

    assert group.keep_id == str(ids["2023/02/guide.txt"])
    assert group.wasted_bytes == len("the same guide")


def test_second_report_reuses_cached_hashes(empty_store):
    conn, settings = empty_store
    (settings.root / "x.txt").write_text("dup")
    (settings.root / "y.txt").write_text("dup")
    scan(conn, settings.root)
    ctx = context(conn, settings, phash="cached")

    first = _measured_report(ctx)
    second = _measured_report(ctx)

    assert (first.hashed_now, second.hashed_now) == (2, 0)
    assert second.exact_group_count == 1


def test_near_duplicates_pair_resized_copies_but_not_generated_sizes(empty_store):
    conn, settings = empty_store
    picture = photo(400, 300, seed=7)
    save_image(settings.root, "beach.jpg", picture, quality=90)
    save_image(settings.root, "beach-edit.jpg", picture.resize((200, 150)), quality=60)
    other = photo(400, 300, seed=99).rotate(90, expand=True)
    save_image(settings.root, "tree.jpg", other, quality=90)
    save_image(settings.root, "tree-200x150.jpg", other.resize((200, 150)), quality=80)
    ids = scan(conn, settings.root)

    report = _measured_report(context(conn, settings))

    assert report.perceptually_hashed_now == 4
    [group] = report.near_groups
    assert {f.id for f in group.files} == {str(ids["beach.jpg"]), str(ids["beach-edit.jpg"])}
    assert group.max_distance <= report.near_max_distance
    kept = next(f for f in group.files if f.keep)
    assert group.wasted_bytes == sum(f.size for f in group.files) - kept.size


def test_near_pairs_respect_the_distance_threshold():
    base = 0x0123_4567_89AB_CDEF
    hashes = {1: base, 2: base ^ 0b111111, 3: base ^ 0b1111111, 4: base ^ 0b11}
    groups = {1: b"a", 2: b"b", 3: b"c", 4: b"a"}  # 4 is a generated size of 1

    pairs = {(a, b): d for a, b, d in near_pairs(hashes, groups)}

    assert pairs[(1, 2)] == 6
    assert (1, 3) not in pairs  # 7 bits apart
    assert (1, 4) not in pairs  # same group
    assert pairs[(2, 4)] == 4


def test_a_file_that_became_a_symlink_out_of_the_root_is_skipped_and_counted(tmp_path, empty_store):
    conn, settings = empty_store
    (settings.root / "one.txt").write_text("same")
    inside = settings.root / "two.txt"
    inside.write_text("same")
    scan(conn, settings.root)
    outside = tmp_path / "outside.txt"
    outside.write_text("same")
    inside.unlink()
    inside.symlink_to(outside)

    report = _measured_report(context(conn, settings, phash="cached"))

    assert report.unreadable_files == 1
    assert report.exact_group_count == 0


def _uses_by_name(capsys, settings, *range_args):
    """`report duplicates --json` over a range: file name -> (uses, kept)."""
    capsys.readouterr()
    root, db = str(settings.root), str(settings.store)
    assert main(["report", "duplicates", root, "--db", db, *range_args, "--json"]) == 0
    [group] = json.loads(capsys.readouterr().out)["exactGroups"]
    return {f["filename"]: (f["uses"], f["keep"]) for f in group["files"]}


def test_uses_count_over_the_chosen_range_and_the_kept_copy_stays(empty_store, capsys):
    conn, settings = empty_store
    (settings.root / "a.txt").write_text("the same guide")
    (settings.root / "b.txt").write_text("the same guide")
    ids = scan(conn, settings.root)
    a, b = ids["a.txt"], ids["b.txt"]
    usage(conn, [
        *views(a, 2, ts=NOW_TS - 3 * 3600, etype="click", source="track"),  # 2026-11-20
        *views(a, 1, ts=NOW_TS - 50 * DAY, etype="share", source="track"),  # 2026-10-01
        *views(b, 3, ts=NOW_TS - 15 * DAY, etype="download", source="track"),  # 2026-11-05
    ])  # fmt: skip
    locations(conn, "test", [UsageLocation(b"b.txt", "page", "7", "attachment", "test")])

    # The day 2026-11-20: a's 2 clicks; b none, plus its place: 1.
    day = _uses_by_name(capsys, settings, "--from", "2026-11-20", "--to", "2026-11-20")
    # November: a's 2 clicks; b's 3 downloads plus its place: 4.
    month = _uses_by_name(capsys, settings, "--from", "2026-11-01", "--to", "2026-11-20")
    # All time: a's 2 clicks and 1 share; b 4 as in November.
    ever = _uses_by_name(capsys, settings, "--range", "all")

    # b is kept on every range: over all time it is the more used (4 against 3).
    assert day == {"a.txt": (2, False), "b.txt": (1, True)}
    assert month == {"a.txt": (2, False), "b.txt": (4, True)}
    assert ever == {"a.txt": (3, False), "b.txt": (4, True)}
