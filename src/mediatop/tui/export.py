"""`e` and `E`: write what the current screen shows into a file, as JSON or CSV.

A screen hands over an `Export`: its name, the JSON document of what it shows (its
figures and its list's rows as filtered and sorted, with the report's raw values) and
the rows a CSV gets. The file goes into the export folder (the working directory the
app was started in, unless told otherwise) under a name that says the screen, the
range and the moment, so exports never overwrite each other. Names that are not UTF-8
are written as their exact bytes, as `mediatop report --csv` writes them into a file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Export:
    """What a screen shows, ready to be written."""

    screen: str  # 'Images', 'File 2024/03/hero.jpg'
    document: dict[str, Any]  # the JSON export
    rows: list[dict[str, Any]]  # the CSV export: one dict per row, same keys each


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "screen"


def export_path(folder: Path, export: Export, fmt: str, range_name: str, moment: datetime) -> Path:
    """A new file in `folder` named for the screen, the range and the moment; a number
    is added rather than overwrite an earlier export of the same second."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"mediatop-{_slug(export.screen)}-{range_name}-{stamp}"
    path = folder / f"{base}.{fmt}"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{base}-{number}.{fmt}"
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=True)
    return value


def write_export(path: Path, export: Export, fmt: str) -> int | None:
    """Write the export; how many rows a CSV holds (None for JSON: one document, of
    figures and lists). OSError when the file cannot be written."""
    if fmt == "json":
        text = json.dumps(export.document, indent=2, ensure_ascii=False) + "\n"
        # Names that are not UTF-8 are surrogate-escaped strings: back to their bytes.
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        return None
    rows: Sequence[Mapping[str, Any]] = export.rows
    with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as out:
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
    return len(rows)
