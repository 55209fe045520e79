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
from mediatop.demo import DemoWorkspace, prepare_demo
from mediatop.demo.traffic import (
    _IDLE_SIZES,
    _MISSING,
    _REFERENCED_IDLE,
    _UNUSED,
    DEMO_HOST,
    LOG_FORMAT,
)
from mediatop.ingest.logs.logformat import compile_format
from mediatop.kinds import classify
from mediatop.store import connect
from mediatop.timerange import parse_range

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
Demo = tuple[DemoWorkspace, sqlite3.Connection]
_LINE = re.compile(r'^(\S+) - - \[[^\]]+\] "GET (\S+) HTTP/1.1" (\d{3}) (\d+) "([^"]*)" ')
# A demo log line's day, file (relative to the uploads folder), status, agent, server
# time and cache status.
_FIELDS = re.compile(
    r'\[(\d\d/\w{3}/\d{4}):[^\]]+\] "GET /wp-content/uploads/([^ ?]+)\S* HTTP/1.1" (\d{3}) '
    r'\d+ "[^"]*" "([^"]*)" rt=(\S+) ucs=(\w+)'
)
# The recounts compare whole UTC days (October 2026), which every range rule agrees on.
OCTOBER = ("2026-10-01", "2026-10-31")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    workspace = prepare_demo(folder=tmp_path_factory.mktemp("demo") / "d", now=NOW)
    conn = connect(workspace.settings.db_path)
    yield workspace, conn
    conn.close()


def _report(demo: Demo, name: str, days: tuple[str, str] | None = None) -> Any:
    workspace, conn = demo
    if days is None:
        time_range = parse_range("30d", now=NOW)
    else:
        time_range = parse_range(None, now=NOW, start=days[0], end=days[1])
    ctx = ReportContext(conn, workspace.settings, time_range, NOW, {})
    return to_jsonable(run_report(name, ctx))


def _is_crawler(agent: str) -> bool:
    """The generator's crawler agents: Googlebot, bingbot and curl."""
    return "bot" in agent or agent.startswith("curl/")


def _october_lines(demo: Demo) -> list[re.Match[str]]:
    """The log's requests made in October 2026, parsed."""
    found = [_FIELDS.search(line) for line in _log(demo)]
    return [m for m in found if m is not None and m[1].endswith("/Oct/2026")]


def _library(demo: Demo) -> set[str]:
    root = demo[0].settings.root
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _events(demo: Demo) -> list[dict[str, Any]]:
    return [
        json.loads(raw) for raw in (_inputs(demo) / "demo-events.jsonl").read_text().splitlines()
    ]


def _inputs(demo: Demo) -> Path:
    return demo[0].folder / "demo-inputs"


def _log(demo: Demo) -> list[str]:
    return (_inputs(demo) / "demo-access.log").read_text().splitlines()


def test_demo_log_is_in_a_format_with_server_time_and_cache_status(demo: Demo) -> None:
    fmt = compile_format(LOG_FORMAT)
    assert fmt.has_request_time and fmt.has_cache_status
    lines = _log(demo)
    assert all(fmt.parse(line) is not None for line in lines)
    assert all(_FIELDS.search(line) for line in lines)  # the recounts below read them all


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
    for crawler in ("Googlebot/", "bingbot/", "curl/"):
        assert any(crawler in line for line in lines)
    # A 404 is exactly a link to a file deleted long ago: never a file of the library.
    library = _library(demo)
    parsed = [_FIELDS.search(line) for line in lines]
    assert {m[2] for m in parsed if m and m[3] == "404"} == set(_MISSING)  # type: ignore[index]
    assert all((m[3] == "404") == (m[2] not in library) for m in parsed if m)  # type: ignore[index]
    novembers = [line for line in lines if "/uploads/2026/11/" in line]
    assert novembers and all("/Nov/2026:" in line for line in novembers)


def test_demo_misses_are_the_logs_404s_people_and_crawlers_apart(demo: Demo) -> None:
    october = _october_lines(demo)
    misses = _report(demo, "performance", OCTOBER)["misses"]
    crawlers = sum(m[3] == "404" and _is_crawler(m[4]) for m in october)
    people = sum(m[3] == "404" and not _is_crawler(m[4]) for m in october)
    assert (misses["humanNotFound"], misses["crawlerNotFound"]) == (people, crawlers)
    assert people > 0 and crawlers > 0  # both kinds are there to be told apart


