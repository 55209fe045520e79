"""`mediatop report file --file ID` carries the analysis of the file's kind: a video's
VideoEngagementAnalysis and DeliveryOptimizationPlan, an image's
ImagePerformanceAnalysis, a document's DocumentInsights; a report that takes no
`--file` refuses one. Events go in through the real paths (access log, import-events
JSONL); the CLI reads the real clock, so every event sits at noon of a day counted
back from today and the range is given as whole days with --from/--to."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from mediatop.cli import main
from mediatop.ingest.events.tracked import import_events
from mediatop.ingest.locations.importer import import_locations
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.model import ProbeResult
from mediatop.scan import scan_root
from mediatop.store import connect, transaction
from mediatop.store.files import save_probes
from tui_fixtures import image_bytes

PREFIXES = ("/uploads/",)
LOG_FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" rt=$request_time cache=$upstream_cache_status'
)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def _day(days_ago: int) -> date:
    return datetime.now(UTC).date() - timedelta(days=days_ago)


def _noon(days_ago: int, minute: int = 0) -> datetime:
    return datetime.combine(_day(days_ago), time(12, minute), UTC)


def _log_line(n: int, days_ago: int, path: str, status: int, agent: str, rt: str, cache: str):
    stamp = _noon(days_ago, n).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return (
        f'198.51.100.{n + 1} - - [{stamp}] "GET /uploads/{path} HTTP/1.1" {status} 1000 '
        f'"-" "{agent}" rt={rt} cache={cache}\n'
    )


def _library(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    root = tmp_path / "media"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    try:
        scan_root(conn, root, workers=1)
    finally:
        conn.close()
    return root, db


def _feed(tmp_path: Path, db: Path, log: list[str], events: list[dict], refs: list[dict]) -> None:
    conn = connect(db)
    try:
        if refs:
            path = tmp_path / "refs.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in refs))
            import_locations(conn, path, url_prefixes=PREFIXES)
        if log:
            path = tmp_path / "access.log"
            path.write_text("".join(log))
            ingest_logs(conn, [path], url_prefixes=PREFIXES, log_format=LOG_FORMAT)
        if events:
            path = tmp_path / "events.jsonl"
            path.write_text("".join(json.dumps(e) + "\n" for e in events))
            assert not import_events(conn, path, url_prefixes=PREFIXES).errors
    finally:
        conn.close()


def _file_id(db: Path, path: str) -> int:
    conn = connect(db)
    try:
        return int(
            conn.execute("SELECT id FROM media_files WHERE path = ?", (path.encode(),)).fetchone()[
                0
            ]
        )
    finally:
        conn.close()


def _file_report(capsys, root: Path, db: Path, file: str, first: int, last: int) -> Any:
    code = main([
        "report", "file", str(root), "--db", str(db), "--file", file, "--json",
        "--from", _day(first).isoformat(), "--to", _day(last).isoformat(),
    ])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_a_report_that_takes_no_file_refuses_one(tmp_path: Path, capsys) -> None:
    root, db = _library(tmp_path, {"clip.mp4": b"x" * 10})
    code = main(["report", "videos", str(root), "--db", str(db), "--file", "1", "--json"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert "report videos does not take --file" in err and "Traceback" not in err


def test_a_video_carries_its_engagement_analysis_and_delivery_plan(tmp_path: Path, capsys) -> None:
    root, db = _library(tmp_path, {"clip.mp4": b"v" * 50_000, "clip-480p.mp4": b"v" * 10_000})
    clip, small = _file_id(db, "clip.mp4"), _file_id(db, "clip-480p.mp4")
    conn = connect(db)
    with transaction(conn):
        save_probes(conn, [
            (clip, ProbeResult(format="MP4", width=1920, height=1080, codec="h264",
                               bitrate=15_000_000, duration_s=60.0, faststart=False)),
            (small, ProbeResult(format="MP4", width=854, height=480, codec="h264",
                                bitrate=1_200_000, duration_s=60.0, faststart=True)),
        ], now=0)  # fmt: skip
    conn.close()
    t1, t2 = _noon(2).timestamp(), _noon(2, 30).timestamp()
    one = {"videoId": clip, "sessionId": "s1", "userId": "u1", "duration": 60,
           "device": "desktop", "country": "DE", "quality": "720p"}  # fmt: skip
    two = {"videoId": clip, "sessionId": "s2", "userId": "u2", "duration": 60,
           "device": "mobile", "country": "FR", "quality": "360p"}  # fmt: skip
    events = [
        {**one, "eventType": "play", "currentTime": 0, "timestamp": t1},
        {**one, "eventType": "seek", "seekFrom": 5, "currentTime": 25, "timestamp": t1 + 5},
        {**one, "eventType": "pause", "currentTime": 32, "timestamp": t1 + 12},
        {**two, "eventType": "play", "currentTime": 0, "timestamp": t2},
        {**two, "eventType": "progress", "currentTime": 30, "buffering": True,
         "timestamp": t2 + 31},
        {**two, "eventType": "complete", "currentTime": 60, "timestamp": t2 + 62},
        # Two beacons time the file in the browser: 250 and 350 ms.
        {"media": "clip.mp4", "eventType": "view", "clientTimeMs": 250, "timestamp": t1},
        {"media": "clip.mp4", "eventType": "view", "clientTimeMs": 350, "timestamp": t2},
    ]  # fmt: skip
    _feed(tmp_path, db, [], events, [])
    data = _file_report(capsys, root, db, str(clip), 3, 1)
    assert data["imagePerformance"] is None and data["documentInsights"] is None

    analysis = data["videoEngagement"]
    # Two sessions by two users; s2 completed: 1 of 2 = 50 %.
    assert analysis["overview"]["totalViews"] == 2
    assert analysis["overview"]["uniqueViewers"] == 2
    assert analysis["overview"]["completionRate"] == 50.0
    # s1 ended on a pause at 32 s: one drop-off in the 30 s bucket, 1 of 2 sessions.
    assert analysis["engagement"]["dropOffPoints"] == [{"time": 30, "count": 1, "percentage": 50.0}]
    # One seek, from 5 s to 25 s: lands in the 20 s bucket, forward, a 20 s jump.
    assert analysis["engagement"]["seekPatterns"] == [
        {"time": 20, "count": 1, "forward": 1, "backward": 0, "averageJump": 20.0}
    ]
    assert [(q["value"], q["sessions"]) for q in analysis["engagement"]["qualityPreferences"]] == [
        ("360p", 1),
        ("720p", 1),
    ]
    # Furthest positions 32 s (reaches the 30 s point) and 60 s: both sessions at 0-30 s,
    # one from 40 s to 60 s.
    curve = [(p["time"], p["sessions"]) for p in analysis["audience"]["retentionCurve"]]
    assert curve == [(0, 2), (10, 2), (20, 2), (30, 2), (40, 1), (50, 1), (60, 1)]
    assert [
        (g["value"], g["percentage"]) for g in analysis["audience"]["geographicDistribution"]
    ] == [
        ("DE", 50.0),
        ("FR", 50.0),
    ]

    plan = data["deliveryOptimization"]
    assert plan["currentDelivery"] == {
        "formats": ["MP4"],
        "qualities": ["1080p", "480p"],  # the 480p version beside it
        "avgLoadTime": 300.0,  # (250 + 350) / 2, client time
        "loadTimeSource": "client",
        "bufferingRate": 50.0,  # s2 buffered: 1 of 2 sessions
    }
    # 15 Mbit/s where 1080p H.264 needs 6: ratio 2.5 > 2, so re-encoding saves an
    # estimated size × (1 − 6/15) = 50,000 × 0.6 = 30,000 bytes.
    assert plan["expectedImprovements"] == {
        "loadTimeReduction": None,
        "bufferingReduction": None,
        "storageSavings": 30_000,
    }
    advice = " ".join(plan["recommendations"])
    assert "faststart" in advice and "6000 kbit/s" in advice and "lower-resolution" not in advice


def test_an_image_carries_its_performance_analysis(tmp_path: Path, capsys) -> None:
    photo = image_bytes(800, 600, "JPEG", (200, 40, 40))
    root, db = _library(tmp_path, {"photo.jpg": photo})
    log = [
        _log_line(0, 2, "photo.jpg", 200, BROWSER, "0.100", "HIT"),
        _log_line(1, 2, "photo.jpg", 200, BROWSER, "0.300", "MISS"),
    ]
    refs = [
        {"media": "photo.jpg", "type": "post", "id": "1", "responsive": True},
        {"media": "photo.jpg", "type": "post", "id": "2", "responsive": True},
        {"media": "photo.jpg", "type": "page", "id": "3", "responsive": False},
    ]
    _feed(tmp_path, db, log, [], refs)
    data = _file_report(capsys, root, db, "photo.jpg", 3, 1)
    assert data["videoEngagement"] is None and data["deliveryOptimization"] is None
    analysis = data["imagePerformance"]
    assert analysis["image"]["width"] == 800 and analysis["image"]["mode"] == "RGB"
    assert analysis["usage"]["views"] == 2
    # An 800 × 600 RGB image decodes to 800 × 600 × 3 = 1,440,000 bytes.
    assert analysis["performance"] == {
        "loadTime": 200.0,  # (100 + 300) / 2 ms, server time: no beacon
        "loadTimeSource": "server",
        "cacheHitRate": 50.0,  # HIT, MISS
        "compressionRatio": round(len(photo) / 1_440_000, 4),
        "responsiveEffectiveness": round(200 / 3, 4),  # 2 of 3 placements
    }
    # Nothing re-encoded yet: the saving and the optimised size are not known.
    assert analysis["optimization"]["currentSize"] == len(photo)
    assert analysis["optimization"]["potentialSavings"] is None
    assert analysis["optimization"]["optimizedSize"] is None


def test_a_document_carries_its_insights(tmp_path: Path, capsys) -> None:
    pdf = image_bytes(300, 400, "PDF", (255, 255, 255))
    root, db = _library(tmp_path, {"guide.pdf": pdf})
    log = [
        _log_line(0, 4, "guide.pdf", 200, BROWSER, "0.300", "MISS"),
        _log_line(1, 3, "guide.pdf", 416, BROWSER, "0.300", "MISS"),
        _log_line(2, 3, "guide.pdf", 200, CRAWLER, "0.300", "MISS"),
        _log_line(3, 1, "guide.pdf", 200, BROWSER, "0.300", "MISS"),
    ]
    events = [
        {"media": "guide.pdf", "eventType": "view", "userId": "editor",
         "timestamp": _noon(1, 30).timestamp()},
    ]  # fmt: skip
    _feed(tmp_path, db, log, events, [])
    # Days: 4, 3, 2 and 1 days ago.
    data = _file_report(capsys, root, db, "guide.pdf", 4, 1)
    assert data["imagePerformance"] is None and data["videoEngagement"] is None
    insights = data["documentInsights"]
    assert insights["document"]["format"] == "PDF"
    trend = insights["usage"].pop("popularityTrend")
    # Human requests answered 200: 2 downloads; the tracked view is a preview.
    assert insights["usage"] == {"totalAccesses": 3, "downloads": 2, "previews": 1, "shares": 0}
    # Accesses per day: 1 download; 0 (a 416 and a crawler); 0; 1 download + 1 preview.
    # First half 1, second half 2: +100 %.
    assert [d["accesses"] for d in trend["daily"]] == [1, 0, 0, 2]
    assert (trend["firstHalf"], trend["secondHalf"], trend["change"]) == (1, 2, 100.0)
    assert insights["performance"] == {
        "averageDownloadTime": 300.0,  # every human request took 300 ms on the server
        "downloadTimeSource": "server",
        "downloadSuccessRate": round(200 / 3, 4),  # 2 of 3 human requests under 400
        "previewLoadTime": None,  # no viewer reports its render time
    }
    user_types = {u["value"]: u["count"] for u in insights["audience"]["userTypes"]}
    # 2 anonymous downloads, 1 known user's preview, 1 crawler request.
    assert user_types == {"anonymous": 2, "known": 1, "bot": 1}
