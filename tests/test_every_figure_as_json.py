"""Every figure the dashboard shows is in `mediatop report ... --json`, under the key the
README's table names, and is the same number: the boxes show the analytics results the
reports print, read on one store at one moment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mediatop.analytics.context import ReportContext
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.registry import run_report
from mediatop.config import Settings
from mediatop.ingest.locations.importer import import_locations
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.store import connect
from mediatop.timerange import parse_range
from mediatop.tui.data import DashboardData
from mediatop.tui.widgets.storage_overview import StorageOverview
from tui_fixtures import FROZEN_NOW, dashboard_app, wait_for_dashboard

LOG_FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" rt=$request_time cache=$upstream_cache_status'
)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

# (path, server seconds, cache status), all answered 200 on 2026-03-10, five days
# before FROZEN_NOW. Image requests: 3 JPEG + 1 WebP = 4, so WebP usage is 1/4 = 25.0 %.
# Server time: (100 + 200 + 300 + 400 + 1000) / 5 = 400 ms. Cache: HIT, MISS, HIT, HIT,
# MISS = 3 hits of 5 = 60.0 %. No beacon, so client time is unknown.
REQUESTS = [
    ("2024/03/hero-banner.jpg", "0.100", "HIT"),
    ("2024/03/hero-banner.jpg", "0.200", "MISS"),
    ("2024/03/hero-banner.jpg", "0.300", "HIT"),
    ("2025/01/team.webp", "0.400", "HIT"),
    ("2025/02/brochure.pdf", "1.000", "MISS"),
]
# Two image placements, one responsive: mobile optimised is 1/2 = 50.0 %.
PLACEMENTS = [
    {"media": "2024/03/hero-banner.jpg", "type": "post", "id": "7", "responsive": True},
    {"media": "2025/01/team.webp", "type": "post", "id": "7", "responsive": False},
]


def _write_log(path: Path) -> Path:
    day = (FROZEN_NOW - timedelta(days=5)).replace(hour=9)
    lines = []
    for n, (relative, seconds, cache) in enumerate(REQUESTS):
        stamp = (day + timedelta(minutes=n)).strftime("%d/%b/%Y:%H:%M:%S +0000")
        lines.append(
            f'198.51.100.{n + 1} - - [{stamp}] "GET /uploads/{relative} HTTP/1.1" 200 1000 '
            f'"-" "{BROWSER}" rt={seconds} cache={cache}\n'
        )
    path.write_text("".join(lines))
    return path


@pytest.fixture
def served(tmp_path: Path, snapshot_library: Settings) -> Settings:
    settings = snapshot_library
    refs = tmp_path / "placements.jsonl"
    refs.write_text("".join(json.dumps(row) + "\n" for row in PLACEMENTS))
    conn = connect(settings.db_path)
    try:
        import_locations(conn, refs, url_prefixes=settings.url_prefixes)
        tally = ingest_logs(
            conn,
            [_write_log(tmp_path / "access.log")],
            url_prefixes=settings.url_prefixes,
            log_format=LOG_FORMAT,
        )
        assert (tally.accepted, tally.misses) == (len(REQUESTS), 0)
    finally:
        conn.close()
    return settings


def _report(settings: Settings, name: str, **options: str) -> Any:
    """What `mediatop report NAME ROOT --json` prints, at the dashboard's frozen moment
    (the command's own clock is the real one)."""
    conn = connect(settings.db_path, readonly=True)
    try:
        ctx = ReportContext(conn, settings, parse_range("30d", now=FROZEN_NOW), FROZEN_NOW, options)
        return json.loads(json.dumps(to_jsonable(run_report(name, ctx))))
    finally:
        conn.close()


async def _dashboard(settings: Settings) -> DashboardData:
    app = dashboard_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_dashboard(pilot)
        data = app.screen.query_one(StorageOverview).data
    assert data is not None
    return data


async def test_each_dashboard_figure_is_its_report_key(served: Settings) -> None:
    shown = await _dashboard(served)
    overview = _report(served, "overview")
    performance = _report(served, "performance")
    usage = _report(served, "usage", top="25")
    optimization = _report(served, "optimization")

    # Storage Overview: every figure of the box, the unused line included.
    box = shown.overview
    assert overview["totalFiles"] == box.total_files == 7
    assert overview["totalSize"] == box.total_size
    assert overview["storageUsed"] == box.storage_used
    assert overview["storageQuota"] == box.storage_quota
    assert overview["storageUsedPercent"] == box.storage_used_percent
    assert overview["uploadedThisMonth"] == box.uploaded_this_month == 1  # 2026/03/spring.gif
    assert overview["deletedThisMonth"] == box.deleted_this_month == 0
    assert overview["probeErrors"] == box.probe_errors
    assert overview["notYetProbed"] == box.not_yet_probed
    assert overview["byType"] == [
        {"type": t.type, "count": t.count, "size": t.size} for t in box.by_type
    ]
    # Unused: uploaded over 90 days ago, never requested and not placed: logo.png and
    # jingle.wav (hero-banner-300x169.jpg's group was requested; spring.gif is new).
    root = served.root
    unused_bytes = sum(
        (root / p).stat().st_size for p in ("2024/05/logo.png", "2025/02/jingle.wav")
    )
    assert (overview["unused"]["count"], overview["unused"]["potentialSavings"]) == (
        2,
        unused_bytes,
    )
    assert (box.unused.count, box.unused.potential_savings) == (2, unused_bytes)

    # Performance Metrics: the performance report's `dashboard` block.
    assert shown.performance.figures is not None
    on_screen = to_jsonable(shown.performance.figures)
    assert performance["dashboard"] == on_screen
    assert on_screen == {
        "averageServerTimeMs": 400.0,
        "averageClientTimeMs": None,
        "cacheHitRate": 60.0,
        "webPUsage": 25.0,
        "mobileOptimised": 50.0,
    }

    # Most Used Media: each row's use count is its usageCount in `report usage --top 25`.
    assert not shown.most_used_is_largest
    by_id = {row["id"]: row["usageCount"] for row in usage["mostUsedFiles"]}
    assert [(str(r.file_id), r.uses) for r in shown.most_used] == list(by_id.items())
    # Uses = views + downloads: hero-banner.jpg 3 views, team.webp 1 view, brochure.pdf
    # 1 download. Ranked by score (views + 2 × downloads + 5 × places): 3 + 5 = 8,
    # 1 + 5 = 6, 2 × 1 = 2.
    assert [(r.path, r.uses) for r in shown.most_used] == [
        (b"2024/03/hero-banner.jpg", 3),
        (b"2025/01/team.webp", 1),
        (b"2025/02/brochure.pdf", 1),
    ]

    # Optimization Opportunities: each line is the optimization report's line.
    for line in shown.opportunities:
        key = line.label.lower()
        assert optimization[key]["unmeasured"] == line.unmeasured
        if line.count is not None:
            assert optimization[key]["count"] == line.count
        if line.bytes is not None:
            assert optimization[key]["bytes"] == line.bytes
    assert [line.label for line in shown.opportunities] == [
        "Resize",
        "Compress",
        "Remove",
        "Convert",
    ]
    assert optimization["remove"]["count"] == 2  # the two unused files above
