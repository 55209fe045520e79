"""Reading a daily rollup over a time range: its whole days, plus the hours of its edges.

A range (`TimeRange.slots()`) covers whole UTC days, read from a daily rollup, and the
hours of its partial first and last days, read from that rollup's hourly twin (same
columns plus `hour`; migration 0032). `in_range` writes the compound SELECT that yields
the rows of both, so a query sums over it as it summed over the daily table alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from operator import add
from typing import Any, NamedTuple

from mediatop.timerange import TimeRange

# daily rollup -> (its hourly twin, the day column both use)
HOURLY_TWIN = {
    "media_performance_metrics": ("media_hourly", "date"),
    "kind_daily": ("kind_hourly", "date"),
    "latency_histogram": ("latency_hourly", "day"),
    "kind_breakdown": ("kind_breakdown_hourly", "date"),
    "media_misses": ("misses_hourly", "date"),
}


class RangePart(NamedTuple):
    """One SELECT of a range's rows, its arguments, and whether it reads the hourly twin
    (the hours of a partial day) rather than whole days."""

    sql: str
    args: list[object]
    hourly: bool


def range_parts(
    time_range: TimeRange,
    table: str,
    columns: str,
    where: str = "",
    args: Sequence[object] = (),
    *,
    by_key: bool = False,
) -> list[RangePart]:
    """The SELECTs (with their arguments) of `columns` from the rows of the daily rollup
    `table` in the range's whole days and of its hourly twin in its partial days, each
    also filtered by `where` (with `args`).

    `by_key`: `where` picks a few keys (files) read through an index led by them, so the
    hours of two adjacent days (a 24h range) are read in one SELECT, one probe per key.
    A table without an hourly twin (usage_breakdown) is read by whole days: the range's
    partial first and last days count whole.
    """
    extra = f" AND ({where})" if where else ""
    if table not in HOURLY_TWIN:
        sql = f"SELECT {columns} FROM {table} WHERE date BETWEEN ? AND ?{extra}"
        return [RangePart(sql, [time_range.first_day, time_range.last_day, *args], False)]
    slots = time_range.slots()
    hourly, day = HOURLY_TWIN[table]
    parts: list[RangePart] = []
    if slots.days is not None:
        sql = f"SELECT {columns} FROM {table} WHERE {day} BETWEEN ? AND ?{extra}"
        parts.append(RangePart(sql, [*slots.days, *args], False))
    if by_key and slots.days is None and len(slots.hours) == 2:
        (first, first_hour, _), (last, _, last_hour) = slots.hours
        sql = (
            f"SELECT {columns} FROM {hourly} WHERE {day} BETWEEN ? AND ? "
            f"AND ({day} > ? OR hour >= ?) AND ({day} < ? OR hour <= ?){extra}"
        )
        return [RangePart(sql, [first, last, first, first_hour, last, last_hour, *args], True)]
    for date, first_hour, last_hour in slots.hours:
        sql = f"SELECT {columns} FROM {hourly} WHERE {day} = ? AND hour BETWEEN ? AND ?{extra}"
        parts.append(RangePart(sql, [date, first_hour, last_hour, *args], True))
    return parts


def in_range(
    time_range: TimeRange,
    table: str,
    columns: str,
    where: str = "",
    args: Sequence[object] = (),
) -> tuple[str, list[object]]:
    """One compound SELECT of the `range_parts`, with its arguments: a query sums over it
    as it summed over the daily table alone."""
    parts = range_parts(time_range, table, columns, where, args)
    return " UNION ALL ".join(p.sql for p in parts), [a for p in parts for a in p.args]


def sums_in_range(
    conn: sqlite3.Connection,
    time_range: TimeRange,
    table: str,
    key: str,
    sums: Sequence[str],
    where: str = "",
    args: Sequence[object] = (),
) -> dict[Any, list[float]]:
    """`key` value -> the SUM of each of `sums` over the range, from the daily rollup
    `table` and its hourly twin; `where` picks a few keys (see `range_parts`'s by_key).

    Each part is grouped by itself and the parts are added up here: a part grouped alone
    reads its index in key order, where one GROUP BY over the compound sorts every row.
    """
    summed = ", ".join(f"SUM({column})" for column in sums)
    totals: dict[Any, list[float]] = {}
    parts = range_parts(time_range, table, f"{key}, {summed}", where, args, by_key=True)
    for sql, bound, _ in parts:
        for found, *values in conn.execute(f"{sql} GROUP BY {key}", bound):
            earlier = totals.get(found)
            totals[found] = values if earlier is None else list(map(add, earlier, values))
    return totals
