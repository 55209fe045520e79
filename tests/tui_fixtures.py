"""Real data for the TUI tests: media trees written by Pillow and `wave`, scanned into a
real store with a frozen clock, and helpers to drive the app until its data is shown.

Everything drawn from these is deterministic: fixed folder names (`uploads/YYYY/MM/`),
fixed pixels, fixed mtimes, a configured quota (so the disk size never shows) and a
frozen `now` for the scan and every report.
"""

from __future__ import annotations

import io
import os
import struct
import time
import wave
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw
from rich.console import Console
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Static

from mediatop.config import Settings
from mediatop.scan import scan_root
from mediatop.store import connect

if TYPE_CHECKING:
    from mediatop.tui.app import MediatopApp
    from mediatop.tui.screens.file_detail import FileDetailScreen

FROZEN_NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
FROZEN_TS = int(FROZEN_NOW.timestamp())
MTIME = datetime(2025, 6, 1, 9, 30, tzinfo=UTC).timestamp()
QUOTA = 50_000_000

HOSTILE_NAMES = [
    b"[@click=app.quit]x.jpg",
    b"[link=javascript:x]a.png",
    b"esc\x1b]52;c;aGVsbG8=\x07.jpg",
    "rtl-\u202egpj.exe.jpg".encode(),
    b"new\nline.jpg",
    b"caf\xe9-not-utf8.jpg",
]


def image_bytes(width: int, height: int, fmt: str, colour: tuple[int, int, int]) -> bytes:
    """A small but real image: a gradient with a shape, so encoders have work to do."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.line([(x, 0), (x, height)], fill=(x % 256, (x * 3) % 256, 128))
    draw.ellipse([width // 4, height // 4, width * 3 // 4, height * 3 // 4], fill=(250, 250, 250))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", (i * 97) % 2000 - 1000) for i in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def write_file(root: Path, relative: bytes, data: bytes) -> None:
    """Write with a bytes name (names need not be UTF-8) and a fixed mtime."""
    path = os.path.join(os.fsencode(root), relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.utime(path, (MTIME, MTIME))


def build_library(root: Path) -> None:
    """The snapshot library: images of each format, a PDF and a WAV, in CMS month folders."""
    files = {
        b"2024/03/hero-banner.jpg": image_bytes(1600, 900, "JPEG", (200, 40, 40)),
        b"2024/03/hero-banner-300x169.jpg": image_bytes(300, 169, "JPEG", (200, 40, 40)),
        b"2024/05/logo.png": image_bytes(400, 200, "PNG", (20, 20, 160)),
        b"2025/01/team.webp": image_bytes(800, 600, "WEBP", (40, 160, 40)),
        b"2025/02/brochure.pdf": image_bytes(600, 800, "PDF", (255, 255, 255)),
        b"2025/02/jingle.wav": wav_bytes(1.5),
        b"2026/03/spring.gif": image_bytes(320, 200, "GIF", (250, 200, 0)),
    }
    for relative, data in files.items():
        write_file(root, relative, data)


def build_hostile_library(root: Path) -> None:
    """Files whose names try markup, links, terminal escapes, bidi and bad bytes."""
    for index, name in enumerate(HOSTILE_NAMES):
        fmt = "PNG" if name.endswith(b".png") else "JPEG"
        # Different sizes so the largest-files order is fixed.
        write_file(root, name, image_bytes(200 + 40 * index, 100, fmt, (10 * index, 90, 90)))


def write_access_log(path: Path) -> Path:
    """A combined-format log of the week before FROZEN_NOW: a few files, used unevenly."""
    hits = {
        "2024/05/logo.png": 9, "2024/03/hero-banner.jpg": 5, "2025/02/brochure.pdf": 3,
        "2025/02/jingle.wav": 2, "2025/01/team.webp": 1,
    }  # fmt: skip
    lines = []
    for index, (relative, count) in enumerate(hits.items()):
        for n in range(count):
            moment = FROZEN_NOW.replace(day=8 + (n % 7), hour=index + 1, minute=n)
            stamp = moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
            lines.append(
                f'198.51.100.{n + 1} - - [{stamp}] "GET /uploads/{relative} HTTP/1.1" 200 1000 '
                f'"-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"\n'
            )
    path.write_text("".join(lines))
    return path


def ingest(settings: Settings, log: Path) -> None:
    from mediatop.ingest.logs.logfile import ingest_logs

    conn = connect(settings.store)
    try:
        ingest_logs(conn, [log], url_prefixes=settings.url_prefixes, node=settings.node)
    finally:
        conn.close()


def settings_for(tmp_path: Path, root: Path) -> Settings:
    """Settings built directly, so no mediatop.toml or MEDIATOP_* of the machine leaks in."""
    return Settings(
        root=root,
        db_path=tmp_path / "store.sqlite3",
        quota_bytes=QUOTA,
        probe_workers=1,
        node="web-1",  # not the host's name, which snapshots must not show
    )


def scan(settings: Settings, now: int = FROZEN_TS) -> None:
    conn = connect(settings.store)
    try:
        scan_root(conn, settings.root, workers=1, now=now)
    finally:
        conn.close()


def dashboard_app(
    settings: Settings,
    *,
    watch: bool = False,
    scan_on_start: bool = False,
    preview: bool = False,
    **options: Any,
) -> MediatopApp:
    """The app as `mediatop ROOT` builds it, at the frozen clock; by default it watches
    nothing, does not scan on start and draws no image preview (whose default depends on
    SSH_CONNECTION), so it shows the store as the test left it."""
    from mediatop.tui.app import build_app

    # Exports go beside the test's store, never into the working directory.
    options.setdefault("export_dir", settings.db_path.parent)
    return build_app(
        settings, now=FROZEN_NOW, watch=watch, scan_on_start=scan_on_start, preview=preview,
        **options,
    )  # fmt: skip


def scanned_library(tmp_path: Path, root: Path | None = None) -> tuple[Path, Settings]:
    """The snapshot library at `root` (default tmp_path/uploads), scanned into a store."""
    root = tmp_path / "uploads" if root is None else root
    build_library(root)
    settings = settings_for(tmp_path, root)
    scan(settings)
    return root, settings


async def wait_until(pilot: Pilot, condition: object, timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (workers post from threads)."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await pilot.pause(0.05)


async def wait_for_folder_watch(pilot: Pilot, after: int = 0, timeout: float = 10.0) -> int:
    """Until the dashboard's folder watch has taken hold more than `after` times, so a
    change made from now on is seen; returns the new count (for the next wait)."""
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen.folder_watches_started > after, timeout=timeout)
    return int(screen.folder_watches_started)


class MessageLog:
    """Every message the app dispatches, in order (pass `record` as run_test's
    message_hook): a test waits for the one it needs, not for a fixed time."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def record(self, message: Message) -> None:
        self.messages.append(message)

    def mark(self) -> int:
        """Where the log stands now: wait_for(..., since=mark()) sees only later ones."""
        return len(self.messages)

    async def wait_for(
        self, pilot: Pilot, kind: type[Message], since: int = 0, timeout: float = 10.0
    ) -> None:
        """Until a message of `kind` is dispatched after position `since`, and handled."""
        await wait_until(
            pilot,
            lambda: any(isinstance(m, kind) for m in self.messages[since:]),
            timeout=timeout,
        )
        await pilot.pause()


