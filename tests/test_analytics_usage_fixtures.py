"""Small hand-built stores for the usage, performance, file, growth and insight tests.

Files go in through the scanner's writer (`insert_new`), events through the real
`record_usage_events` / `record_video_events` (so the rollups under test are the real
ones), references through `replace_locations`. Importable by the other analytics tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mediatop.analytics.context import ReportContext
from mediatop.config import Settings
from mediatop.kinds import Kind
from mediatop.model import ProbeResult, UsageEvent, UsageLocation, VideoEngagementEvent
from mediatop.store import connect, transaction
from mediatop.store.events import record_usage_events, record_video_events
from mediatop.store.files import SeenFile, insert_new, save_probes
from mediatop.store.locations import replace_locations
from mediatop.timerange import parse_range

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
DAY = 86400


def ts(days_ago: float, now: datetime = NOW) -> int:
    """A timestamp `days_ago` days before the frozen clock."""
    return int((now - timedelta(days=days_ago)).timestamp())


@dataclass
class Store:
    """A real store file in tmp_path with a few helpers to fill it."""

    root: Path
    settings: Settings

    def __post_init__(self) -> None:
        self.conn = connect(self.settings.store)

    def add(
        self,
        path: str,
        size: int,
        *,
        uploaded_days_ago: float = 400,
        kind: Kind | None = None,
        group: str | None = None,
        variant: str | None = None,
        probe: ProbeResult | None = None,
        deleted_days_ago: float | None = None,
    ) -> int:
        """Add one present (or deleted) file and return its id."""
        ext = os.path.splitext(path)[1].lower()
        guessed = {
            ".jpg": Kind.IMAGE, ".png": Kind.IMAGE, ".webp": Kind.IMAGE, ".avif": Kind.IMAGE,
            ".mp4": Kind.VIDEO, ".mp3": Kind.AUDIO, ".pdf": Kind.DOCUMENT,
        }.get(ext, Kind.OTHER)  # fmt: skip
        seen = SeenFile(
            path=path.encode(),
            group_path=(group or path).encode(),
            variant=variant,
            kind=kind or guessed,
            mime="application/octet-stream",
            ext=ext,
            size=size,
            mtime_ns=0,
            inode=None,
            uploaded_at=ts(uploaded_days_ago),
            uploaded_source="path",
        )
        with transaction(self.conn):
            insert_new(self.conn, [seen], ts(uploaded_days_ago))
            file_id = self.conn.execute(
                "SELECT id FROM media_files WHERE path = ?", (path.encode(),)
            ).fetchone()[0]
            if probe is not None:
                save_probes(self.conn, [(file_id, probe)], ts(0))
            if deleted_days_ago is not None:
                self.conn.execute(
                    "UPDATE media_files SET deleted_at = ? WHERE id = ?",
                    (ts(deleted_days_ago), file_id),
                )
        return int(file_id)

    def events(self, events: list[UsageEvent]) -> None:
        with transaction(self.conn):
            record_usage_events(self.conn, events)

    def video_events(self, events: list[VideoEngagementEvent]) -> None:
        with transaction(self.conn):
            record_video_events(self.conn, events)

    def refs(self, *locations: UsageLocation, source: str = "content") -> None:
        with transaction(self.conn):
            replace_locations(self.conn, source, list(locations))

    def ctx(
        self,
        spec: str = "30d",
        *,
        start: str | None = None,
        end: str | None = None,
        **options: object,
    ) -> ReportContext:
        time_range = parse_range(spec, now=NOW, start=start, end=end)
        return ReportContext(
            self.conn, self.settings, time_range, NOW, {k: str(v) for k, v in options.items()}
        )


def make_store(tmp_path: Path, quota: int | None = None, store_url: str | None = None) -> Store:
    """A store for the root tmp_path/media: a SQLite file in tmp_path, or the PostgreSQL
    store when `store_url` (the `store_url` fixture's value) names one."""
    root = tmp_path / "media"
    root.mkdir(parents=True, exist_ok=True)
    server = store_url if store_url and store_url.startswith("postgresql://") else None
    settings = Settings(
        root=root, db_path=tmp_path / "store.sqlite3", quota_bytes=quota, db_url=server
    )
    return Store(root, settings)


def view(media_id: int, days_ago: float, **fields: object) -> UsageEvent:
    """A human view from the access log (status 200) unless fields say otherwise."""
    values: dict[str, object] = {"source": "log", "status": 200, "session_id": "s1"}
    values.update(fields)
    event_type = str(values.pop("event_type", "view"))
    return UsageEvent(media_id=media_id, event_type=event_type, timestamp=ts(days_ago), **values)  # type: ignore[arg-type]


def tracked(media_id: int, event_type: str, days_ago: float, **fields: object) -> UsageEvent:
    """A tracked interaction (click, share, download, view) from `mediatop track`."""
    return UsageEvent(
        media_id=media_id, event_type=event_type, timestamp=ts(days_ago), source="track",
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def ref(path: str, location_id: str, **fields: object) -> UsageLocation:
    values: dict[str, object] = {"type": "post", "usage": "inline", "source": "content"}
    values.update(fields)
    return UsageLocation(media_path=path.encode(), location_id=location_id, **values)  # type: ignore[arg-type]


def one_of_each_kind(tmp_path: Path) -> Store:
    """A store with a referenced and viewed image, a viewed video, a document, a song, an
    unused image and one uploaded two days ago: every block of the media report has
    something to say."""
    store = make_store(tmp_path)
    hero = store.add("hero.jpg", 1000, probe=ProbeResult(format="JPEG", width=800, height=600))
    clip = store.add("clip.mp4", 9000, probe=ProbeResult(duration_s=60.0, faststart=True))
    store.add("guide.pdf", 2000, probe=ProbeResult(pages=3, has_text_layer=True))
    store.add("song.mp3", 3000, probe=ProbeResult(duration_s=30.0))
    store.add("lonely.jpg", 5000)
    store.add("new.jpg", 10, uploaded_days_ago=2)
    store.refs(ref("hero.jpg", "12", title="Hello", url="https://x.test/hello"))
    store.events([view(hero, 1, server_time_ms=20.0), tracked(hero, "click", 1), view(clip, 1)])
    return store
