"""Time ranges for reports: 24h, 7d, 30d, 90d, all, or an explicit from/to, in UTC.

Every analytic takes a `TimeRange`. Rollups are keyed by UTC day ('YYYY-MM-DD'), so a
range also knows its first and last day; `previous()` is the period of the same length
just before it, for `--compare`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PRESETS = ("24h", "7d", "30d", "90d", "all")
_RELATIVE = re.compile(r"^(\d+)([hd])$")
# The epoch start stands for "all": every store timestamp is after it.
_ALL_START = datetime(1970, 1, 1, tzinfo=UTC)


# Dates a range may name: stored times are seconds since 1970, and a bound far off
# keeps every date sum (`--to` + 1 day, `--compare`'s period before) within datetime's.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
# The longest relative range: 100 years (`all` is there for everything).
MAX_RANGE_DAYS = 36_500


class TimeRangeError(ValueError):
    """A range the user wrote that cannot be understood; `flag` names the input at
    fault ('range', 'from' or 'to'), so a face can point at what to fix."""

    def __init__(self, message: str, flag: str = "range") -> None:
        super().__init__(message)
        self.flag = flag


@dataclass(frozen=True)
class TimeRange:
    """A half-open interval [start, end) of UTC time, with the label it was asked by."""

    start: datetime
    end: datetime
    label: str

    @property
    def is_all(self) -> bool:
        return self.start == _ALL_START

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
        """The period of the same length just before this one."""
        if self.is_all:
            raise TimeRangeError("'all' has no previous period to compare with")
        length = self.end - self.start
        return TimeRange(self.start - length, self.start, f"previous {self.label}")

    def contains(self, ts: int) -> bool:
        return self.start_ts <= ts < self.end_ts


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
    """`moment` rounded up to a whole second."""
    if moment.microsecond == 0:
        return moment
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
        begin = _parse_day(start, "from") if start else _ALL_START
        finish = now if not end else _parse_day(end, "to")
        if end and len(end) == 10:
            finish += timedelta(days=1)
        if finish <= begin:
            raise TimeRangeError("the range ends before it starts", "to" if end else "from")
        return TimeRange(begin, finish, f"{start or 'start'}..{end or 'now'}")
    spec = (spec or "30d").strip().lower()
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
    return TimeRange(now - length, now, spec)
