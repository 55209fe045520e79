"""The Optimization Opportunities box: honest about what is not measured yet, and showing
bytes once the savings are measured."""

from __future__ import annotations

from pathlib import Path

from mediatop.tui.app import build_app
from tui_fixtures import (
    FROZEN_NOW,
    build_library,
    measure_all_savings,
    scan,
    settings_for,
    static_text,
    wait_for_dashboard,
)


def line_of(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


async def test_convert_line_says_not_measured_rather_than_zero(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    settings = settings_for(tmp_path, root)
    scan(settings)
    app = build_app(settings, now=FROZEN_NOW, watch=False, scan_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        convert = line_of(static_text(app.screen, "#optimization-figures"), "Convert")
        assert "?" in convert and "not measured yet" in convert
        assert " 0 " not in convert


async def test_convert_line_shows_bytes_once_savings_are_measured(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    settings = settings_for(tmp_path, root)
    scan(settings)
    measure_all_savings(settings)
    app = build_app(settings, now=FROZEN_NOW, watch=False, scan_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        figures = static_text(app.screen, "#optimization-figures")
        convert = line_of(figures, "Convert")
        assert "not measured" not in convert
        assert "save " in convert and "kB" in convert
        assert "not measured" not in static_text(app.screen, "#optimization-notes")
