"""The file screen's traffic and engagement sections, driven with the pilot on real
events written to a real store."""

from __future__ import annotations

from textual.widgets import Sparkline

from mediatop.config import Settings
from mediatop.tui.app import MediatopApp
from mediatop.tui.screens.file_detail import FileDetailScreen
from tui_fixtures import (
    dashboard_app,
    record_engagement,
    static_text,
    wait_for_dashboard,
    wait_until,
)


def app_for(settings: Settings, *, engagement: bool) -> MediatopApp:
    if engagement:
        record_engagement(settings)
    return dashboard_app(settings)


async def open_hero_banner(app: MediatopApp, pilot: object) -> FileDetailScreen:
    await wait_for_dashboard(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, FileDetailScreen)
    await wait_until(pilot, lambda: "Path" in static_text(screen, "#file-facts"))  # type: ignore[arg-type]
    assert "2024/03/hero-banner.jpg" in static_text(screen, "#file-facts")
    return screen


async def test_file_with_events_shows_daily_views_engagement_and_audience(
    snapshot_library: Settings,
) -> None:
    app = app_for(snapshot_library, engagement=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_hero_banner(app, pilot)
        sparkline = screen.query_one("#file-traffic", Sparkline)
        assert sparkline.display
        data = list(sparkline.data or [])
        assert len(data) >= 30 and sum(data) == 14  # one value per day of the range
        title = static_text(screen, "#file-traffic-title")
        assert "Views per day" in title and "14 in all" in title
        more = static_text(screen, "#file-more")
        assert "Engagement" in more
        assert "Clicks" in more and "Click-through rate" in more and "21.4%" in more  # 3 of 14
        assert "Audience" in more
        assert "www.google.com" in more and "desktop" in more and "DE" in more


async def test_file_without_events_leaves_out_the_empty_sections(
    snapshot_library: Settings,
) -> None:
    app = app_for(snapshot_library, engagement=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_hero_banner(app, pilot)
        assert not screen.query_one("#file-traffic", Sparkline).display
        assert not screen.query_one("#file-traffic-title").display
        more = static_text(screen, "#file-more")
        assert "Engagement" not in more and "Audience" not in more
        assert "Optimisation" in more and "Remove unused sizes: save 11.8 kB" in more


async def test_devices_and_countries_from_events_are_shown_as_plain_text(
    snapshot_library: Settings,
) -> None:
    from mediatop.analytics.library.lookup import find_file
    from mediatop.model import UsageEvent
    from mediatop.store import connect, transaction
    from mediatop.store.events import record_usage_events
    from tui_fixtures import FROZEN_TS, HERO

    app = app_for(snapshot_library, engagement=False)
    conn = connect(app.settings.db_path)
    try:
        media_id = find_file(conn, HERO).id
        event = UsageEvent(
            media_id, "view", FROZEN_TS - 3600, "import",
            device="[b]tablet[/b]", country="[@click=app.quit]",
        )  # fmt: skip
        with transaction(conn):
            record_usage_events(conn, [event])
    finally:
        conn.close()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_hero_banner(app, pilot)
        more = static_text(screen, "#file-more")
        assert "[b]tablet[/b]" in more
        assert "[@click=app.quit]" in more
    assert app.return_code in (None, 0)
