"""Cleanup in the TUI, driven with the pilot on real temporary trees: mark with space,
preview with x, confirm with y (enter and space never confirm), files really moved into
the quarantine, then u lists the plan and undoes it, giving back identical bytes and
mtimes. Marks survive the filter and the sort; escape cancels; names are shown literally."""

from __future__ import annotations

import os
from pathlib import Path

from cleanup_support import snapshot
from mediatop.library import MediaLibrary
from mediatop.textsafe import visible_path
from mediatop.tui.messages import FileChosen
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.screens.marking import MarkingListScreen
from mediatop.tui.screens.quarantine import QuarantineScreen
from tui_cleanup_support import (
    SIZE,
    clean_up,
    file_names,
    mark,
    marks_shown,
    preview_shown,
    tree,
)
from tui_fixtures import (
    FROZEN_NOW,
    HOSTILE_NAMES,
    dashboard_app,
    static_text,
    wait_for_dashboard,
    wait_until,
)
from tui_screen_fixtures import open_subject, table_rows, wait_for_list

# Old files (mtime 2020) with no access log: every one is an unused candidate of
# "medium" risk, which the Unused screen lists and its marks plan at any risk.
FILES = {
    b"2019/a/big.jpg": b"A" * 3000,
    b"2019/z/mid.jpg": b"Z" * 2000,
    b"2019/z/small.jpg": b"S" * 1000,
}


async def test_mark_preview_confirm_then_undo_on_a_real_tree(tmp_path: Path) -> None:
    settings = tree(tmp_path, FILES)
    root = settings.root
    before = snapshot(root)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        assert isinstance(screen, MarkingListScreen)
        await mark(pilot, screen, "2019/a/big.jpg")
        await mark(pilot, screen, "2019/z/small.jpg")
        assert marks_shown(screen) == {
            "2019/a/big.jpg": "✓", "2019/z/mid.jpg": "", "2019/z/small.jpg": "✓",
        }  # fmt: skip
        # Marks survive a filter and a sort.
        await pilot.press("slash", "s", "m", "a", "l", "l", "enter")
        assert marks_shown(screen) == {"2019/z/small.jpg": "✓"}
        await pilot.press("slash", "escape", "s", "S")
        assert sorted(n for n, m in marks_shown(screen).items() if m) == [
            "2019/a/big.jpg", "2019/z/small.jpg",
        ]  # fmt: skip

        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = " ".join(static_text(preview, "#preview-body").split())  # lines unwrapped
        # 3000 + 1000 bytes marked: 4.0 kB (decimal units) freed.
        assert "Move 2 files into the quarantine, freeing 4.0 kB." in body
        assert "2019/a/big.jpg" in body and "2019/z/small.jpg" in body
        assert "2019/z/mid.jpg" not in body
        # The evidence: the mtime 2020-01-01, no log over the default 90 unused days.
        assert body.count("uploaded 2020-01-01") == 2
        assert body.count("no access log covers the last 90 days") == 2
        prompt = static_text(preview, "#preview-prompt")
        assert "Press y to move 2 files into the quarantine; escape cancels." in prompt
        # Neither enter nor space confirms.
        await pilot.press("enter", "space")
        await pilot.pause()
        assert snapshot(root) == before

        await pilot.press("y")
        await wait_until(pilot, lambda: preview.state == "done", timeout=20)
        await pilot.pause()
        assert "Done: 2 files (4.0 kB) moved into the quarantine." in static_text(
            preview, "#preview-body"
        )
        assert preview.query_one("#preview-box").border_title == "Applied: every move is journalled"
        after = snapshot(root)
        assert sorted(after) == [b"2019/z/mid.jpg"]
        quarantine = Path(str(settings.db_path) + ".quarantine")
        moved = {os.path.basename(p): v for p, v in snapshot(quarantine).items()}
        assert moved == {b"big.jpg": before[b"2019/a/big.jpg"],
                         b"small.jpg": before[b"2019/z/small.jpg"]}  # fmt: skip

        # Back on the list: read again, the moved files gone, no mark left.
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen)
        await wait_until(pilot, lambda: file_names(screen) == ["2019/z/mid.jpg"], timeout=20)
        assert screen.marks == {}

        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantined = pilot.app.screen
        assert isinstance(quarantined, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantined.plans) == 1)
        await pilot.press("y")  # nothing asked yet: y does nothing
        await pilot.pause()
        assert snapshot(root) == after
        await pilot.press("u")
        assert "Press y to put back the 2 files (4.0 kB) of plan" in static_text(
            quarantined, "#quarantine-prompt"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: quarantined.changed and not quarantined.undoing, 20)
        await wait_until(pilot, lambda: quarantined.plans == [])
        assert "Put back 2 files (4.0 kB)." in static_text(quarantined, "#quarantine-result")
        assert snapshot(root) == before  # identical bytes and mtimes

        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen)
        await wait_until(pilot, lambda: len(file_names(screen)) == 3, timeout=20)


