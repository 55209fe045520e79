"""Read-only (`--readonly`, or `readonly = true` in mediatop.toml): the pilot presses
every key on every screen and no file is touched, no cleanup key is shown, reachable
or in the palette, and the header says "read-only"."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cleanup_support import snapshot, write_tree
from mediatop.config import Settings, load_settings
from mediatop.library import MediaLibrary
from mediatop.tui.commands import binding_commands
from mediatop.tui.screens.listing import FilterInput
from mediatop.tui.screens.marking import CLEANUP_ACTIONS
from tui_fixtures import dashboard_app, scan, settings_for, wait_for_dashboard
from tui_screen_fixtures import open_subject

FILES = {b"2019/a/big.jpg": b"A" * 3000, b"2019/z/mid.jpg": b"Z" * 2000}
SCREEN_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "o"]
# Every letter but q (which quits), the cleanup keys' neighbours and the keys of lists.
KEYS = [k for k in string.ascii_letters if k != "q"] + ["space", "enter", "slash", "escape"]
CLEANUP_DESCRIPTIONS = {"Mark", "Clean up", "Undo", "Confirm: apply", "Confirm undo"}


def read_only_settings(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A scanned tree with one plan already in quarantine (so an undo would have work),
    then the settings of a read-only run, from the flag or from mediatop.toml."""
    root = tmp_path / "media"
    root.mkdir()
    write_tree(root, FILES)
    writable = settings_for(tmp_path, root)
    scan(writable)
    with MediaLibrary(writable) as library:
        plan = library.plan_cleanup(max_risk="high")
        library.apply_plan(dataclasses.replace(plan, entries=plan.entries[:1]))
    if how == "toml":
        monkeypatch.chdir(tmp_path)
        (tmp_path / "mediatop.toml").write_text("readonly = true\n")
    return load_settings(root, db=writable.db_path, readonly=True if how == "flag" else None)


def assert_no_cleanup_action(pilot: Pilot) -> None:
    screen = pilot.app.screen
    actions = {a.binding.action for a in screen.active_bindings.values()}
    assert not actions & CLEANUP_ACTIONS, (screen, actions)
    palette = {c.title for c in binding_commands(pilot.app, screen)}
    assert not palette & CLEANUP_DESCRIPTIONS, palette


# Every key on every screen, in three parts that xdist runs side by side (all in one
# test took a minute, the suite's longest).
SCREEN_GROUPS = [("dashboard", *SCREEN_KEYS[:3]), tuple(SCREEN_KEYS[3:6]), tuple(SCREEN_KEYS[6:])]


@pytest.mark.parametrize("screens", SCREEN_GROUPS, ids="-".join)
async def test_read_only_every_key_on_every_screen_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screens: tuple[str, ...]
) -> None:
    settings = read_only_settings(tmp_path, "flag", monkeypatch)
    quarantine = Path(str(settings.db_path) + ".quarantine")
    tree_before, quarantine_before = snapshot(settings.root), snapshot(quarantine)
    assert len(quarantine_before) == 1  # big.jpg, moved before the read-only run
    async with dashboard_app(settings).run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert "read-only" in pilot.app.sub_title
        dashboard = pilot.app.screen
        for key in KEYS if "dashboard" in screens else []:
            await pilot.press(key)
            assert_no_cleanup_action(pilot)
            if pilot.app.screen is not dashboard:
                await pilot.app.run_action("dashboard")
                dashboard = pilot.app.screen
        for screen_key in (key for key in screens if key != "dashboard"):
            await pilot.app.run_action("dashboard")
            screen = await open_subject(pilot, screen_key)
            assert screen.marked_ids() is None  # no mark column
            for name in CLEANUP_ACTIONS:  # not reachable even by name
                assert await pilot.app.run_action(name, screen) is False
            for key in KEYS:  # y among them: it confirms nothing on a list
                await pilot.press(key)
                assert_no_cleanup_action(pilot)
                if pilot.app.screen is not screen:  # a screen or a dialog opened
                    await pilot.press("y")  # a confirmation, were anything asked
                    assert_no_cleanup_action(pilot)
                    await pilot.app.run_action("dashboard")
                    screen = await open_subject(pilot, screen_key)
                elif isinstance(screen.focused, FilterInput):
                    await pilot.press("escape")
    assert snapshot(settings.root) == tree_before
    assert snapshot(quarantine) == quarantine_before
    with MediaLibrary(settings) as library:
        assert len(library.quarantined_plans()) == 1


async def test_readonly_true_in_mediatop_toml_hides_the_cleanup_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = read_only_settings(tmp_path, "toml", monkeypatch)
    assert settings.readonly_source == "readonly in mediatop.toml"
    async with dashboard_app(settings).run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        assert "read-only" in pilot.app.sub_title
        for screen_key in ["5", "6", "o"]:
            screen = await open_subject(pilot, screen_key)
            assert screen.marked_ids() is None
            assert_no_cleanup_action(pilot)
            await pilot.press("space", "x", "u", "y")
            assert pilot.app.screen is screen
            for name in CLEANUP_ACTIONS:
                assert await pilot.app.run_action(name, screen) is False
