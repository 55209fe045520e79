"""Plain-text form of a report for people: indented `label: value` lines.

Sizes are humanised, outside strings are made visible (textsafe), and nothing here uses
colour, so NO_COLOR and TERM=dumb need nothing special. Lists of records become small
aligned tables.
"""

from __future__ import annotations

import re
from typing import Any

import humanize

from mediatop.textsafe import visible

_SIZE_KEY = re.compile(r"(size|bytes|savings|storage(used|quota)|bandwidth)", re.IGNORECASE)
_MAX_LIST_ROWS = 25


def _label(key: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", key)
    return spaced[:1].upper() + spaced[1:].lower()


def _scalar(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and _SIZE_KEY.search(key) and "percent" not in key.lower():
        return humanize.naturalsize(value, binary=False)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return visible(str(value))


def _is_cell(value: Any) -> bool:
    """Whether a record's value fits in a table cell: a scalar or a list of scalars."""
    if isinstance(value, list):
        return not any(isinstance(v, dict | list) for v in value)
    return not isinstance(value, dict)


def _cell(key: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(key, v) for v in value) or "–"
    return _scalar(key, value)


def _table(rows: list[dict[str, Any]], indent: str) -> list[str]:
    scalar_keys = [k for k, v in rows[0].items() if _is_cell(v)]
    cells = [[_cell(k, row.get(k)) for k in scalar_keys] for row in rows[:_MAX_LIST_ROWS]]
    headers = [_label(k) for k in scalar_keys]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = [
        (indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))).rstrip()
    ]
    lines += [
        (indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip()
        for row in cells
    ]
    if len(rows) > _MAX_LIST_ROWS:
        lines.append(f"{indent}… {len(rows) - _MAX_LIST_ROWS} more (use --json for all)")
    return lines


def render(data: Any, indent: str = "") -> list[str]:
    """Lines of text for a JSON-ready report."""
    lines: list[str] = []
    if not isinstance(data, dict):
        return [indent + _scalar("", data)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{_label(key)}:")
            lines.extend(render(value, indent + "  ") or [indent + "  –"])
        elif isinstance(value, list):
            if not value:
                lines.append(f"{indent}{_label(key)}: none")
            elif all(isinstance(v, dict) for v in value):
                lines.append(f"{indent}{_label(key)}:")
                lines.extend(_table(value, indent + "  "))
            else:
                shown = ", ".join(_scalar(key, v) for v in value[:_MAX_LIST_ROWS])
                lines.append(f"{indent}{_label(key)}: {shown}")
        else:
            lines.append(f"{indent}{_label(key)}: {_scalar(key, value)}")
    return lines
