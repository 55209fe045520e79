"""Reading a daily rollup over a time range: its whole days, plus the hours of its edges.

A range (`TimeRange.slots()`) covers whole UTC days, read from a daily rollup, and the
hours of its partial first and last days, read from that rollup's hourly twin (same
columns plus `hour`; migration 0032). `in_range` writes the compound SELECT that yields
the rows of both, so a query sums over it as it summed over the daily table alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from mediatop.analytics.timerange import TimeRange

# daily rollup -> (its hourly twin, the day column both use)
HOURLY_TWIN = {
    "media_performance_metrics": ("media_hourly", "date"),
    "kind_daily": ("kind_hourly", "date"),
    "latency_histogram": ("latency_hourly", "day"),
    "kind_breakdown": ("kind_breakdown_hourly", "date"),
    "media_misses": ("misses_hourly", "date"),
}


def in_range(
    time_range: TimeRange,
    table: str,
    columns: str,
    where: str = "",
    args: Sequence[object] = (),
) -> tuple[str, list[object]]:
    """A compound SELECT of `columns` from the rows of the daily rollup `table` in the
    range's whole days and of its hourly twin in the range's partial days, each part
    also filtered by `where` (`args` are bound once per part), with its arguments.

    A table without an hourly twin (usage_breakdown) is read by whole days: the range's
    partial first and last days count whole.
    """
    slots = time_range.slots()
    extra = f" AND ({where})" if where else ""
    if table not in HOURLY_TWIN:
        sql = f"SELECT {columns} FROM {table} WHERE date BETWEEN ? AND ?{extra}"
        return sql, [time_range.first_day, time_range.last_day, *args]
    hourly, day = HOURLY_TWIN[table]
    parts: list[str] = []
    bound: list[object] = []
    if slots.days is not None:
        parts.append(f"SELECT {columns} FROM {table} WHERE {day} BETWEEN ? AND ?{extra}")
        bound += [*slots.days, *args]
    for date, first_hour, last_hour in slots.hours:
        parts.append(
            f"SELECT {columns} FROM {hourly} WHERE {day} = ? AND hour BETWEEN ? AND ?{extra}"
        )
        bound += [date, first_hour, last_hour, *args]
    return " UNION ALL ".join(parts), bound
