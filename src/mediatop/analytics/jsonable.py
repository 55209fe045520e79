"""Turn analytics results (frozen dataclasses) into JSON-ready dicts with camelCase keys.

The CMS consumes the same field names as the seed specification (`totalFiles`,
`averageFileSize`, ...), so snake_case attribute names are converted on the way out.
Paths stored as bytes become lossless strings (surrogateescape), datetimes ISO 8601 UTC.
"""

from __future__ import annotations

import dataclasses
import math
import os
from datetime import date, datetime
from enum import Enum
from typing import Any


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_FIELDS_BY_TYPE: dict[type, tuple[tuple[str, str], ...] | None] = {}


def _json_fields(cls: type) -> tuple[tuple[str, str], ...] | None:
    """(attribute, JSON key) of each field a dataclass shows; None for other types.
    Worked out once per type: a media report converts about 9,000 values."""
    try:
        return _FIELDS_BY_TYPE[cls]
    except KeyError:
        pass
    names = None
    if dataclasses.is_dataclass(cls):
        names = tuple(
            (f.name, camel(f.name))
            for f in dataclasses.fields(cls)
            if not f.metadata.get("json_skip")
        )
    _FIELDS_BY_TYPE[cls] = names
    return names


_AS_IS = (str, int, bool, type(None))


def to_jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, enums, bytes, dates and floats for json.dumps."""
    if isinstance(value, _AS_IS) and not isinstance(value, Enum):
        return value
    names = _json_fields(type(value))
    if names is not None:
        return {key: to_jsonable(getattr(value, name)) for name, key in names}
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, bytes) else os.fsdecode(k): to_jsonable(v)
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    return value
