"""The demo restores the sample's upload dates, which a git checkout does not keep."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from media_factory import SAMPLE_MEDIA
from mediatop.demo import prepare_demo

MANIFEST = SAMPLE_MEDIA.with_name("sample_media.dates.json")


def test_manifest_lists_every_sample_file() -> None:
    dates = json.loads(MANIFEST.read_text())
    files = {p.relative_to(SAMPLE_MEDIA).as_posix() for p in SAMPLE_MEDIA.rglob("*") if p.is_file()}
    assert set(dates) == files


def test_demo_copy_gets_the_recorded_dates_even_from_a_fresh_checkout(tmp_path: Path) -> None:
    fresh = tmp_path / "sample_media"
    shutil.copytree(SAMPLE_MEDIA, fresh)
    shutil.copy(MANIFEST, tmp_path / "sample_media.dates.json")
    for path in fresh.rglob("*"):
        os.utime(path, None)  # what a git clone leaves: every mtime is "now"
    workspace = prepare_demo(fresh, folder=tmp_path / "demo", with_traffic=False)
    dates = json.loads(MANIFEST.read_text())
    logo = workspace.settings.root / "logos" / "site-logo.png"
    assert int(logo.stat().st_mtime) == dates["logos/site-logo.png"]
    assert int((fresh / "logos" / "site-logo.png").stat().st_mtime) != dates["logos/site-logo.png"]
