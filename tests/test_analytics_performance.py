"""Load-time percentiles, bandwidth, cache hit rate, compression savings, slowest files."""

from __future__ import annotations

import pytest

from mediatop.analytics.performance.report import (
    compression_savings,
    dashboard_performance,
    performance_report,
    slowest_files,
)
from test_analytics_usage_fixtures import make_store, view


@pytest.fixture
def served(tmp_path, store_url):
    s = make_store(tmp_path, store_url=store_url)
    ids = {
        "a": s.add("a.jpg", 1000),
        "b": s.add("b.jpg", 2000),
        "c": s.add("c.jpg", 3000),
        "v": s.add("v.mp4", 9000),
    }
    events = []
    # a.jpg: 18 requests at 10 ms, one at 100 ms, one at 1000 ms; 15 cache hits, 5 misses.
    # At 13:30 the day before NOW (12:00), so inside 24h (from 13:00 the day before).
    times = [10.0] * 18 + [100.0, 1000.0]
    for i, ms in enumerate(times):
        cache = "hit" if i < 15 else "miss"
        events.append(view(ids["a"], 22.5 / 24, server_time_ms=ms, bytes=100, cache_status=cache))
    # b.jpg: 6 requests at 500 ms, no cache header; one 404.
    events += [view(ids["b"], 2, server_time_ms=500.0, bytes=50) for _ in range(6)]
    events.append(view(ids["b"], 2, status=404, server_time_ms=1.0))
    # c.jpg: only 2 samples (too few to rank among the slowest).
    events += [view(ids["c"], 3, server_time_ms=5000.0, bytes=10) for _ in range(2)]
    # v.mp4: client timings from beacons only, in the hour of a.jpg's logged requests.
    events += [
        view(ids["v"], 22.5 / 24, source="beacon", status=None, client_time_ms=ms, session_id=None)
        for ms in (200.0, 400.0)
    ]
    s.events(events)
    return s, ids


def test_load_time_percentiles_come_from_the_histogram(served):
    store, _ids = served
    report = performance_report(store.ctx("7d"))
    image = next(t for t in report.load_times if t.type == "image")
    # a.jpg 20 + b.jpg 7 + c.jpg 2 = 29 server samples. Mean = exact sums / count.
    assert image.server.samples == 29
    mean = (18 * 10 + 100 + 1000 + 6 * 500 + 1 + 2 * 5000) / 29
    assert image.server.mean_ms == pytest.approx(mean)
    # Sorted: 1 ms (the 404), 18×10, 100, 6×500, 1000, 2×5000. A percentile is the
    # nearest-rank sample, interpolated within the range recorded in its bucket; each
    # bucket here holds one duration only, so the estimate is that duration.
    # p50: rank ceil(14.5) = 15 falls in the 10 ms bucket (cum 1 + 18 = 19).
    assert image.server.p50_ms == pytest.approx(10.0)
    # p95: rank ceil(27.55) = 28 -> 1 + 18 + 1 + 6 + 1 = 27 < 28 -> the 5000 ms bucket.
    assert image.server.p95_ms == pytest.approx(5000.0)
    assert image.client.samples == 0 and image.client.mean_ms is None

    video = next(t for t in report.load_times if t.type == "video")
    assert video.server.mean_ms is None
    assert video.client.mean_ms == pytest.approx(300.0)
    # p50: rank 1 of 2 = 200 ms; p99: rank ceil(1.98) = 2 = 400 ms (the largest sample).
    assert video.client.p50_ms == pytest.approx(200.0)
    assert video.client.p99_ms == pytest.approx(400.0)
    overall = report.load_times[0]
    assert overall.type == "all" and overall.server.samples == 29 and overall.client.samples == 2