def test_demo_has_unused_candidates_with_evidence(demo: Demo) -> None:
    usage = _report(demo, "usage")
    unused = {u["filename"]: u for u in usage["unusedFiles"]}
    assert set(unused) == set(_UNUSED) | set(_REFERENCED_IDLE)
    assert all(unused[name]["riskLevel"] in ("low", "medium") for name in _UNUSED)
    assert all(unused[name]["riskLevel"] == "high" for name in _REFERENCED_IDLE)
    assert all(unused[name]["evidence"] for name in unused)
    by_risk = usage["unusedSummary"]["byRisk"]
    for risk in ("low", "medium", "high"):
        listed = [u for u in unused.values() if u["riskLevel"] == risk]
        assert by_risk[risk]["count"] == len(listed)
        assert by_risk[risk]["bytes"] == sum(u["size"] for u in listed)
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


def test_demo_cache_hit_rate_is_the_logs(demo: Demo) -> None:
    # People's requests for library files, by their ucs=: HIT is a hit, MISS and EXPIRED
    # are misses (crawlers and 404s for deleted files never count).
    counted = [m for m in _october_lines(demo) if m[2] in _library(demo) and not _is_crawler(m[4])]
    hits = sum(m[6] == "HIT" for m in counted)
    cache = _report(demo, "performance", OCTOBER)["cache"]
    assert (cache["hits"], cache["misses"]) == (hits, len(counted) - hits)
    assert cache["hitRate"] == pytest.approx(100 * hits / len(counted), abs=1e-4)
    videos = [m for m in counted if classify(m[2])[0] == "video"]
    video_hits = sum(m[6] == "HIT" for m in videos)
    assert cache["byType"]["video"] == pytest.approx(100 * video_hits / len(videos), abs=1e-4)


def test_demo_has_server_and_client_load_times(demo: Demo) -> None:
    performance = _report(demo, "performance", OCTOBER)
    everything = next(row for row in performance["loadTimes"] if row["type"] == "all")
    # Server time: every person's request for a library file carries its rt= (seconds).
    counted = [m for m in _october_lines(demo) if m[2] in _library(demo) and not _is_crawler(m[4])]
    server_ms = [1000 * float(m[5]) for m in counted]
    assert everything["serverSamples"] == everything["requests"] == len(server_ms)
    assert everything["serverMeanMs"] == pytest.approx(sum(server_ms) / len(server_ms), abs=1e-4)
    assert everything["serverP50Ms"] <= everything["serverP95Ms"] <= max(server_ms)
    # Client time: every beacon and viewer event of October brings its clientTimeMs.
    client_ms = [
        e["clientTimeMs"] for e in _events(demo)
        if "clientTimeMs" in e and datetime.fromtimestamp(e["timestamp"], UTC).month == 10
    ]  # fmt: skip
    assert everything["clientSamples"] == len(client_ms)
    assert everything["clientMeanMs"] == pytest.approx(sum(client_ms) / len(client_ms), abs=1e-4)


def test_demo_video_sessions_stay_within_the_clips(demo: Demo) -> None:
    _, conn = demo
    rows = conn.execute(
        'SELECT e.session_id, e.event_type, e."current_time", e.duration, f.duration_s '
        "FROM video_engagement_events e JOIN media_files f ON f.id = e.video_id "
        "ORDER BY e.session_id, e.timestamp, e.id"
    ).fetchall()
    generated = [e for e in _events(demo) if e["sessionId"].startswith("demo-player-")]
    assert {row[0] for row in rows} == {e["sessionId"] for e in generated}
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
    stored = conn.execute("SELECT quality, device, country FROM video_sessions").fetchall()
    played = [e for e in generated if e["eventType"] == "play"]
    assert {row[0] for row in stored} == {e["quality"] for e in played}
    assert {row[1] for row in stored} == {e["device"] for e in played}
    assert {row[2] for row in stored} == {e["country"] for e in played}
    videos = _report(demo, "videos")
    longest = max(v["duration"] for v in videos["engagement"]["mostWatchedVideos"])
    drops = videos["engagement"]["dropOffPoints"]
    assert drops and all(point["time"] <= longest for point in drops)
    assert 0 < videos["engagement"]["completionRate"] < 100  # some finish, some do not


def test_demo_documents_are_viewed_and_downloaded(demo: Demo) -> None:
    lines = _log(demo)
    # The generator marks a download in the URL, of a PDF only, always served whole.
    marked = [line for line in lines if "?download=1" in line]
    assert marked and all(".pdf?download=1 " in line and '" 200 ' in line for line in marked)
    assert any(".pdf " in line and '" 200 ' in line for line in lines)  # viewed inline
    rates = _report(demo, "documents")["performance"]["conversionRates"]
    pdfs = [row for row in rates if row["filename"].endswith(".pdf")]
    assert pdfs and all(row["views"] > 0 and row["downloads"] > 0 for row in pdfs)
    assert all(row["conversionRate"] < 100 for row in pdfs)