async def test_escape_cancels_and_x_without_marks_opens_nothing(tmp_path: Path) -> None:
    settings = tree(tmp_path, FILES)
    before = snapshot(settings.root)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        await pilot.press("x")  # nothing marked: says so, opens no preview
        await pilot.pause()
        assert pilot.app.screen is screen
        assert any("No file is marked" in n.message for n in pilot.app._notifications)
        await pilot.press("space", "x")
        preview = await preview_shown(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen)
        await wait_for_list(pilot)
        assert snapshot(settings.root) == before
        assert not Path(str(settings.db_path) + ".quarantine").exists()
        assert preview.state == "ready"


async def test_a_list_offers_only_the_keys_that_can_act_on_its_rows(tmp_path: Path) -> None:
    def footer_says() -> set[str]:
        return {str(getattr(key, "description", "")) for key in pilot.app.screen.query("FooterKey")}

    def can_sort() -> bool:  # `s` stays out of a marking screen's footer: room at 80 columns
        binding = pilot.app.screen.active_bindings.get("s")
        return binding is not None and binding.enabled

    row_keys = {"Mark", "Clean up", "Open"}
    settings = tree(tmp_path, FILES)  # three files, no two alike: no duplicate
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        duplicates = await open_subject(pilot, "6")
        assert table_rows(duplicates) == []
        said = footer_says()
        assert not said & (row_keys | {"Filter"}) and not can_sort()
        assert {"Undo", "Back"} <= said  # the quarantine and the way out need no row
        unused = await open_subject(pilot, "5")  # the three files
        assert row_keys | {"Filter"} <= footer_says() and can_sort()
        await pilot.press("slash", *"nothing", "enter")  # no row left
        await wait_until(pilot, lambda: table_rows(unused) == [])
        said = footer_says()
        assert not said & row_keys
        assert "Filter" in said and can_sort()  # the filter can still be changed
        await pilot.press("slash", "escape", "space")  # the filter cleared, a file marked
        await pilot.press("slash", *"nothing", "enter")
        await wait_until(pilot, lambda: table_rows(unused) == [])
        assert "Clean up" in footer_says()  # the mark, though filtered out, can go


async def test_hostile_names_appear_literally_in_the_preview_and_move_back(
    tmp_path: Path,
) -> None:
    files = {name: bytes([65 + i]) * (100 + i) for i, name in enumerate(HOSTILE_NAMES)}
    settings = tree(tmp_path, files)
    before = snapshot(settings.root)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        assert len(file_names(screen)) == len(HOSTILE_NAMES)
        await pilot.press("home", *["space"] * len(HOSTILE_NAMES))  # space moves down
        assert len(screen.marks) == len(HOSTILE_NAMES)
        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = static_text(preview, "#preview-body")
        for name in HOSTILE_NAMES:  # each as visible text: markup, escapes, bidi, bad bytes
            assert visible_path(name) in body, name
        assert "[@click=app.quit]x.jpg" in body and "caf\\xe9-not-utf8.jpg" in body
        # Drawn as text, never as markup (which would have eaten the brackets).
        assert "[link=javascript:x]a.png" in body
        assert "freeing 615 B." in body  # 100 + 101 + ... + 105 bytes
        await pilot.press("y")
        await wait_until(pilot, lambda: preview.state == "done", timeout=20)
        assert snapshot(settings.root) == {}
        await pilot.press("escape", "u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantined = pilot.app.screen
        assert isinstance(quarantined, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantined.plans) == 1)
        await pilot.press("u", "y")
        await wait_until(pilot, lambda: quarantined.changed and not quarantined.undoing, 20)
    assert snapshot(settings.root) == before  # non-UTF-8 name included, bytes and mtimes


async def test_preview_says_what_would_be_skipped_and_what_is_not_planned(
    tmp_path: Path,
) -> None:
    # Two exact copies (same 2000 bytes) and one other file: the duplicates report keeps
    # one copy and plans the other.
    files = {b"a/one.jpg": b"D" * 2000, b"b/two.jpg": b"D" * 2000, b"c/other.jpg": b"O" * 10}
    settings = tree(tmp_path, files)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "6")
        keep_index = 1 + [c.title for c in screen.spec.columns].index("Keep")
        shown = zip(table_rows(screen), file_names(screen), strict=True)
        rows = {row[keep_index]: name for row, name in shown}
        kept, copy = rows["keep"], rows["copy"]
        await mark(pilot, screen, kept)
        await mark(pilot, screen, copy)
        # The kept copy disappears from disk (the app watches nothing): applying the
        # plan now would skip the copy, since its kept copy is gone.
        os.remove(os.path.join(os.fsencode(settings.root), kept.encode()))
        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = " ".join(static_text(preview, "#preview-body").split())
        assert "Move 0 files into the quarantine, freeing 0 B." in body
        assert f"Would be skipped (1): {copy} — " in body
        assert "kept copy" in body.split("Would be skipped (1):")[1]
        assert f"Marked but not in the plan (1): {kept} — not an exact copy to remove" in body
        assert "Nothing would be applied." in static_text(preview, "#preview-prompt")
        await pilot.press("y")  # nothing to apply: y is not bound
        await pilot.pause()
        assert preview.state == "ready"
        assert os.path.exists(os.path.join(os.fsencode(settings.root), copy.encode()))


