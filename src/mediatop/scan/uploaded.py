"""When a file was uploaded, as well as can be known, and how it was known.

A file's first-seen time is its upload time only for files that appeared after the
first scan. For the first scan, a CMS upload path such as `2024/05/name.jpg` gives the
month; otherwise the file's mtime is the best evidence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_YEAR_MONTH = re.compile(rb"(?:^|/)((?:19|20)\d\d)/(0[1-9]|1[0-2])/")


def month_from_path(rel_path: bytes) -> int | None:
    """The first second of the YYYY/MM month named in an upload path, if there is one."""
    match = _YEAR_MONTH.search(rel_path)
    if not match:
        return None
    return int(datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=UTC).timestamp())


def upload_time(
    dir_month: int | None, mtime_ns: int, now: int, initial_scan: bool
) -> tuple[int, str]:
    """(uploaded_at, source) where source is 'first_seen', 'path' or 'mtime'.

    `dir_month` is `month_from_path` of the file's directory, worked out once per
    directory by the caller.
    """
    if not initial_scan:
        return now, "first_seen"
    if dir_month is not None:
        return dir_month, "path"
    return min(mtime_ns // 1_000_000_000, now), "mtime"
