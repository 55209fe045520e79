"""The one-file report: metadata, places used, traffic per day, engagement, evidence."""

from __future__ import annotations

import os

import pytest

from mediatop.analytics.file.report import ExactCopy, file_engagement, file_report, file_usage
from mediatop.analytics.jsonable import to_jsonable
from mediatop.measure.hashing import ensure_content_hashes
from mediatop.model import ProbeResult, VideoEngagementEvent
from mediatop.scan.scanner import scan_root
from test_analytics_usage_fixtures import make_store, ref, tracked, ts, view


@pytest.fixture
def store(tmp_path, store_url):
    return make_store(tmp_path, store_url=store_url)


def test_engagement_rates_by_hand(store):
    hero = store.add("hero.jpg", 1000, probe=ProbeResult(format="JPEG", width=800, height=600))
    store.refs(ref("hero.jpg", "12", title="Hello", usage="featured"))
    events = [view(hero, 1, device="mobile") for _ in range(6)]
    events += [view(hero, 2, device="desktop") for _ in range(4)]
    events += [tracked(hero, "click", 1), tracked(hero, "click", 1)]
    events += [tracked(hero, "share", 1), tracked(hero, "download", 1)]
    store.events(events)
    report = file_report(store.ctx("7d", file=str(hero)))
    e = report.engagement
    assert (e.views, e.clicks, e.shares, e.downloads) == (10, 2, 1, 1)
    assert e.click_through_rate == pytest.approx(20.0)  # 2 clicks / 10 views
    assert e.interaction_rate == pytest.approx(40.0)  # (2 + 1 + 1) / 10
    assert e.average_view_time is None and e.completion_rate is None  # not a video
    # 14 counted uses: 6 mobile, 4 desktop, 4 tracked without a device ('other').
    assert [(d.value, d.count) for d in report.devices] == [
        ("mobile", 6),
        ("desktop", 4),
        ("other", 4),
    ]
    assert report.devices[0].percent == pytest.approx(600 / 14)
    assert report.metadata.probe["width"] == 800
    assert [p.title for p in report.used_in] == ["Hello"]
    assert report.unused is None


def test_traffic_has_one_entry_per_day_of_the_range(store):
    hero = store.add("hero.jpg", 1000)
    store.events([view(hero, 1, bytes=10), view(hero, 1, bytes=10), view(hero, 3, bytes=5)])
    traffic = file_usage(store.ctx("7d"), hero).traffic
    # 7d from 2026-11-13 12:00 to 2026-11-20 12:00 touches 8 UTC days.
    assert traffic[0].date == "2026-11-13"
    assert len(traffic) == 8
    by_day = {t.date: (t.views, t.bytes) for t in traffic}
    assert by_day["2026-11-19"] == (2, 20)
    assert by_day["2026-11-17"] == (1, 5)
    assert by_day["2026-11-18"] == (0, 0)


def _session(video: int, session: str, *steps: tuple[str, float, int]) -> list:
    start = ts(1)
    return [
        VideoEngagementEvent(video, kind, at, 60.0, start + offset, session_id=session)
        for kind, at, offset in steps
    ]


def test_video_completion_rate_and_average_view_time(store):
    video = store.add("clip.mp4", 9000, probe=ProbeResult(faststart=False, duration_s=60.0))
    events = []
    events += _session(video, "s1", ("play", 0, 0), ("complete", 60, 60))
    events += _session(video, "s2", ("play", 0, 0), ("pause", 15, 15))
    events += _session(video, "s3", ("play", 0, 0), ("progress", 58, 58))  # >= 95 % of 60
    events += _session(video, "s4", ("play", 0, 0), ("stop", 5, 5))
    store.video_events(events)
    e = file_engagement(store.ctx("7d"), video)
    assert e.sessions == 4
    assert e.completion_rate == pytest.approx(50.0)  # s1 and s3 of 4
    assert e.average_view_time == pytest.approx((60 + 15 + 58 + 5) / 4)
    report = file_report(store.ctx("7d", file="clip.mp4"))
    assert any("faststart" in r for r in report.recommendations)


def test_unused_file_carries_its_evidence_and_a_recommendation(store):
    old = store.add("old.jpg", 5000)
    report = file_report(store.ctx(file="old.jpg"))
    assert report.id == str(old)
    assert report.unused is not None
    assert report.unused.risk_level == "medium"
    assert report.recommendations[0].startswith("Looks unused")


def test_file_by_absolute_path_under_the_root(store):
    hero = store.add("2024/05/hero.jpg", 1000)
    report = file_report(store.ctx(file=str(store.root.resolve() / "2024/05/hero.jpg")))
    assert report.id == str(hero)


def test_unknown_file_raises_lookup_error(store):
    store.add("hero.jpg", 1000)
    with pytest.raises(LookupError, match="no file"):
        file_report(store.ctx(file="nope.jpg"))
    with pytest.raises(LookupError, match="no file"):
        file_report(store.ctx(file="9999"))


def test_file_report_serialises_with_seed_names(store):
    hero = store.add("hero.jpg", 1000)
    store.events([view(hero, 1)])
    data = to_jsonable(file_report(store.ctx(file=str(hero))))
    assert {"usage", "performance", "engagement", "recommendations", "optimization"} <= set(data)
    assert {"views", "clicks", "shares", "downloads", "averageViewTime", "interactionRate"} <= set(
        data["engagement"]
    )
    assert data["usage"]["usageCount"] == 1


def test_oversized_image_gets_the_images_modules_opportunity(store):
    probe = ProbeResult(format="JPEG", width=3000, height=2000, mode="RGB", quality=80)
    big = store.add("big.jpg", 900_000, probe=probe)
    store.refs(ref("big.jpg", "home", type="page", display_width=600))
    report = file_report(store.ctx(file=str(big)))
    assert [o.type for o in report.optimization][:1] == ["resize"]
    assert any(r.startswith("Resize (shown at most 600px wide") for r in report.recommendations)


def test_exact_copies_are_the_other_present_files_with_the_same_bytes(tmp_path):
    store = make_store(tmp_path)
    for name, content in (
        ("a.jpg", b"same bytes"),
        ("b/a-copy.jpg", b"same bytes"),
        ("c.jpg", b"other bytes"),
        ("gone.jpg", b"same bytes"),
    ):
        (store.root / name).parent.mkdir(exist_ok=True)
        (store.root / name).write_bytes(content)
    scan_root(store.conn, store.root, probe=False)
    ids = dict(store.conn.execute("SELECT path, id FROM media_files"))
    (store.root / "gone.jpg").unlink()  # deleted since: no longer a copy
    scan_root(store.conn, store.root, probe=False)
    assert file_report(store.ctx("all", file="a.jpg")).exact_copies == []  # not hashed yet
    ensure_content_hashes(store.conn, store.root, list(ids.values()))
    copies = file_report(store.ctx("all", file="a.jpg")).exact_copies
    assert copies == [ExactCopy(str(ids[b"b/a-copy.jpg"]), b"b/a-copy.jpg", 10)]
    assert to_jsonable(file_report(store.ctx("all", file="c.jpg")))["exactCopies"] == []
    # the copy rewritten since it was hashed (same size, other bytes): its hash is stale
    copy = store.root / "b/a-copy.jpg"
    copy.write_bytes(b"SAME BYTES")
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    scan_root(store.conn, store.root, probe=False)
    assert file_report(store.ctx("all", file="a.jpg")).exact_copies == []
