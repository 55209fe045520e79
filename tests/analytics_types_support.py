"""Builders for the per-type analytics tests: a real store, real files, real writers.

Files are made with Pillow in tmp_path and scanned with the real scanner; events go
through `record_usage_events` / `record_video_events` and locations through
`replace_locations`, so the tests exercise the same rollups users get.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from mediatop.analytics.context import ReportContext
from mediatop.analytics.timerange import parse_range
from mediatop.config import Settings
from mediatop.model import UsageEvent, UsageLocation, VideoEngagementEvent
from mediatop.scan import scan_root
from mediatop.store.connection import connect, transaction
from mediatop.store.events import record_usage_events, record_video_events
from mediatop.store.locations import replace_locations

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())
DAY = 86400


def new_store(tmp_path: Path) -> tuple[sqlite3.Connection, Settings]:
    """An empty store and settings whose root is tmp_path/media."""
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)
    settings = Settings(root=root, db_path=tmp_path / "store.sqlite3")
    return connect(settings.db_path), settings


def photo(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like RGB picture (shapes, gradients, a little noise): compresses like a photo."""
    rng = random.Random(seed)
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(5, max(6, width // 4))
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(im, noise, 0.08)


def save_image(root: Path, rel: str, im: Image.Image, **options: object) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, **options)
    return path


def scan(conn: sqlite3.Connection, root: Path) -> dict[str, int]:
    """Scan and probe `root`; returns relative path (str) -> file id."""
    scan_root(conn, root, probe=True, workers=1, now=NOW_TS - 400 * DAY)
    return {
        bytes(path).decode(): file_id
        for path, file_id in conn.execute("SELECT path, id FROM media_files")
    }


def context(
    conn: sqlite3.Connection, settings: Settings, range_: str = "30d", **options: str
) -> ReportContext:
    return ReportContext(conn, settings, parse_range(range_, now=NOW), NOW, options)


def usage(conn: sqlite3.Connection, events: Sequence[UsageEvent]) -> None:
    with transaction(conn):
        record_usage_events(conn, list(events))


def video_events(conn: sqlite3.Connection, events: Sequence[VideoEngagementEvent]) -> None:
    with transaction(conn):
        record_video_events(conn, list(events))


def locations(conn: sqlite3.Connection, source: str, rows: Sequence[UsageLocation]) -> None:
    with transaction(conn):
        replace_locations(conn, source, list(rows))


def views(media_id: int, count: int, *, ts: int = NOW_TS - 3600, etype: str = "view",
          source: str = "log", **fields: object) -> list[UsageEvent]:  # fmt: skip
    """`count` events of one type for one file, one second apart, from distinct sessions."""
    return [
        UsageEvent(media_id, etype, ts + i, source, session_id=f"s{media_id}-{etype}-{i}",
                   status=200 if source == "log" else None, **fields)  # type: ignore[arg-type]
        for i in range(count)
    ]  # fmt: skip
