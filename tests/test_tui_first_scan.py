"""The dashboard's first scan of a new library: the status line tells the files walked,
then the files probed of all there are to probe, and the boxes fill with the walked
files while the probes still run, not only when the scan ends.

A real tree (four copies of sample_media/) and a real store; the app is driven by the
pilot with no watch of the folder or the store, so every load seen is the scan's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from mediatop.tui.messages import DashboardLoaded, ScanFinished
from mediatop.tui.widgets.status_line import StatusLine
from tui_fixtures import dashboard_app, rendered_text, settings_for, wait_until

SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
COPIES = 4
# sample_media/ holds 60 files, 54 of them with a prober (6 are .zip, .json, .txt,
# .docx or .csv): four copies are 4 x 60 = 240 files, 4 x 54 = 216 to probe. That is
# under the 256 results the scan stores at a time, so no probe reaches the store
# before the last one is done.
FILES, TO_PROBE = COPIES * 60, COPIES * 54


@pytest.fixture
def new_library(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    for copy in range(COPIES):
        shutil.copytree(SAMPLE_MEDIA, root / f"site-{copy}")
    return root


async def test_first_scan_shows_walked_then_probed_of_all_and_fills_the_boxes_early(
    tmp_path: Path, new_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    show_progress = StatusLine.show_progress

    def record(self: StatusLine, progress: Any) -> None:
        show_progress(self, progress)
        shown.append(rendered_text(self.content).strip())

    monkeypatch.setattr(StatusLine, "show_progress", record)
    dispatched: list[Message] = []
    settings = settings_for(tmp_path, new_library)
    assert not settings.db_path.exists()  # a new library: no store yet
    app = dashboard_app(settings, scan_on_start=True, measure_savings=False)
    async with app.run_test(size=(120, 40), message_hook=dispatched.append) as pilot:
        await wait_until(
            pilot, lambda: any(isinstance(m, ScanFinished) for m in dispatched), timeout=60
        )
        finished_at = next(i for i, m in enumerate(dispatched) if isinstance(m, ScanFinished))
        await wait_until(
            pilot,
            lambda: any(isinstance(m, DashboardLoaded) for m in dispatched[finished_at:]),
            timeout=30,
        )
        await pilot.pause()
    # The status line: the walk's whole count as it is recorded, then probing counts
    # of all 216.
    recorded = shown.index(f"Scanning the folder — recording {FILES} files…")
    probing = [text for text in shown if "probing" in text]
    assert probing and all(text.endswith(f"/{TO_PROBE} files…") for text in probing)
    assert shown[recorded + 1 :] == probing
    # Before the scan finished, the boxes were loaded with the 240 walked files, none of
    # them probed yet; after it, with every one probed.
    early = [m.data.overview for m in dispatched[:finished_at] if isinstance(m, DashboardLoaded)]
    assert [(o.total_files, o.not_yet_probed) for o in early[:1]] == [(FILES, TO_PROBE)]
    late = [m.data.overview for m in dispatched[finished_at:] if isinstance(m, DashboardLoaded)]
    assert (late[-1].total_files, late[-1].not_yet_probed) == (FILES, 0)
