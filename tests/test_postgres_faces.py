"""The faces on a PostgreSQL store: the dashboard opens on it and follows another
connection's writes (the store notifies; nothing polls), and the HTTP API reads it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import httpx

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.library import MediaLibrary
from mediatop.scan.scanner import scan_root
from mediatop.store import connect
from mediatop.store.watch import StoreChanged, watch_store
from mediatop.tui.widgets.most_used import MostUsed
from mediatop.tui.widgets.storage_overview import StorageOverview
from serve_support import running_server
from tui_fixtures import (
    FROZEN_NOW,
    FROZEN_TS,
    build_library,
    dashboard_app,
    settings_for,
    wait_for_dashboard,
    wait_until,
    write_access_log,
)


def _three_views_of_the_logo(path: Path) -> Path:
    stamp = FROZEN_NOW.strftime("%d/%b/%Y:%H:%M:%S +0000")
    path.write_text(
        "".join(
            f'203.0.113.{i} - - [{stamp}] "GET /uploads/2024/05/logo.png HTTP/1.1" 200 512 '
            f'"-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
            for i in range(1, 4)
        )
    )
    return path


async def test_the_dashboard_on_a_postgres_store_follows_another_connections_ingest(
    tmp_path: Path, pg_store_url: str
) -> None:
    root = tmp_path / "uploads"
    build_library(root)  # seven files (tui_fixtures.build_library)
    settings = replace(settings_for(tmp_path, root), db_url=pg_store_url)
    conn = connect(settings.store)
    scan_root(conn, root, workers=1, now=FROZEN_TS)
    conn.close()
    app = dashboard_app(settings, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        overview = app.screen.query_one(StorageOverview).data
        assert overview is not None and overview.overview.total_files == 7
        most_used = app.screen.query_one(MostUsed)
        assert most_used.border_title == "Largest Files"  # no traffic yet
        writer = connect(pg_store_url)  # as `mediatop ingest` on another node would
        try:
            ingest_logs(
                writer,
                [_three_views_of_the_logo(tmp_path / "a.log")],
                url_prefixes=settings.url_prefixes,
            )
        finally:
            writer.close()
        await wait_until(pilot, lambda: most_used.border_title == "Most Used Media", timeout=5)
        data = most_used.data
        assert data is not None and data.most_used[0].path == b"2024/05/logo.png"
        assert data.most_used[0].uses == 3  # the three log lines


async def test_a_commit_to_a_postgres_store_is_notified_without_polling(
    pg_store_url: str,
) -> None:
    seen: list[StoreChanged] = []
    stop = asyncio.Event()
    # An hour between looks at `stop`: only a notification can wake the watcher in time.
    watcher = asyncio.create_task(watch_store(pg_store_url, stop, seen.append, interval=3600))
    await asyncio.sleep(0.5)  # LISTEN has been sent
    writer = connect(pg_store_url)
    writer.execute("INSERT INTO store_meta (key, value) VALUES ('k', 'v')")
    writer.close()
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.05)
    assert seen == [StoreChanged(1)]
    stop.set()
    watcher.cancel()


def test_the_http_api_reads_a_postgres_store(tmp_path: Path, pg_store_url: str) -> None:
    root = tmp_path / "uploads"
    build_library(root)
    library = MediaLibrary.open(root, db=pg_store_url)
    library.scan()
    conn = connect(pg_store_url)
    ingest_logs(conn, [write_access_log(tmp_path / "access.log")], url_prefixes=("/uploads/",))
    conn.close()
    with running_server(library) as base:
        answer = httpx.get(
            f"{base}/api/analytics/media/usage", params={"from": "2026-03-07", "to": "2026-03-15"}
        )
    assert answer.status_code == 200
    top = answer.json()["mostUsedFiles"][0]
    # write_access_log: logo.png is asked for 9 times, the most of any file.
    assert (top["filename"], top["views"]) == ("2024/05/logo.png", 9)