def test_percentiles_of_one_file_by_hand(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    file_id = store.add("a.jpg", 1000)
    times = [10.0] * 18 + [100.0, 1000.0]
    store.events([view(file_id, 1, server_time_ms=ms) for ms in times])
    (image,) = [t for t in performance_report(store.ctx()).load_times if t.type == "image"]
    assert image.server.mean_ms == pytest.approx(64.0)  # (180 + 100 + 1000) / 20
    assert image.server.p50_ms == pytest.approx(10.0)  # rank 10 of 20: 18 × 10 ms first
    assert image.server.p95_ms == pytest.approx(100.0)  # rank 19: the 100 ms sample
    assert image.server.p99_ms == pytest.approx(1000.0)  # rank 20: the largest, 1000 ms


def test_cache_hit_rate_needs_evidence(served):
    store, ids = served
    report = performance_report(store.ctx("7d"))
    assert report.cache_hit_rate == pytest.approx(75.0)  # 15 / (15 + 5)
    assert report.cache.by_type == {"image": pytest.approx(75.0)}
    (uncached,) = report.cache.most_uncached
    assert (uncached.id, uncached.misses, uncached.hits) == (str(ids["a"]), 5, 15)


def test_no_cache_evidence_is_none_not_zero(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    file_id = store.add("a.jpg", 1000)
    store.events([view(file_id, 1, server_time_ms=5.0)])
    report = performance_report(store.ctx())
    assert report.cache_hit_rate is None
    assert dashboard_performance(store.ctx()).cache_hit_rate is None


def test_bandwidth_totals_days_types_and_files(served):
    store, ids = served
    bw = performance_report(store.ctx("7d")).bandwidth_usage
    assert bw.total_bytes == 20 * 100 + 6 * 50 + 2 * 10
    assert bw.by_type == {"image": 2320}
    assert [(d.date, d.bytes) for d in bw.daily] == [
        ("2026-11-17", 20),
        ("2026-11-18", 300),
        ("2026-11-19", 2000),
    ]
    assert [f.id for f in bw.top_files] == [str(ids["a"]), str(ids["b"]), str(ids["c"])]
    # over the range's 7 days, not the 3 with traffic
    assert bw.average_daily_bytes == pytest.approx(2320 / 7)
    # all time: the 4 days from the first with traffic (11-17) to today (11-20)
    assert performance_report(store.ctx("all")).bandwidth_usage.average_daily_bytes == (
        pytest.approx(2320 / 4)
    )
    # 24h (from 13:00 on 11-19) is one day: 2,000 bytes on 11-19, of which what fell
    # inside it
    day = performance_report(store.ctx("24h")).bandwidth_usage
    assert day.average_daily_bytes == day.total_bytes


def test_error_rate_is_errors_over_requests(served):
    store, _ids = served
    # 20 + 7 + 2 log requests = 29; one 404. The 2 beacons fall in the hour of a.jpg's
    # logged requests, which the log covers: they bring client time, not requests.
    assert performance_report(store.ctx("7d")).error_rate == pytest.approx(100 / 29)


def test_slowest_files_by_p95_need_enough_samples(served):
    store, ids = served
    slow = slowest_files(store.ctx(), 10)
    # b.jpg: 7 samples (1 ms and 6 × 500 ms), p95 rank ceil(6.65) = 7 -> 500 ms;
    # a.jpg: rank 19 of 20 -> the 100 ms sample. c.jpg has 2 samples only.
    assert [(f.id, f.p95_ms, f.samples) for f in slow] == [
        (str(ids["b"]), pytest.approx(500.0), 7),
        (str(ids["a"]), pytest.approx(100.0), 20),
    ]


def test_dashboard_performance_averages(served):
    store, _ids = served
    box = dashboard_performance(store.ctx("7d"))
    assert box.average_server_time_ms == pytest.approx(
        (18 * 10 + 100 + 1000 + 6 * 500 + 1 + 2 * 5000) / 29
    )
    assert box.average_client_time_ms == pytest.approx(300.0)
    assert box.cache_hit_rate == pytest.approx(75.0)
    empty = make_store(store.root.parent / "empty")
    nothing = dashboard_performance(empty.ctx())
    assert (nothing.average_server_time_ms, nothing.average_client_time_ms) == (None, None)


def test_compression_savings_measured_beside_original_else_estimated(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("photo.webp", 700)  # no JPEG beside it: 700 / 0.70 = 1000 -> 300 saved
    store.add("pic.webp", 500)
    store.add("pic.jpg", 2000)  # measured: 2000 - 500 = 1500 saved
    icon = store.add("icon.avif", 400)  # 400 / 0.50 = 800 -> 400 saved
    store.events([view(icon, 1, bytes=400)])
    savings = compression_savings(store.ctx())
    assert savings.bytes_saved == 300 + 1500 + 400
    assert (savings.files, savings.measured_files) == (3, 1)
    assert savings.by_format == {"webp": 1800, "avif": 400}
    assert savings.bandwidth_saved_bytes == 400  # served 400 bytes of a 2× AVIF
    assert compression_savings(store.ctx("all")).bandwidth_saved_bytes == 400
    assert performance_report(store.ctx()).compression_savings == 2200


def test_top_lists_are_the_same_from_one_scan_of_the_range(served, monkeypatch):
    from mediatop.analytics import _rollups

    store, _ids = served
    walked = performance_report(store.ctx("7d"))
    monkeypatch.setattr(_rollups, "MAX_WALK", 0)  # every top list from the grouped scan
    scanned = performance_report(store.ctx("7d"))
    assert scanned.bandwidth_usage.top_files == walked.bandwidth_usage.top_files
    assert scanned.cache.most_uncached == walked.cache.most_uncached
    assert [f.id for f in scanned.bandwidth_usage.top_files]


def test_one_day_top_lists_from_the_shared_table_match_the_walk(served, monkeypatch):
    from mediatop.analytics import _rollups
    from mediatop.analytics.usage.report import usage_report

    store, ids = served
    table = performance_report(store.ctx("24h"))
    downloads = usage_report(store.ctx("24h")).download_stats
    monkeypatch.setattr(_rollups, "SHORT_RANGE_DAYS", 0.0)  # walk instead
    walked = performance_report(store.ctx("24h"))
    assert table.bandwidth_usage.top_files == walked.bandwidth_usage.top_files
    assert table.cache.most_uncached == walked.cache.most_uncached
    assert [f.id for f in table.bandwidth_usage.top_files] == [str(ids["a"])]
    assert downloads == usage_report(store.ctx("24h")).download_stats
