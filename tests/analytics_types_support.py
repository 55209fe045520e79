"""Builders for the per-type analytics tests: a real store, real files, real writers.

Files are made with Pillow in tmp_path and scanned with the real scanner; events go
through `record_usage_events` / `record_video_events` and locations through
`replace_locations`, so the tests exercise the same rollups users get.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from mediatop.analytics.context import ReportContext
from mediatop.config import Settings
from mediatop.measure.for_reports import measure_before
from mediatop.model import UsageEvent, UsageLocation, VideoEngagementEvent
from mediatop.scan import scan_root
from mediatop.store.connection import connect, transaction
from mediatop.store.events import record_usage_events, record_video_events
from mediatop.store.locations import replace_locations
from mediatop.timerange import parse_range

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())
DAY = 86400


def new_store(tmp_path: Path, server_url: str | None = None) -> tuple[sqlite3.Connection, Settings]:
    """An empty store and settings whose root is tmp_path/media: a SQLite file in
    tmp_path, or the PostgreSQL store at `server_url`."""
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)
    settings = Settings(root=root, db_path=tmp_path / "store.sqlite3", db_url=server_url)
    return connect(settings.store), settings


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
    scan_root(conn, root, probe=True, workers=1, now=NOW_TS)
    return {
        bytes(path).decode(): file_id
        for path, file_id in conn.execute("SELECT path, id FROM media_files")
    }


def context(
    conn: sqlite3.Connection, settings: Settings, range_: str = "30d", **options: str
) -> ReportContext:
    return ReportContext(conn, settings, parse_range(range_, now=NOW), NOW, options)


def after_measuring(name: str, ctx: ReportContext) -> ReportContext:
    """`ctx` with what the measurement step for report `name` did, as the library
    surface hands it to the report."""
    done = measure_before(name, ctx.conn, ctx.settings, ctx.options, ctx.now)
    return replace(ctx, measured=done)


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


def write_pdf(path: Path, text: str | None, info: dict[str, str] | None = None) -> Path:
    """A one-page PDF; with `text` its page has a text layer, else it is blank (a 'scan')."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if info:
        entries = " ".join(f"/{k} ({v})" for k, v in info.items())
        objects.append(f"<< {entries} >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info:
        trailer += b" /Info %d 0 R" % len(objects)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def write_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    """A silent mono 16-bit WAV that mutagen can read (bitrate = rate × 16)."""
    import wave

    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(rate * seconds))
    return path
