"""The Optimization Opportunities box: honest about what is not measured yet, showing
bytes once the savings are measured, and the background measuring that fills them in."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.message import Message
from textual.worker import Worker

from mediatop.config import Settings
from mediatop.library import MeasureProgress, MediaLibrary
from mediatop.tui.app import MediatopApp
from mediatop.tui.messages import SavingsMeasured
from mediatop.tui.screens.dashboard import LOAD_WORKER
from tui_fixtures import (
    build_library,
    dashboard_app,
    measure_all_savings,
    settings_for,
    static_text,
    wait_for_dashboard,
    wait_until,
)


def images_to_measure(settings: Settings) -> list[int]:
    return MediaLibrary(settings).images_to_measure()


def line_of(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


async def test_convert_line_counts_candidates_before_their_savings_are_measured(
    app: MediatopApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        convert = line_of(static_text(app.screen, "#optimization-figures"), "Convert")
        # The candidates come from facts, measured or not: the still JPEG/PNG/GIF images
        # (hero-banner.jpg, its 300x169 size, logo.png, spring.gif).
        assert "4 images to WebP/AVIF" in convert and "not measured yet" in convert
        assert "?" not in convert and " 0 " not in convert


async def test_convert_line_shows_bytes_once_savings_are_measured(
    snapshot_library: Settings,
) -> None:
    settings = snapshot_library
    measure_all_savings(settings)
    app = dashboard_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        figures = static_text(app.screen, "#optimization-figures")
        convert = line_of(figures, "Convert")
        assert "not measured" not in convert
        assert "save " in convert and "kB" in convert
        assert "not measured" not in static_text(app.screen, "#optimization-notes")


async def test_savings_are_measured_in_the_background_after_the_start_up_scan(
    tmp_path: Path,
) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    settings = settings_for(tmp_path, root)
    app = dashboard_app(settings, scan_on_start=True)  # scans on start, then measures
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: "Savings measured for 5 images." in static_text(app.screen, "#status"),
            timeout=30,
        )
        # The reload the last batch asked for lands after the status line moved on.
        await wait_until(
            pilot,
            lambda: "save " in line_of(static_text(app.screen, "#optimization-figures"), "Convert"),
        )
        assert "Scanned 7 files (7 new" in static_text(app.screen, "#status")
    assert images_to_measure(settings) == []


async def test_no_savings_are_measured_without_a_scan(app: MediatopApp) -> None:
    workers_started: list[str] = []
    measured: list[SavingsMeasured] = []

    def note(message: Message) -> None:
        if isinstance(message, Worker.StateChanged):
            workers_started.append(message.worker.name)
        elif isinstance(message, SavingsMeasured):
            measured.append(message)

    async with app.run_test(size=(120, 40), message_hook=note) as pilot:
        await wait_for_dashboard(pilot)
        # Idle: every worker the app started has ended (nothing watches), so nothing is
        # left that could still begin measuring.
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
        await pilot.pause()
        assert LOAD_WORKER in workers_started  # the hook does see the workers start
        assert "measure savings" not in workers_started and measured == []
        assert "Measuring" not in static_text(app.screen, "#status")
    assert len(images_to_measure(app.settings)) == 5


def test_measuring_goes_batch_by_batch_until_every_image_is_measured(
    snapshot_library: Settings,
) -> None:
    settings = snapshot_library
    library = MediaLibrary(settings)
    steps = list(library.measure_in_batches(cancelled=lambda: False, budget_s=0.3))
    assert steps[0] == MeasureProgress(0, 5)
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    assert steps[-1] == MeasureProgress(5, 5, finished=True)
    assert images_to_measure(settings) == []


def test_measuring_stops_between_batches_once_cancelled(snapshot_library: Settings) -> None:
    settings = snapshot_library
    steps = list(MediaLibrary(settings).measure_in_batches(cancelled=lambda: True))
    assert steps == [MeasureProgress(0, 5)]
    assert len(images_to_measure(settings)) == 5