async def test_a_marked_file_changed_since_the_scan_is_skipped(tmp_path: Path) -> None:
    settings = tree(tmp_path, FILES)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        await mark(pilot, screen, "2019/z/mid.jpg")
        await mark(pilot, screen, "2019/z/small.jpg")
        with open(settings.root / "2019/z/mid.jpg", "ab") as grown:
            grown.write(b"more")  # 2004 bytes now, the store says 2000
        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = " ".join(static_text(preview, "#preview-body").split())
        # small.jpg alone: 1000 bytes.
        assert "Move 1 file into the quarantine, freeing 1.0 kB." in body
        assert "Would be skipped (1): 2019/z/mid.jpg — gone or changed since the last scan" in body


async def test_undo_names_each_file_it_refuses_to_overwrite(tmp_path: Path) -> None:
    settings = tree(tmp_path, FILES)
    with MediaLibrary(settings) as library:
        library.apply_plan(library.plan_cleanup(max_risk="high", now=FROZEN_NOW))
    # A new file where big.jpg was: undo must leave it and keep big.jpg in quarantine.
    (settings.root / "2019/a/big.jpg").write_bytes(b"new")
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        await open_subject(pilot, "5")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantined = pilot.app.screen
        assert isinstance(quarantined, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantined.plans) == 1)
        # 3000 + 2000 + 1000 bytes in the plan's three files
        assert (quarantined.plans[0].files, quarantined.plans[0].bytes) == (3, 6000)
        await pilot.press("u", "y")
        await wait_until(pilot, lambda: quarantined.changed and not quarantined.undoing, 20)
        result = " ".join(static_text(quarantined, "#quarantine-result").split())
        assert result.startswith("Put back 2 files (3.0 kB).")  # mid 2000 + small 1000
        assert "Refused (1), left in quarantine: 2019/a/big.jpg — " in result
    assert (settings.root / "2019/a/big.jpg").read_bytes() == b"new"


async def test_a_cleanup_reads_again_every_list_open_under_it(tmp_path: Path) -> None:
    """Unused, then a file's screen, then Unused again on top: files moved from the top
    list leave the one under it too (it went on listing them until `r`)."""
    settings = tree(tmp_path, FILES)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        under = await open_subject(pilot, "5")
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is not under)
        top = await open_subject(pilot, "5")
        assert top is not under and under in pilot.app.screen_stack
        await clean_up(pilot, top, "2019/a/big.jpg")
        await pilot.press("escape")
        await wait_until(pilot, lambda: file_names(top) == ["2019/z/mid.jpg", "2019/z/small.jpg"])
        await wait_until(pilot, lambda: "2019/a/big.jpg" not in file_names(under), timeout=20)
        # The moved file's own screen says it is in quarantine and how it comes back.
        moved = MediaLibrary(settings).find_file(b"2019/a/big.jpg")
        pilot.app.post_message(FileChosen(moved.id))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FileDetailScreen))
        facts = pilot.app.screen
        await wait_until(pilot, lambda: "Quarantined" in static_text(facts, "#file-facts"))
        assert "mediatop cleanup undo" in " ".join(static_text(facts, "#file-facts").split())


async def test_the_quarantine_lists_the_newest_plan_first(tmp_path: Path) -> None:
    """`u` right after a cleanup offers that cleanup, not an older one."""
    settings = tree(tmp_path, FILES)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        for name in ("2019/a/big.jpg", "2019/z/small.jpg"):
            await clean_up(pilot, screen, name)
            await pilot.press("escape")
            await wait_until(pilot, lambda: name not in file_names(screen), timeout=20)  # noqa: B023
            await pilot.pause(1.1)  # the plans' ages differ
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantined = pilot.app.screen
        assert isinstance(quarantined, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantined.plans) == 2)
        # nothing here depends on the time range: `t` is not offered
        ranged = quarantined.active_bindings.get("t")
        assert ranged is None or not ranged.enabled
        await pilot.press("u", "y")
        await wait_until(pilot, lambda: len(quarantined.plans) == 1, timeout=20)
        # the newest plan (small.jpg) came back; big.jpg's stays in quarantine
        assert sorted(snapshot(settings.root)) == [b"2019/z/mid.jpg", b"2019/z/small.jpg"]


async def test_an_apply_that_skipped_every_file_offers_no_undo(tmp_path: Path) -> None:
    settings = tree(tmp_path, FILES)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "5")
        await mark(pilot, screen, "2019/z/small.jpg")
        await pilot.press("x")
        preview = await preview_shown(pilot)
        with open(settings.root / "2019/z/small.jpg", "ab") as grown:
            grown.write(b"more")  # changed after the preview: apply leaves it
        await pilot.press("y")
        await wait_until(pilot, lambda: preview.state == "done", timeout=20)
        await pilot.pause()
        body = " ".join(static_text(preview, "#preview-body").split())
        assert body.startswith("Done: 0 files (0 B) moved into the quarantine.")
        assert "2019/z/small.jpg" in body and "undoes" not in body
