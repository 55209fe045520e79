"""Time ranges for reports: 24h, 7d, 30d, 90d, all, or an explicit from/to, in UTC.

Every analytic takes a `TimeRange`. Rollups are kept per UTC day ('YYYY-MM-DD') and per
UTC hour of that day, so a range starts on the hour: `slots()` names the whole days
it covers (read from the daily rollups) and the hours of its partial first and last
days (read from the hourly ones). A relative range ('24h', '7d', 'Nd', 'Nh') is the last
N hours in whole UTC hours: it ends now and starts on the hour N hours before the end of
the current hour, so nothing older than N hours is counted. `--from/--to` dates are
whole UTC days. `previous()` is the period of the same length just before it, for
`--compare`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mediatop.errors import TimeRangeError

PRESETS = ("24h", "7d", "30d", "90d", "all")
_RELATIVE = re.compile(r"^([0-9]+)([hd])$")  # ASCII digits: int() would take any script's
# The epoch start stands for "all": every store timestamp is after it.
_ALL_START = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR = timedelta(hours=1)


# Dates a range may name: stored times are seconds since 1970, and a bound far off
# keeps every date sum (`--to` + 1 day, `--compare`'s period before) within datetime's.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
# The longest relative range: 100 years (`all` is there for everything).
MAX_RANGE_DAYS = 36_500


@dataclass(frozen=True)
class TimeRange:
    """A half-open interval [start, end) of UTC time, with the label it was asked by."""

    start: datetime
    end: datetime
    label: str
    until_now: bool = True  # False when the range ends at a time the user named

    @property
    def is_all(self) -> bool:
        """Whether the range is the whole history up to now (the lifetime totals answer
        it); one from 1970 that ends earlier is not."""
        return self.start == _ALL_START and self.until_now

    @property
    def start_ts(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_ts(self) -> int:
        return int(self.end.timestamp())

    @property
    def first_day(self) -> str:
        return self.start.date().isoformat()

    @property
    def last_day(self) -> str:
        """The last day the range touches (end is exclusive)."""
        return (self.end - timedelta(microseconds=1)).date().isoformat()

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def previous(self) -> TimeRange:
        """The period of the same length just before this one.

        The length counts the range's last hour whole (a range ending now is as long
        as it will be at the end of this hour), so both periods start on the hour.
        """
        if self.is_all:
            raise TimeRangeError("'all' has no previous period to compare with")
        length = _hour_ceiling(self.end) - self.start
        return TimeRange(self.start - length, self.start, f"previous {self.label}", False)

    def slots(self) -> RangeSlots:
        """The whole days and the hours of the partial days this range covers.

        Its first hour is the one it starts in (ranges start on the hour); its last is
        the hour of its last second, counted whole: for a range ending now, the events
        of this hour so far.
        """
        first = self.start.replace(minute=0, second=0, microsecond=0)
        last = (self.end - timedelta(microseconds=1)).replace(minute=0, second=0, microsecond=0)
        first_day, last_day = first.date(), last.date()
        if first_day == last_day and (first.hour, last.hour) != (0, 23):
            return RangeSlots(None, ((first_day.isoformat(), first.hour, last.hour),))
        hours: list[tuple[str, int, int]] = []
        if first.hour:
            hours.append((first_day.isoformat(), first.hour, 23))
            first_day += timedelta(days=1)
        if last.hour != 23:
            hours.append((last_day.isoformat(), 0, last.hour))
            last_day -= timedelta(days=1)
        days = (first_day.isoformat(), last_day.isoformat()) if first_day <= last_day else None
        return RangeSlots(days, tuple(hours))

    def contains(self, ts: int) -> bool:
        return self.start_ts <= ts < self.end_ts


@dataclass(frozen=True)
class RangeSlots:
    """The rollup slots of a range: whole days (first, last) read from the daily rollups,
    or None, and (day, first hour, last hour) spans read from the hourly ones."""

    days: tuple[str, str] | None
    hours: tuple[tuple[str, int, int], ...]


def _hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _hour_ceiling(moment: datetime) -> datetime:
    """`moment` rounded up to a whole hour."""
    floor = _hour_floor(moment)
    return floor if floor == moment else floor + _HOUR


def _parse_day(text: str, flag: str) -> datetime:
    try:
        parsed = datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise TimeRangeError(f"not a date: {text!r} (use YYYY-MM-DD)", flag) from None
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        day = parsed.astimezone(UTC).date()
    except OverflowError:  # an offset that carries it past year 1 or 9999
        day = date.min
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise TimeRangeError(
            f"{text!r} is out of range: dates run from {EARLIEST_DAY} to {LATEST_DAY}", flag
        )
    return parsed


def _up_to_the_second(moment: datetime) -> datetime:
    """The end of the second `moment` is in (an exclusive bound that takes it in)."""
    return moment.replace(microsecond=0) + timedelta(seconds=1)


def parse_range(
    spec: str | None = "30d", *, now: datetime, start: str | None = None, end: str | None = None
) -> TimeRange:
    """A TimeRange from a preset ('24h', '7d', '30d', '90d', 'all', 'Nd', 'Nh') or from/to dates.

    `start`/`end` (YYYY-MM-DD or ISO datetimes) win over `spec`; `end` as a date is inclusive.
    """
    # Stored times are whole seconds: a range that ends now must take in this second,
    # or a file uploaded a moment ago is left out of "this month" until the next second.
    now = _up_to_the_second(now.astimezone(UTC))
    if start or end:
        # A time of day is rounded out to whole hours: the rollups know no finer time.
        begin = _hour_floor(_parse_day(start, "from")) if start else _ALL_START
        finish = now if not end else _hour_ceiling(_parse_day(end, "to"))
        if end and len(end) == 10:
            finish += timedelta(days=1)
        if finish <= begin:
            raise TimeRangeError("the range ends before it starts", "to" if end else "from")
        return TimeRange(begin, finish, f"{start or 'start'}..{end or 'now'}", not end)
    spec = ("30d" if spec is None else spec).strip().lower()  # "" is no range: refused
    if spec == "all":
        return TimeRange(_ALL_START, now, "all")
    match = _RELATIVE.match(spec)
    if not match or not match.group(1).strip("0"):
        raise TimeRangeError(
            f"unknown range {spec!r}; use one of {', '.join(PRESETS)}, a number of hours "
            "or days (12h, 14d), or --from/--to for dates"
        )
    # Compared as text first: int() refuses numbers over 4,300 digits.
    digits, unit = match.group(1).lstrip("0"), match.group(2)
    most = MAX_RANGE_DAYS * (24 if unit == "h" else 1)
    if len(digits) > len(str(most)) or int(digits) > most:
        raise TimeRangeError(
            f"{spec!r} is too long: at most {most}{unit} (100 years); `all` takes in everything"
        )
    amount = int(digits)
    length = timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)
    # On the hour, so that the hourly rollups answer it exactly: the current hour so
    # far and the whole hours before it, none older than `length`.
    return TimeRange(_hour_ceiling(now) - length, now, spec)


def period_words(label: str) -> str:
    """A range's label as a caption or a sentence says it: "last 30d", "all time",
    "2026-11-01 to now" (the labels `parse_range` and `TimeRange.previous` give)."""
    if label == "all":
        return "all time"
    if _RELATIVE.match(label):
        return f"last {label}"
    return label.replace("..", " to ")


def last_30_days(now: datetime) -> tuple[str, str]:
    """(first, last) of the 30 UTC days ending on `now`'s day: the window that ranks
    images by requests ("bytes saved per month"), whatever the report's range."""
    today = now.astimezone(UTC).date()
    return (today - timedelta(days=29)).isoformat(), today.isoformat()
