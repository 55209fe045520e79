"""The fields of an access-log line as the store keeps them: times, durations, cache
status, and text made safe to store (undecodable bytes, lone surrogates, IP addresses
in reject samples). A field that cannot be used raises `BadLine` with the reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
)}  # fmt: skip
_HIT = frozenset(("hit", "stale", "updating", "revalidated"))
_MISS = frozenset(("miss", "expired", "bypass", "dynamic"))
# ':MM:SS' -> seconds into the hour (SS may be 60, a leap second)
MINUTE_SECONDS = {f":{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(61)}


class BadLine(Exception):
    """A line that cannot be used; args[0] is the reason."""


def cache_status(value: str | None) -> str | None:
    """'hit', 'miss', another raw value lower-cased, or None when the log has no evidence."""
    if not value or value == "-":
        return None
    lowered = value.strip().lower()
    if lowered in _HIT or "hit" in lowered:
        return "hit"
    if lowered in _MISS or "miss" in lowered:
        return "miss"
    return lowered[:40]


# An event's time is stored as seconds since 1970; one before it or from 2100 on is a
# bad time (a log's year 1 or 9999 is a typo or an attack, never a request).
LATEST_EVENT_TIME = 4_102_444_800  # 2100-01-01 00:00 UTC
# The largest response a log line or a beacon may count: a petabyte. A larger figure is
# a bad one (and SQLite's integers end at 2**63).
MAX_RESPONSE_BYTES = 10**15


def is_event_time(seconds: int) -> bool:
    """Whether `seconds` is a time an event can have happened at (1970 to 2100)."""
    return 0 <= seconds < LATEST_EVENT_TIME


class Clock:
    """Log time strings to UTC epoch seconds, caching the per-day and per-hour parts."""

    def __init__(self) -> None:
        self._days: dict[str, int] = {}
        # '10/Oct/2024:13 +0200' -> epoch of that hour; read directly by the hot path
        self.hours: dict[str, int] = {}

    def local(self, text: str) -> int:
        """'10/Oct/2024:13:55:36 +0200' (nginx $time_local, Apache %t)."""
        # Only 26-character times are cached, so a text of another length never finds
        # a key of its own length here (the zone part would be longer or shorter).
        hour = self.hours.get(text[:14] + text[20:])
        seconds = MINUTE_SECONDS.get(text[14:20])
        if hour is not None and seconds is not None:
            return hour + seconds
        return self._local_slow(text)

    def _local_slow(self, text: str) -> int:
        if len(text) != 26 or text[11] != ":" or text[20] != " ":
            raise BadLine("bad_time")
        key = text[:11] + text[20:]
        base = self._days.get(key)
        if base is None:
            try:
                day = datetime(int(text[7:11]), _MONTHS[text[3:6]], int(text[0:2]), tzinfo=UTC)
                sign = 1 if text[21] == "+" else -1
                if text[21] not in "+-":
                    raise ValueError(text)
                offset = sign * (int(text[22:24]) * 3600 + int(text[24:26]) * 60)
            except (KeyError, ValueError) as exc:
                raise BadLine("bad_time") from exc
            base = self._days[key] = int(day.timestamp()) - offset
        try:
            hours, minutes, seconds = int(text[12:14]), int(text[15:17]), int(text[18:20])
        except ValueError as exc:
            raise BadLine("bad_time") from exc
        if hours > 23 or minutes > 59 or seconds > 60 or text[14] != ":" or text[17] != ":":
            raise BadLine("bad_time")
        if len(self.hours) > 4_096:
            self.hours.clear()
        if not is_event_time(base):
            raise BadLine("bad_time")
        hour = self.hours[text[:14] + text[20:]] = base + hours * 3600
        return hour + minutes * 60 + seconds

    @staticmethod
    def iso(text: str) -> int:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise BadLine("bad_time") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return _checked(int(moment.timestamp()))

    @staticmethod
    def msec(text: str) -> int:
        try:
            return _checked(int(float(text)))
        except (ValueError, OverflowError) as exc:
            raise BadLine("bad_time") from exc


def _checked(seconds: int) -> int:
    if not is_event_time(seconds):
        raise BadLine("bad_time")
    return seconds


def seconds_to_ms(text: str | None) -> float | None:
    """nginx $request_time ('0.123', '-', or '0.1, 0.2' for several upstreams) in ms."""
    if not text or text == "-":
        return None
    try:
        total = sum(float(part) for part in text.replace(" ", "").split(",") if part != "-")
    except ValueError:
        return None
    return total * 1000.0 if total >= 0 and total == total and total < 1e9 else None


_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?:::?[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


def mask_addresses(line: str) -> str:
    """A line with IPv4 and IPv6 addresses replaced by '<ip>' (for reject samples:
    raw IPs are never stored). Clock times like 13:55:36 are left alone."""
    line = _IPV4.sub("<ip>", line)
    return _IPV6.sub(
        lambda m: "<ip>" if "::" in m.group() or m.group().count(":") >= 4 else m.group(), line
    )
