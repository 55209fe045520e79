"""Storage growth per month and a forecast of the day the quota is reached.

Both read only `media_files` (`uploaded_at`, `deleted_at`, `size`), so they cost one
grouped query over the files, whatever the amount of traffic. Sizes are the files'
current sizes: a file that was replaced counts with its present size from its upload.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.store.queries import library as queries

FORECAST_WINDOW_DAYS = 90
# Growth below one byte a day is "flat": the quota is never reached at that pace.
_FLAT_BYTES_PER_DAY = 1.0
# Further than this is no forecast anyone can act on (and overflows dates): 'never'.
_HORIZON_DAYS = 100 * 365
# At least this many months are shown, so a short range still shows a trend.
_MIN_MONTHS = 12


@dataclass(frozen=True)
class MonthGrowth:
    """One calendar month (UTC): what was added and removed, and the total at its end."""

    month: str  # 'YYYY-MM'
    files_uploaded: int
    bytes_uploaded: int
    files_deleted: int
    bytes_deleted: int
    net_bytes: int
    total_files: int  # present at the end of the month
    total_bytes: int


@dataclass(frozen=True)
class QuotaForecast:
    """When the quota is reached if storage keeps growing as over the last 90 days.

    `status` is 'date' (see `quota_reached_on`), 'never' (flat or shrinking),
    'reached' (already at or over the quota) or 'no_quota' (no quota configured).
    `bytes_per_day` is the least-squares slope of the daily storage totals.
    """

    status: str
    quota_reached_on: date | None
    days_left: float | None
    bytes_per_day: float | None
    window_days: int
    used_bytes: int
    quota_bytes: int | None


def _month_start(ts: datetime) -> datetime:
    return ts.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _add_month(month: datetime) -> datetime:
    return (month + timedelta(days=32)).replace(day=1)


def _per_month(conn: sqlite3.Connection, column: str) -> dict[str, tuple[int, int]]:
    """'YYYY-MM' (UTC) -> (files, bytes) whose `column` (uploaded_at or deleted_at) falls in
    that month; months with none are left out. The months are cut here, so the store
    counts each in its index (`counts_per_period`)."""
    low, high = queries.time_span(conn, column)
    if low is None or high is None:
        return {}
    bounds = []
    month = _month_start(datetime.fromtimestamp(low, UTC))
    while int(month.timestamp()) <= high:
        following = _add_month(month)
        bounds.append((month.strftime("%Y-%m"), int(month.timestamp()), int(following.timestamp())))
        month = following
    return {
        key: (files, int(size))
        for key, files, size in queries.counts_per_period(conn, column, bounds)
        if files
    }


def storage_growth(ctx: ReportContext) -> list[MonthGrowth]:
    """Month by month uploads, deletions and the storage total, oldest first.

    Covers the months the report range touches, and at least the last 12 months
    (`all`: from the month of the first upload).
    """
    now = ctx.now.astimezone(UTC)
    uploads, deletions = library_fact(
        ctx,
        "files_per_month",
        lambda: (
            _per_month(ctx.conn, "uploaded_at"),
            _per_month(ctx.conn, "deleted_at"),
        ),
        decode=lambda pair: tuple({k: tuple(v) for k, v in d.items()} for d in pair),
    )
    if ctx.time_range.is_all:
        known = sorted(set(uploads) | set(deletions))
        start = datetime.strptime(known[0], "%Y-%m").replace(tzinfo=UTC) if known else now
    else:
        start = min(ctx.time_range.start.astimezone(UTC), now - timedelta(days=365 - 31))
    start = _month_start(start)
    end = _month_start(min(ctx.time_range.end.astimezone(UTC), now))

    total_files = total_bytes = 0
    for month, (files, size) in uploads.items():
        if month < start.strftime("%Y-%m"):
            total_files += files
            total_bytes += size
    for month, (files, size) in deletions.items():
        if month < start.strftime("%Y-%m"):
            total_files -= files
            total_bytes -= size

    months: list[MonthGrowth] = []
    cursor = start
    while cursor <= end:
        key = cursor.strftime("%Y-%m")
        up_files, up_bytes = uploads.get(key, (0, 0))
        del_files, del_bytes = deletions.get(key, (0, 0))
        total_files += up_files - del_files
        total_bytes += up_bytes - del_bytes
        months.append(
            MonthGrowth(key, up_files, up_bytes, del_files, del_bytes, up_bytes - del_bytes,
                        total_files, total_bytes)
        )  # fmt: skip
        cursor = _add_month(cursor)
    return months


def _daily_totals(ctx: ReportContext, days: int) -> list[int]:
    """Storage in bytes at the end of each of the last `days` days (UTC), oldest first."""
    now = ctx.now.astimezone(UTC)
    today = now.date()
    first = today - timedelta(days=days - 1)
    window_start = int(datetime.combine(first, datetime.min.time(), UTC).timestamp())
    base = queries.present_bytes_at(ctx.conn, window_start)
    delta = [0] * days
    for day, added in queries.bytes_per_day_since(ctx.conn, "uploaded_at", window_start):
        index = (date.fromisoformat(day) - first).days
        if 0 <= index < days:
            delta[index] += added
    for day, removed in queries.bytes_per_day_since(ctx.conn, "deleted_at", window_start):
        index = (date.fromisoformat(day) - first).days
        if 0 <= index < days:
            delta[index] -= removed
    totals, running = [], int(base)
    for change in delta:
        running += change
        totals.append(running)
    return totals


def _slope(values: list[int]) -> float:
    """Least-squares slope of values against 0, 1, 2, ... (units per step)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return num / den


def quota_forecast(ctx: ReportContext, used_bytes: int, quota_bytes: int | None) -> QuotaForecast:
    """The date storage reaches `quota_bytes` on a linear fit of the last 90 days' totals.

    The fit is ordinary least squares over the storage total at the end of each of the
    last 90 UTC days (today included). From `used_bytes` now, the quota is reached after
    (quota - used) / slope days. A slope under 1 byte/day, or a date more than 100 years
    away, means 'never'.
    """
    if quota_bytes is None:
        return QuotaForecast("no_quota", None, None, None, FORECAST_WINDOW_DAYS, used_bytes, None)
    slope = _slope(_daily_totals(ctx, FORECAST_WINDOW_DAYS))
    if used_bytes >= quota_bytes:
        return QuotaForecast(
            "reached", ctx.now.astimezone(UTC).date(), 0.0, slope,
            FORECAST_WINDOW_DAYS, used_bytes, quota_bytes,
        )  # fmt: skip
    if slope < _FLAT_BYTES_PER_DAY or (quota_bytes - used_bytes) / slope > _HORIZON_DAYS:
        return QuotaForecast(
            "never", None, None, slope, FORECAST_WINDOW_DAYS, used_bytes, quota_bytes
        )
    days_left = (quota_bytes - used_bytes) / slope
    when = (ctx.now.astimezone(UTC) + timedelta(days=days_left)).date()
    return QuotaForecast(
        "date", when, days_left, slope, FORECAST_WINDOW_DAYS, used_bytes, quota_bytes
    )
