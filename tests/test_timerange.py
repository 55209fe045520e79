"""Report ranges: where they start and end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mediatop.errors import TimeRangeError
from mediatop.timerange import parse_range, period_words


@pytest.mark.parametrize("spec", ["24h", "30d", "all"])
def test_a_range_ending_now_takes_in_the_current_second(spec: str) -> None:
    # Stored times are whole seconds: an upload at 03:00:00.2 is stored as 03:00:00.
    now = datetime(2026, 12, 6, 3, 0, 0, 400_000, tzinfo=UTC)
    time_range = parse_range(spec, now=now)
    assert time_range.contains(int(now.timestamp()))
    assert not time_range.contains(int(now.timestamp()) + 1)


def test_a_range_and_the_one_before_it_meet_without_overlap() -> None:
    time_range = parse_range("7d", now=datetime(2026, 12, 6, 3, 0, 0, 400_000, tzinfo=UTC))
    before = time_range.previous()
    assert before.end_ts == time_range.start_ts
    assert not before.contains(time_range.start_ts)


@pytest.mark.parametrize("spec", ["", " ", "７d", "٣d", "7w"])
def test_an_empty_range_or_one_in_other_digits_is_refused(spec: str) -> None:
    with pytest.raises(TimeRangeError):
        parse_range(spec, now=datetime(2026, 12, 6, tzinfo=UTC))


def test_a_range_from_1970_that_ends_before_now_is_not_all_time() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    until = parse_range(None, now=now, end="2026-08-05")
    assert until.start_ts == 0 and until.end_ts == int(datetime(2026, 8, 6, tzinfo=UTC).timestamp())
    assert not until.is_all
    assert parse_range(None, now=now, start="1970-01-01").is_all  # 1970 up to now: everything
    assert parse_range("all", now=now).is_all


def test_a_range_is_said_in_words_whatever_it_was_asked_by() -> None:
    now = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
    said = {spec: period_words(parse_range(spec, now=now).label) for spec in ("7d", "12h", "all")}
    assert said == {"7d": "last 7d", "12h": "last 12h", "all": "all time"}
    assert period_words(parse_range(now=now, start="2026-11-01").label) == "2026-11-01 to now"
    assert period_words(parse_range("7d", now=now).previous().label) == "previous 7d"
