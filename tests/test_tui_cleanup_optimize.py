"""Optimize in the TUI on real JPEGs: mark an image on the Optimize screen, preview its
measured re-encoding, confirm with y, the file is rewritten smaller with the original
in quarantine, then u undoes it and the original bytes are back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from media_factory import photo
from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.tui.plain import size_text
from mediatop.tui.screens.quarantine import QuarantineScreen
from tui_cleanup_support import SIZE, file_names, mark, preview_shown
from tui_fixtures import dashboard_app, static_text, wait_for_dashboard, wait_until
from tui_screen_fixtures import open_subject


def optimisable(tmp_path: Path) -> Settings:
    """A 1600×1200 JPEG at quality 95 shown 300 px wide (so oversized against 600 px),
    scanned, its savings measured (what the dashboard's background worker does)."""
    root = tmp_path / "media"
    photo(root / "2019/wide.jpg", 1600, 1200, quality=95)
    settings = Settings(root=root, db_path=tmp_path / "store.sqlite3", probe_workers=1)
    with MediaLibrary(settings) as library:
        library.scan()
        places = tmp_path / "places.jsonl"
        places.write_text(json.dumps({"media": "2019/wide.jpg", "type": "post", "id": "1",
                                      "display_width": 300}) + "\n")  # fmt: skip
        library.import_locations(places)
        library.plan_optimize(measure="all")  # measures and stores the savings
    return settings


async def test_optimize_mark_preview_confirm_then_undo(tmp_path: Path) -> None:
    settings = optimisable(tmp_path)
    image = settings.root / "2019/wide.jpg"
    original = image.read_bytes()
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "o")
        assert "2019/wide.jpg" in file_names(screen)
        await mark(pilot, screen, "2019/wide.jpg")
        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = " ".join(static_text(preview, "#preview-body").split())
        assert body.startswith("Re-encode 1 file, saving ")
        assert "resize:600" in body  # twice the 300 px it is shown at
        prompt = static_text(preview, "#preview-prompt")
        assert "Press y to re-encode 1 file (originals into the quarantine)" in prompt
        await pilot.press("y")
        await wait_until(pilot, lambda: preview.state == "done", timeout=60)
        rewritten = image.read_bytes()
        assert len(rewritten) < len(original)
        await pilot.press("escape", "u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        quarantined = pilot.app.screen
        assert isinstance(quarantined, QuarantineScreen)
        await wait_until(pilot, lambda: len(quarantined.plans) == 1)
        assert quarantined.plans[0].action == "optimize"
        await pilot.press("u", "y")
        await wait_until(pilot, lambda: quarantined.changed and not quarantined.undoing, 20)
    assert hashlib.sha256(image.read_bytes()).digest() == hashlib.sha256(original).digest()


async def test_the_optimize_preview_says_why_once(tmp_path: Path) -> None:
    settings = optimisable(tmp_path)
    size = size_text((settings.root / "2019/wide.jpg").stat().st_size)
    async with dashboard_app(settings).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        screen = await open_subject(pilot, "o")
        await mark(pilot, screen, "2019/wide.jpg")
        await pilot.press("x")
        preview = await preview_shown(pilot)
        body = static_text(preview, "#preview-body")
        row = next(line for line in body.splitlines() if "2019/wide.jpg" in line)
        why = row.split(size, 1)[1].strip()  # after the Size column
        # The re-encoding and its measured sizes once, then why 600 px: twice the 300
        # it is shown at. The evidence said the measurement again, in bytes.
        assert why.startswith(f"resize:600: {size} → ")
        assert why.endswith(", measured; resized to 600 px wide, twice its largest display")
        assert why.count("resize:600") == 1 and why.count("→") == 1
        assert "bytes measured" not in why
