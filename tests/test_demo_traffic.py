"""The demo's traffic is realistic enough that every dashboard figure shows something true.

One demo (sample_media/ copied, scanned, probed, with demo traffic loaded through the
real ingest paths) at a frozen clock; the reports are read as the CLI would compute them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mediatop.analytics.context import ReportContext
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.registry import run_report
from mediatop.analytics.timerange import parse_range
from mediatop.demo import DemoWorkspace, prepare_demo
from mediatop.ingest.demo_traffic import (
    _IDLE_SIZES,
    _REFERENCED_IDLE,
    _UNUSED,
    DEMO_HOST,
    LOG_FORMAT,
)
from mediatop.ingest.logformat import compile_format
from mediatop.store import connect

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
Demo = tuple[DemoWorkspace, sqlite3.Connection]
_LINE = re.compile(r'^(\S+) - - \[[^\]]+\] "GET (\S+) HTTP/1.1" (\d{3}) (\d+) "([^"]*)" ')


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    workspace = prepare_demo(folder=tmp_path_factory.mktemp("demo") / "d", now=NOW)
    conn = connect(workspace.settings.db_path)
    yield workspace, conn
    conn.close()


def _report(demo: Demo, name: str) -> Any:
    workspace, conn = demo
    ctx = ReportContext(conn, workspace.settings, parse_range("30d", now=NOW), NOW, {})
    return to_jsonable(run_report(name, ctx))


def _inputs(demo: Demo) -> Path:
    return demo[0].folder / "demo-inputs"


def _log(demo: Demo) -> list[str]:
    return (_inputs(demo) / "demo-access.log").read_text().splitlines()


def test_demo_log_is_in_a_format_with_server_time_and_cache_status(demo: Demo) -> None:
    fmt = compile_format(LOG_FORMAT)
    assert fmt.has_request_time and fmt.has_cache_status
    lines = _log(demo)
    assert all(fmt.parse(line) is not None for line in lines)
    _, conn = demo
    assert conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0] > 20_000


def test_demo_is_labelled(demo: Demo) -> None:
    for line in _log(demo):
        ip, _, _, _, referrer = _LINE.match(line).groups()  # type: ignore[union-attr]
        assert ip.startswith(("192.0.2.", "198.51.100."))
        assert referrer == "-" or referrer.startswith(f"https://{DEMO_HOST}/")
    for raw in (_inputs(demo) / "demo-events.jsonl").read_text().splitlines():
        assert json.loads(raw)["sessionId"].startswith("demo-")
    pages = list((_inputs(demo) / "demo-content").rglob("*.html"))
    assert pages and all("(demo)</title>" in page.read_text() for page in pages)


def test_demo_has_crawlers_404s_and_no_request_before_upload(demo: Demo) -> None:
    lines = _log(demo)
    assert sum("Googlebot" in line or "bingbot" in line for line in lines) > 100
    missing = [line for line in lines if '" 404 ' in line]
    assert 100 < len(missing) < 0.05 * len(lines)
    novembers = [line for line in lines if "/uploads/2026/11/" in line]
    assert novembers and all("/Nov/2026:" in line for line in novembers)


def test_demo_has_unused_candidates_with_evidence(demo: Demo) -> None:
    usage = _report(demo, "usage")
    unused = {u["filename"]: u for u in usage["unusedFiles"]}
    assert set(unused) == set(_UNUSED) | set(_REFERENCED_IDLE)
    assert 6 <= len(_UNUSED) <= 10
    assert all(unused[name]["riskLevel"] in ("low", "medium") for name in _UNUSED)
    assert all(unused[name]["riskLevel"] == "high" for name in _REFERENCED_IDLE)
    assert all(unused[name]["evidence"] for name in unused)
    assert usage["unusedSummary"]["byRisk"]["low"]["count"] >= 5
    # nothing in the inputs names an unused file
    log = "\n".join(_log(demo))
    events = (_inputs(demo) / "demo-events.jsonl").read_text()
    pages = "".join(p.read_text() for p in (_inputs(demo) / "demo-content").rglob("*.html"))
    for name in _UNUSED:
        assert name not in log and name not in events and name not in pages


def test_demo_has_unused_generated_sizes(demo: Demo) -> None:
    opportunities = _report(demo, "optimization")["opportunities"]
    listed = {
        f"{o['filename'].rsplit('.', 1)[0]}-{size}.{o['filename'].rsplit('.', 1)[1]}"
        for o in opportunities
        if o["unusedSizes"]
        for size in o["unusedSizes"]
    }
    assert set(_IDLE_SIZES) <= listed


def test_demo_cache_hit_rate_is_known_and_plausible(demo: Demo) -> None:
    cache = _report(demo, "performance")["cache"]
    assert 70 <= cache["hitRate"] <= 85
    assert 75 <= cache["byType"]["image"] <= 88
    assert cache["byType"]["video"] < cache["byType"]["image"] - 20


def test_demo_has_server_and_client_load_times(demo: Demo) -> None:
    performance = _report(demo, "performance")
    everything = next(row for row in performance["loadTimes"] if row["type"] == "all")
    assert everything["serverSamples"] == everything["requests"] > 4000
    assert 10 <= everything["serverMeanMs"] <= 80
    assert everything["serverP50Ms"] < everything["serverP95Ms"]
    assert everything["clientSamples"] > 200
    assert everything["serverMeanMs"] < everything["clientMeanMs"] < 300
    # larger files take longer: the slowest are the largest images, not the icons
    assert performance["slowestFiles"][0]["size"] > 100_000


def test_demo_video_sessions_stay_within_the_clips(demo: Demo) -> None:
    _, conn = demo
    rows = conn.execute(
        'SELECT e.session_id, e.event_type, e."current_time", e.duration, f.duration_s '
        "FROM video_engagement_events e JOIN media_files f ON f.id = e.video_id "
        "ORDER BY e.session_id, e.timestamp, e.id"
    ).fetchall()
    assert len({row[0] for row in rows}) > 150
    for _, _, position, duration, probed in rows:
        assert duration == pytest.approx(probed)
        assert 0 <= position <= probed
    first: dict[str, tuple[str, float]] = {}
    for session, etype, position, _, _ in rows:
        first.setdefault(session, (etype, position))
    assert set(first.values()) == {("play", 0.0)}
    kinds = {row[1] for row in rows}
    assert {"play", "progress", "seek", "pause", "stop", "complete"} <= kinds
    assert conn.execute("SELECT count(*) FROM video_engagement_events WHERE buffering").fetchone()
    assert conn.execute(
        "SELECT count(DISTINCT quality), count(DISTINCT device), count(DISTINCT country) "
        "FROM video_sessions"
    ).fetchone() >= (3, 3, 5)
    videos = _report(demo, "videos")
    longest = max(v["duration"] for v in videos["engagement"]["mostWatchedVideos"])
    drops = videos["engagement"]["dropOffPoints"]
    assert drops and all(point["time"] <= longest for point in drops)
    assert 30 <= videos["engagement"]["completionRate"] <= 80


def test_demo_documents_are_viewed_and_downloaded(demo: Demo) -> None:
    pdf_lines = [line for line in _log(demo) if ".pdf" in line and '" 404 ' not in line]
    downloads = sum("?download=1" in line for line in pdf_lines)
    assert 0.1 * len(pdf_lines) < downloads < 0.4 * len(pdf_lines)
    rates = _report(demo, "documents")["performance"]["conversionRates"]
    pdfs = [row for row in rates if row["filename"].endswith(".pdf")]
    assert pdfs and all(row["views"] > 0 and row["downloads"] > 0 for row in pdfs)
    assert all(row["conversionRate"] < 100 for row in pdfs)
