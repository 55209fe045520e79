"""Small rules every report uses to state a figure: a share, a top-N bound, a moment."""

from __future__ import annotations

from datetime import UTC, datetime

from mediatop.analytics.context import ReportContext


def percent(part: float, whole: float) -> float | None:
    """100 × part / whole, or None when there is nothing to divide by."""
    return None if not whole else 100.0 * part / whole


def top_limit(ctx: ReportContext, default: int = 10) -> int:
    """How many rows a top list holds: the option `top`, at least 1."""
    return max(1, ctx.option_int("top", default))


def ts_to_datetime(ts: int | None) -> datetime | None:
    """A stored Unix timestamp as a UTC datetime (None stays None)."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC)
