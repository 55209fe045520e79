"""Insights: each finding carries the figures that triggered it, computed here by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediatop.analytics.insights.report import insights_report
from mediatop.analytics.jsonable import to_jsonable
from mediatop.model import ProbeResult, VideoEngagementEvent
from test_analytics_usage_fixtures import NOW, make_store, ref, ts, view


def _by_topic(report):
    return {i.topic: i for i in report.insights}


def test_quota_reached_within_a_month_is_critical(tmp_path, store_url):
    store = make_store(tmp_path, quota=130_000, store_url=store_url)
    for day in range(120):  # 1,000 bytes a day: 120,000 used, 10,000 left -> 10 days
        store.add(f"f{day}.jpg", 1000, uploaded_days_ago=day + 0.01)
    quota = _by_topic(insights_report(store.ctx()))["quota"]
    assert quota.severity == "critical"
    assert quota.figures["daysLeft"] == pytest.approx(10.0)
    assert quota.figures["quotaReachedOn"] == (NOW + timedelta(days=10)).date()
    assert str((NOW + timedelta(days=10)).date()) in quota.message
    assert insights_report(store.ctx()).insights[0].topic == "quota"  # most severe first


def test_far_quota_says_nothing(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    store.add("a.jpg", 1000, uploaded_days_ago=3)
    assert "quota" not in _by_topic(insights_report(store.ctx()))


def test_unused_figures(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    store.add("lonely.jpg", 5000)
    store.add("old.pdf", 800)
    unused = _by_topic(insights_report(store.ctx()))["unused"]
    # Without logs nothing is low risk: both are medium.
    assert unused.figures == {
        "files": 2,
        "bytes": 5800,
        "lowRiskFiles": 0,
        "lowRiskBytes": 0,
        "unusedDays": 90,
    }
    assert unused.message.startswith("2 files (5.8 kB) look unused")


def test_cache_load_and_error_findings(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    a = store.add("a.jpg", 1000)
    events = [view(a, 1, server_time_ms=1500.0, cache_status="hit") for _ in range(6)]
    events += [view(a, 1, server_time_ms=1500.0, cache_status="miss") for _ in range(3)]
    events.append(view(a, 1, status=404, server_time_ms=1.0))
    store.events(events)
    found = _by_topic(insights_report(store.ctx()))
    assert found["cache"].figures["hitRate"] == pytest.approx(200 / 3)  # 6 of 9
    assert found["cache"].figures["misses"] == 3
    # 10 samples: 1 ms and 9 × 1500 ms; p95 rank 10 is a 1500 ms sample (never more than
    # the largest, where the bucket's upper bound read 2**10.75 ≈ 1722 ms).
    assert found["load"].figures["p95Ms"] == pytest.approx(1500.0)
    assert found["errors"].figures["errorRate"] == pytest.approx(10.0)  # 1 of 10 requests


def test_library_findings_broken_refs_faststart_and_pdfs(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    store.add("clip.mp4", 9000, probe=ProbeResult(faststart=False))
    store.add("ok.mp4", 9000, probe=ProbeResult(faststart=True))
    store.add("scan.pdf", 100, probe=ProbeResult(has_text_layer=False))
    store.add("doc.pdf", 100, probe=ProbeResult(has_text_layer=True, title="Guide"))
    store.refs(ref("gone.jpg", "1"), ref("gone.jpg", "2"))
    found = _by_topic(insights_report(store.ctx()))
    assert found["references"].figures == {"references": 2, "files": 1}
    assert found["faststart"].figures == {"videos": 1, "bytes": 9000}
    assert found["documents"].figures == {"pdfs": 2, "withoutText": 1, "withoutTitle": 1}


def test_oversized_images_on_the_most_viewed_pages(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    probe = ProbeResult(format="JPEG", width=3000, height=2000, mode="RGB", quality=80)
    big = store.add("big.jpg", 900_000, probe=probe)
    store.add("quiet.jpg", 900_000, probe=probe)
    store.refs(
        ref("big.jpg", "home", type="page", display_width=600),
        ref("quiet.jpg", "archive", type="page", display_width=600),
    )
    store.events([view(big, 1)])
    found = _by_topic(insights_report(store.ctx()))
    oversized = found["oversized"]
    # Both are 3000 px shown at most 600 px wide (> 2×); only 'home' drew views, so only
    # big.jpg is on one of the 20 most viewed pages.
    assert oversized.figures["images"] == 2
    assert oversized.figures["onTopPages"] == 1
    assert "1 of them are on the 20 most viewed pages" in oversized.message


def test_insights_serialise_with_figures(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    store.add("lonely.jpg", 5000)
    data = to_jsonable(insights_report(store.ctx()))
    first = data["insights"][0]
    assert {"severity", "message", "action", "figures"} <= set(first)
    assert data["recommendations"][0].startswith(first["message"])


def test_low_video_completion(tmp_path, store_url):
    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    clip = store.add("clip.mp4", 9000)
    events = []
    for n in range(12):  # 12 sessions, 2 watch to the end: 2 / 12 = 16.7 %
        end = 60.0 if n < 2 else 10.0
        kind = "complete" if n < 2 else "stop"
        events += [
            VideoEngagementEvent(clip, "play", 0.0, 60.0, ts(1), session_id=f"s{n}"),
            VideoEngagementEvent(clip, kind, end, 60.0, ts(1) + int(end), session_id=f"s{n}"),
        ]
    store.video_events(events)
    video = _by_topic(insights_report(store.ctx()))["video"]
    assert video.figures == {"completionRate": pytest.approx(100 * 2 / 12), "sessions": 12}


def test_format_savings_weighed_by_the_ranges_requests(tmp_path, store_url):
    from mediatop.store.measurements import Measurement, save_measurements

    store = make_store(tmp_path, quota=10**12, store_url=store_url)
    jpeg = ProbeResult(format="JPEG", width=800, height=600, mode="RGB", quality=80)
    a = store.add("a.jpg", 100_000, probe=jpeg)
    b = store.add("b.jpg", 50_000, probe=jpeg)
    save_measurements(store.conn, [
        Measurement(a, "webp", 100_000, 0, 80_000, None),  # saves 20,000 bytes
        Measurement(b, "webp", 50_000, 0, 40_000, None),  # saves 10,000
    ], 0)  # fmt: skip
    # "30d" ends at NOW (12:00): its whole days, and the hours of its first and last day
    store.events(
        [view(a, 10)] * 3  # whole days
        + [view(a, 0.25)] * 2  # 06:00 today
        + [view(a, 29.9)]  # the range's first day, after its start at 12:00
        + [view(a, 31)]  # before the range
        + [view(b, 1)] * 4
    )
    fmt = _by_topic(insights_report(store.ctx("30d")))["format"]
    # a: 20,000 × 6 requests in the range; b: 10,000 × 4
    assert fmt.figures["trafficBytes"] == 20_000 * 6 + 10_000 * 4
    assert fmt.figures["bytes"] == 30_000
    assert (fmt.figures["images"], fmt.figures["candidates"]) == (2, 2)
    # over all time, a's request before the range counts too
    everything = _by_topic(insights_report(store.ctx("all")))["format"]
    assert everything.figures["trafficBytes"] == 20_000 * 7 + 10_000 * 4