async def wait_for_dashboard(pilot: Pilot) -> None:
    """Until the dashboard shows the store's figures (the first load has landed)."""
    from mediatop.tui.widgets.storage_overview import StorageOverview

    storage = pilot.app.screen.query_one(StorageOverview)
    await wait_until(pilot, lambda: storage.data is not None)
    await pilot.pause()


def rendered_text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def static_text(screen: object, selector: str) -> str:
    return rendered_text(screen.query_one(selector, Static).content)  # type: ignore[attr-defined]


def measure_all_savings(settings: Settings) -> None:
    """Measure every planned re-encoding of every image now, as the savings worker would."""
    from mediatop.measure.savings import measure_savings
    from mediatop.store.queries.image_facts import load_image_facts

    conn = connect(settings.db_path)
    try:
        ids = [facts.id for facts in load_image_facts(conn)]
        measure_savings(conn, settings.root, ids, workers=1, now=FROZEN_TS)
    finally:
        conn.close()


HERO = b"2024/03/hero-banner.jpg"


def record_engagement(settings: Settings, path: bytes = HERO) -> None:
    """Tracked events for one file over the week before FROZEN_NOW: views on five days
    from two devices, referrers and countries, and some clicks, shares and downloads."""
    from mediatop.analytics.library.lookup import find_file
    from mediatop.model import UsageEvent
    from mediatop.store import transaction
    from mediatop.store.events import record_usage_events

    referrers = ["https://www.google.com/search?q=x", "https://news.example.org/a", None]
    conn = connect(settings.db_path)
    try:
        media_id = find_file(conn, path).id
        kinds = ["view"] * 14 + ["click", "click", "click", "share", "download", "share"]
        events = []
        for n, kind in enumerate(kinds):
            moment = FROZEN_TS - 86_400 * (n % 5 + 1) - 60 * n
            events.append(
                UsageEvent(
                    media_id, kind, moment, "import", user_id=f"u{n % 7}",
                    referrer=referrers[n % 3], device="mobile" if n % 4 == 0 else "desktop",
                    country="DE" if n % 2 else "FR",
                )
            )  # fmt: skip
        with transaction(conn):
            record_usage_events(conn, events)
    finally:
        conn.close()


async def file_screen_loaded(pilot: Pilot) -> FileDetailScreen:
    """Until the file screen a key opened is on top and has drawn its file; the screen."""
    from mediatop.tui.screens.file_detail import FileDetailScreen

    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FileDetailScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FileDetailScreen)
    await wait_until(pilot, lambda: screen.detail is not None, timeout=20)
    await pilot.pause()
    return screen
