"""The Videos screen and a video's file screen, on two player sessions of one clip.

The clip (60 s, as its events say) has two sessions on the day before the frozen clock:
s1 plays from 0, reaches 20 and 40 and completes at 60; s2 plays from 0 and stops at 25.
Worked out by hand, in 10 s buckets (analytics/video/engagement.py's definitions):
- retention (% of sessions whose furthest point reached each bucket): both reach 0, 10
  and 20 s; only s1 goes past the 20 s bucket: 100, 100, 100, 50, 50, 50, 50 (0-60 s);
- drop-off: s2 ended on a stop at 25 s, bucket 20: one session (plotted over the same
  0-60 s points as the retention: 0, 0, 1, 0, 0, 0, 0);
- heatmap (plays - pauses + seeks per bucket, up to 60 s): the two plays at 0: 2, 0, 0,
  0, 0, 0;
- completion: s1 completed, s2 did not: 50 %.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Sparkline, Static

from mediatop.library import MediaLibrary
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.file_detail import FileDetailScreen
from mediatop.tui.widgets.video_plots import VideoPlots
from tui_fixtures import (
    FROZEN_TS,
    dashboard_app,
    file_screen_loaded,
    scanned_library,
    wait_for_dashboard,
    write_file,
)
from tui_screen_fixtures import column, open_subject

CLIP = "2026/03/clip.mp4"
SIZE = (120, 40)


def _session(
    session: str, start: int, moves: list[tuple[str, float]], duration: float = 60
) -> list[dict[str, object]]:
    return [
        {"media": CLIP, "eventType": kind, "currentTime": at, "duration": duration,
         "sessionId": session, "timestamp": start + n, "quality": "720p", "device": "desktop",
         "country": "DE"}
        for n, (kind, at) in enumerate(moves)
    ]  # fmt: skip


def _clip_app(tmp_path: Path, events: list[dict[str, object]]) -> MediatopApp:
    """The dashboard on a library of the one clip, with these player events imported."""
    root = tmp_path / "uploads"
    write_file(root, CLIP.encode(), b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    _root, settings = scanned_library(tmp_path, root)
    path = tmp_path / "player.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    with MediaLibrary(settings) as library:
        report = library.import_events(path)
    assert report.video_events == len(events) and not report.errors
    return dashboard_app(settings)


@pytest.fixture
def video_app(tmp_path: Path) -> MediatopApp:
    start = FROZEN_TS - 86_400
    events = _session(
        "s1", start, [("play", 0), ("progress", 20), ("progress", 40), ("complete", 60)]
    ) + _session("s2", start + 100, [("play", 0), ("stop", 25)])
    return _clip_app(tmp_path, events)


async def _open_clip(pilot: Pilot) -> FileDetailScreen:
    await wait_for_dashboard(pilot)
    videos = await open_subject(pilot, "2")
    assert column(videos, "File") == [CLIP]
    assert column(videos, "Complete") == ["50.0%"]
    await pilot.press("enter")
    screen = await file_screen_loaded(pilot)
    return screen


async def test_a_videos_file_screen_plots_its_retention_drop_off_and_heatmap(
    video_app: MediatopApp,
) -> None:
    async with video_app.run_test(size=SIZE) as pilot:
        screen = await _open_clip(pilot)
        plots = screen.query_one(VideoPlots)
        assert plots.display
        assert list(plots.query_one("#retention-plot", Sparkline).data or []) == [
            100, 100, 100, 50, 50, 50, 50,
        ]  # fmt: skip
        assert list(plots.query_one("#drop-off-plot", Sparkline).data or []) == [
            0, 0, 1, 0, 0, 0, 0,
        ]  # fmt: skip
        assert list(plots.query_one("#heatmap-plot", Sparkline).data or []) == [2, 0, 0, 0, 0, 0]


async def test_the_videos_screen_draws_the_heatmap_of_all_videos(video_app: MediatopApp) -> None:
    async with video_app.run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        videos = await open_subject(pilot, "2")
        assert list(videos.query_one("#heatmap", Sparkline).data or []) == [2, 0, 0, 0, 0, 0]


async def test_a_clip_shorter_than_one_part_has_its_heatmap_as_a_figure(tmp_path: Path) -> None:
    # A 6 s clip, three sessions: plays at 0 (3), one pause at 4 s: engagement 3 - 1 = 2,
    # all in the one 10 s part.
    start = FROZEN_TS - 86_400
    events = [
        *_session("s1", start, [("play", 0), ("complete", 6)], duration=6),
        *_session("s2", start + 50, [("play", 0), ("pause", 4)], duration=6),
        *_session("s3", start + 90, [("play", 0)], duration=6),
    ]
    async with _clip_app(tmp_path, events).run_test(size=SIZE) as pilot:
        await wait_for_dashboard(pilot)
        videos = await open_subject(pilot, "2")
        assert not videos.query_one("#heatmap").display
        title = str(videos.query_one("#heatmap-title", Static).render())
        assert "one 10 s part (no video is longer), engagement 2 " in title


def test_video_file_screen_snapshot(video_app: MediatopApp, snap_compare: object) -> None:
    assert snap_compare(video_app, terminal_size=SIZE, run_before=_open_clip)  # type: ignore[operator]
