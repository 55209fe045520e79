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


def to_jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, enums, bytes, dates and floats for json.dumps."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            camel(f.name): to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("json_skip")
        }
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
