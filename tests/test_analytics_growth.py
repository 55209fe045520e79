"""Storage growth per month and the quota forecast, on hand-built stores."""

from __future__ import annotations

from datetime import date, timedelta

from mediatop.analytics.library.growth import quota_forecast, storage_growth
from test_analytics_usage_fixtures import NOW, make_store


def test_growth_counts_uploads_and_deletions_per_month_with_running_total(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    # NOW is 2026-11-20: 10 days ago is 2026-11-10, 40 days ago 2026-10-11.
    store.add("a.jpg", 1000, uploaded_days_ago=40)
    store.add("b.jpg", 500, uploaded_days_ago=10)
    store.add("c.jpg", 200, uploaded_days_ago=45, deleted_days_ago=5)
    store.add("old.jpg", 7, uploaded_days_ago=900)
    months = {m.month: m for m in storage_growth(store.ctx("30d"))}
    assert len(months) >= 12  # a short range still shows a year
    october, november = months["2026-10"], months["2026-11"]
    assert (october.files_uploaded, october.bytes_uploaded) == (2, 1200)
    assert october.total_bytes == 7 + 1200
    assert (november.files_uploaded, november.files_deleted) == (1, 1)
    assert november.net_bytes == 500 - 200
    assert (november.total_files, november.total_bytes) == (3, 1507)


def test_growth_for_all_starts_at_the_first_upload(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("old.jpg", 7, uploaded_days_ago=900)
    months = storage_growth(store.ctx("all"))
    first = (NOW - timedelta(days=900)).strftime("%Y-%m")
    assert months[0].month == first
    assert months[0].total_bytes == 7
    assert months[-1].month == "2026-11"


def test_forecast_from_steady_daily_uploads(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    # 1,000 bytes uploaded every day for 120 days: the daily totals rise by exactly
    # 1,000 a day, so the slope is 1,000 bytes/day; 1,000,000 - 120,000 left = 880 days.
    for day in range(120):
        store.add(f"f{day}.jpg", 1000, uploaded_days_ago=day + 0.01)
    forecast = quota_forecast(store.ctx(), used_bytes=120_000, quota_bytes=1_000_000)
    assert forecast.status == "date"
    assert abs(forecast.bytes_per_day - 1000) < 1e-6
    assert abs(forecast.days_left - 880) < 1e-6
    assert forecast.quota_reached_on == (NOW + timedelta(days=880)).date()


def test_forecast_is_never_when_storage_is_flat(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("old.jpg", 5000, uploaded_days_ago=400)
    forecast = quota_forecast(store.ctx(), used_bytes=5000, quota_bytes=10_000)
    assert forecast.status == "never"
    assert forecast.quota_reached_on is None
    assert forecast.bytes_per_day == 0


def test_forecast_is_never_when_storage_shrinks(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("gone.jpg", 5000, uploaded_days_ago=400, deleted_days_ago=30)
    store.add("kept.jpg", 100, uploaded_days_ago=400)
    forecast = quota_forecast(store.ctx(), used_bytes=100, quota_bytes=10_000)
    assert forecast.status == "never"
    assert forecast.bytes_per_day < 0


def test_forecast_reached_and_no_quota(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("big.jpg", 5000, uploaded_days_ago=10)
    reached = quota_forecast(store.ctx(), used_bytes=5000, quota_bytes=4000)
    assert (reached.status, reached.quota_reached_on) == ("reached", date(2026, 11, 20))
    assert quota_forecast(store.ctx(), used_bytes=5000, quota_bytes=None).status == "no_quota"
