"""Usage locations into the store: from a scanned content folder or a CMS export.

`scan_locations` (behind `mediatop locations scan`) and `import_locations` (behind
`mediatop locations import`, CSV or JSONL) both replace the rows of their source, so
running either again on the same input changes nothing. Export columns/keys (snake_case
or camelCase): media (or media_path, path, file, media_url, mediaUrl: a path under the
root or a URL under the media prefix), type, location_id (or id), title, url, usage,
element, display_width (or width), sizes, is_lazy (or lazy), is_responsive (or
responsive). A bad row is reported with its line number and skipped.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediatop.ingest.locations.content import MAX_LOCATION_ID, scan_content
from mediatop.ingest.logs.urlmap import relative_media_path
from mediatop.model import LOCATION_TYPES, LOCATION_USAGES, UsageLocation
from mediatop.store.connection import transaction
from mediatop.store.locations import count_by_source, replace_locations
from mediatop.store.storable import storable_text

_TRUE = frozenset(("1", "true", "yes", "y", "lazy"))
_FALSE = frozenset(("0", "false", "no", "n", "eager", ""))


@dataclass(frozen=True)
class LocationsReport:
    """What a usage-location scan or import stored."""

    source: str
    files: int
    references: int
    unmatched: int
    errors: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "filesRead": self.files,
            "references": self.references,
            "unmatched": self.unmatched,
            "errors": [{"where": w, "error": e} for w, e in self.errors[:100]],
        }


def _store(
    conn: sqlite3.Connection, source: str, locations: list[UsageLocation]
) -> tuple[int, int]:
    with transaction(conn):
        replace_locations(conn, source, locations)
    return count_by_source(conn, source)


def scan_locations(
    conn: sqlite3.Connection, content_dir: Path, *, url_prefixes: tuple[str, ...]
) -> LocationsReport:
    """Replace the locations found in `content_dir` (source = its resolved path)."""
    source = f"scan:{content_dir.resolve()}"
    found = scan_content(content_dir, url_prefixes, source)
    total, unmatched = _store(conn, source, found.locations)
    return LocationsReport(source, found.files, total, unmatched, tuple(found.errors))


def _text(row: Mapping[str, Any], *names: str) -> str | None:
    """A text field as SQLite can store it (an undecodable byte becomes \\xNN)."""
    value = _get(row, *names)
    return None if value is None else storable_text(str(value))


def _get(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = row.get(name)
        if value is not None and value != "":
            return value
    return None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {text[:20]!r}")


def location_from_row(
    row: Mapping[str, Any], prefixes: tuple[str, ...], source: str
) -> UsageLocation:
    """One validated location from an export row."""
    media = _get(row, "media", "media_path", "mediaPath", "path", "file", "media_url", "mediaUrl")
    if not isinstance(media, str):
        raise ValueError("the media path or URL is missing")
    if media.startswith(("http://", "https://", "/")):
        path, _ = relative_media_path(media, prefixes)
    else:
        path, _ = relative_media_path(prefixes[0] + media, prefixes[:1])
    if path is None:
        raise ValueError(f"{media[:200]!r} is not a safe media path or URL")
    kind = str(_get(row, "type") or "post")
    if kind not in LOCATION_TYPES:
        raise ValueError(f"type {kind[:30]!r} is not one of {', '.join(LOCATION_TYPES)}")
    usage = str(_get(row, "usage") or "inline")
    if usage not in LOCATION_USAGES:
        raise ValueError(f"usage {usage[:30]!r} is not one of {', '.join(LOCATION_USAGES)}")
    location_id = _text(row, "location_id", "locationId", "id")
    if location_id is None:
        raise ValueError("location_id is missing")
    if len(location_id) > MAX_LOCATION_ID:
        raise ValueError(f"location_id is longer than {MAX_LOCATION_ID} characters")
    width = _get(row, "display_width", "displayWidth", "width")
    if width is not None:
        width = int(width)
        if width <= 0:
            raise ValueError("display_width must be positive")
    title, url, element, sizes = (_text(row, n) for n in ("title", "url", "element", "sizes"))
    return UsageLocation(
        media_path=path, type=kind, location_id=location_id, usage=usage, source=source,
        title=title, url=url, element=element, display_width=width, sizes=sizes,
        is_lazy=_flag(_get(row, "is_lazy", "isLazy", "lazy")),
        is_responsive=_flag(_get(row, "is_responsive", "isResponsive", "responsive")),
    )  # fmt: skip


def import_locations(
    conn: sqlite3.Connection, path: Path, *, url_prefixes: tuple[str, ...]
) -> LocationsReport:
    """Replace the locations from one CMS export (.csv, or .jsonl / .json lines)."""
    source = f"import:{path.resolve()}"
    raw = path.read_bytes()
    errors: list[tuple[str, str]] = []
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as bad:
        # An old CMS may export in Latin-1: its names are matched as the export's bytes,
        # which finds files named in that encoding, and the admin is told why others
        # are not found.
        at_line = raw.count(b"\n", 0, bad.start) + 1
        errors.append((
            f"line {at_line}",
            f"not UTF-8 (byte 0x{raw[bad.start]:02x}): names are matched byte for byte; "
            "export as UTF-8 if the files' names are UTF-8",
        ))  # fmt: skip
        text = raw.decode("utf-8-sig", "surrogateescape")
    locations: list[UsageLocation] = []
    rows: list[tuple[int, Any]] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except ValueError as exc:
                errors.append((f"line {number}", f"not JSON: {exc}"[:200]))
    for number, row in rows:
        try:
            if not isinstance(row, dict):
                raise ValueError("each row must be an object")
            locations.append(location_from_row(row, url_prefixes, source))
        except (ValueError, TypeError) as exc:
            errors.append((f"line {number}", str(exc)[:200]))
    total, unmatched = _store(conn, source, locations)
    return LocationsReport(source, 1, total, unmatched, tuple(errors))
