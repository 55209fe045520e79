"""`--compare`: the change between a report and the same report for the previous period.

Works on the JSON form, so every report gets it for free: numbers are compared field by
field (absolute change and percent), nested objects recursively; lists are left out,
since their members are not the same things from one period to the next.
"""

from __future__ import annotations

from typing import Any


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def change(current: Any, previous: Any) -> Any:
    """{field: {"current", "previous", "change", "changePercent"}} for every numeric field."""
    if isinstance(current, dict) and isinstance(previous, dict):
        out = {}
        for key, value in current.items():
            if key in previous:
                diff = change(value, previous[key])
                if diff not in (None, {}):
                    out[key] = diff
        return out
    if _number(current) and _number(previous):
        delta = current - previous
        percent = None if previous == 0 else round(100.0 * delta / abs(previous), 2)
        return {
            "current": current,
            "previous": previous,
            "change": round(delta, 4),
            "changePercent": percent,
        }
    return None


def with_comparison(current: Any, previous: Any, label: str, previous_label: str) -> dict[str, Any]:
    """The shape `--compare` prints: both periods and the change between them."""
    return {
        "range": label,
        "previousRange": previous_label,
        "current": current,
        "previous": previous,
        "change": change(current, previous),
    }
