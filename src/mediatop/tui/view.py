"""What a list screen shows, as plain values: its figures, its lists, their rows as
filtered and sorted, and the same again as an export. No Textual here.

A subject screen (Images, Videos, ...) shows one report of the library surface in its
JSON form (`MediaLibrary.report_data`, the same as `mediatop report NAME --json`), so
every figure on screen is a key of that JSON. A screen names its figures (`Figure`) and
its lists (`ListSpec`: where the records are and which of their keys are columns); this
module reads them out of the report, filters rows by a text, sorts them by a column and
turns what is shown into the rows an export writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mediatop.textsafe import visible_path

Record = Mapping[str, Any]

# How a value is written on screen; the raw value is what sorting and exports use.
FORMATS = (
    "text",
    "path",
    "count",
    "size",
    "percent",
    "ms",
    "seconds",
    "ratio",
    "bool",
    "time",
    "items",
)


@dataclass(frozen=True)
class Column:
    """One column of a list: its title, the record key it shows (dotted for nested
    keys) and how the value is written."""

    title: str
    key: str
    fmt: str = "text"
    width: int | None = None  # None: the column takes what is left (one per list)


@dataclass(frozen=True)
class ListSpec:
    """One list of a screen: its title, where its records are in the report (a dotted
    path) and its columns. `file_key` names the record key holding a library file id
    (enter opens it), None for lists of other things. `records` replaces the path for
    lists built from nested records (a duplicate group's files, say)."""

    title: str
    path: str
    columns: tuple[Column, ...]
    file_key: str | None = "id"
    records: Callable[[Any], list[Record]] | None = None


@dataclass(frozen=True)
class Figure:
    """One figure above the list: a label and the report key it shows."""

    label: str
    key: str
    fmt: str = "count"


@dataclass(frozen=True)
class Shown:
    """A list as it is on screen: the rows left by the filter, in the sort's order."""

    spec: ListSpec
    rows: list[Record]
    total: int  # rows before the filter
    sort_column: int | None = None
    descending: bool = True
    filter_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def lookup(data: Any, key: str) -> Any:
    """The value at a dotted key of nested dicts (None when any step is missing)."""
    value = data
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def file_id(record: Record, file_key: str | None) -> int | None:
    """The library id of the file a record is about, None for records of other things."""
    found = None if file_key is None else lookup(record, file_key)
    return int(found) if found is not None and str(found).isdigit() else None


def row_keys(rows: Sequence[Record], file_key: str | None) -> list[str]:
    """A key per row naming what the row is about, so that the same row is found again
    in a new read: 'ID.N' for the N-th row of file ID (Optimize lists a resize and a
    conversion of one image), the row's number for a row of other things."""
    keys: list[str] = []
    rows_of_file: dict[int, int] = {}
    for number, record in enumerate(rows):
        found = file_id(record, file_key)
        if found is None:
            keys.append(str(number))
        else:
            keys.append(f"{found}.{rows_of_file.get(found, 0)}")
            rows_of_file[found] = rows_of_file.get(found, 0) + 1
    return keys


def row_again(key: str | None, keys: list[str], number: int) -> int:
    """Where the cursor goes in a new read of a list (`keys` its rows' keys): to the row
    of `key`, the one it was on, wherever its file moved; with that file gone, to the
    same row `number`, clamped to the end: the cursor stays where the eye is, on the row
    that took the file's place, rather than jumping to the top."""
    return keys.index(key) if key in keys else min(number, len(keys) - 1)


def file_id_in_key(key: str) -> int | None:
    """The file id a `row_keys` key names, None for a row of other things."""
    head, dot, _ = key.partition(".")
    return int(head) if dot else None


def records_of(report: Any, spec: ListSpec) -> list[Record]:
    """The records of `spec`'s list in a report (empty when the report has none)."""
    if spec.records is not None:
        return spec.records(report)
    found = lookup(report, spec.path)
    return [r for r in found if isinstance(r, Mapping)] if isinstance(found, list) else []


def value_text(value: Any, fmt: str) -> str:
    """A value as the screen writes it; None is 'unknown' for figures, '' in lists
    stays for the caller to decide ('—')."""
    from mediatop.tui.plain import count_text, duration_text, ms_text, percent_text, size_text

    if value is None:
        return "—"
    if fmt == "path":
        return visible_path(value) if isinstance(value, str | bytes) else str(value)
    if isinstance(value, bool) or fmt == "bool":
        return "yes" if value else "no"
    if fmt == "items" and isinstance(value, list):
        return f"{len(value):,}"
    if fmt == "time" and isinstance(value, int | float):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, int | float):
        writers: dict[str, Callable[[Any], str]] = {
            "count": lambda v: count_text(int(v)) if float(v).is_integer() else f"{v:,.1f}",
            "size": lambda v: size_text(int(v)),
            "percent": percent_text,
            "ms": ms_text,
            "seconds": duration_text,
            "ratio": lambda v: f"{v:.3f}",
        }
        if fmt in writers:
            return writers[fmt](value)
    if isinstance(value, list):
        return ", ".join(value_text(v, "text") for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {value_text(v, 'count')}" for k, v in value.items())
    return str(value)


def row_texts(record: Record, columns: Sequence[Column]) -> list[str]:
    """The cells of one row as text (outside text made visible later, by the widget)."""
    return [value_text(lookup(record, c.key), c.fmt) for c in columns]


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, each in their order; unknown values always last."""
    if value is None:
        return (2, 0)
    if isinstance(value, bool | int | float):
        return (0, float(value))
    return (1, str(value).casefold())


def shown(
    records: Sequence[Record],
    spec: ListSpec,
    *,
    filter_text: str = "",
    sort_column: int | None = None,
    descending: bool = True,
) -> Shown:
    """The rows the screen shows: those whose text contains `filter_text` (any column,
    case-insensitive), sorted by `sort_column` (None: the report's own order).
    Unknown values stay last whichever the direction."""
    needle = filter_text.casefold()
    rows = [
        r
        for r in records
        if not needle or any(needle in text.casefold() for text in row_texts(r, spec.columns))
    ]
    if sort_column is not None:
        key = spec.columns[sort_column].key
        known = [r for r in rows if lookup(r, key) is not None]
        unknown = [r for r in rows if lookup(r, key) is None]
        known.sort(key=lambda r: _sort_key(lookup(r, key)), reverse=descending)
        rows = known + unknown
    return Shown(spec, rows, len(records), sort_column, descending, filter_text)


def export_rows(view: Shown) -> list[dict[str, Any]]:
    """The shown rows as an export writes them: one dict per row, the column titles as
    keys and the report's raw values (bytes, not '1.2 MB'), in the screen's order."""
    return [{c.title: lookup(r, c.key) for c in view.spec.columns} for r in view.rows]


def figure_values(report: Any, figures: Sequence[Figure]) -> dict[str, Any]:
    """The figures' raw values, by label."""
    return {f.label: lookup(report, f.key) for f in figures}
