"""The demo: a copy of sample_media/ with labelled demo traffic, ready to open.

`sample_media/` itself is never modified: the demo copies it into a fresh temporary
folder, keeps its store there too, scans it, and feeds generated demo traffic (an access
log, a JSONL of engagement events, a folder of HTML pages) through the same ingest paths
a real site uses. Everything it writes says "demo".
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mediatop.config import Settings, load_settings
from mediatop.errors import DemoError


@dataclass(frozen=True)
class DemoWorkspace:
    settings: Settings
    folder: Path  # the temporary folder holding the media copy, the store and the inputs


def bundled_sample_media() -> Path:
    """sample_media/ of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[3] / "sample_media"


def prepare_demo(
    sample: Path | None = None,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
    with_traffic: bool = True,
) -> DemoWorkspace:
    """Copy the sample library, scan it and load demo traffic; return settings to open it."""
    from mediatop.scan import scan_root
    from mediatop.store import connect

    source = sample or bundled_sample_media()
    if not source.is_dir():
        raise DemoError(
            f"sample library not found at {source}; run from a source checkout or pass --sample"
        )
    workspace = folder or Path(tempfile.mkdtemp(prefix="mediatop-demo-"))
    media_root = workspace / "media"
    shutil.copytree(source, media_root, symlinks=True)
    _restore_upload_dates(source, media_root)
    settings = load_settings(
        media_root, db=workspace / "demo-store.sqlite3", quota="10GB", demo=True
    )
    conn = connect(settings.db_path)
    try:
        scan_root(conn, media_root, probe=True, workers=settings.probe_workers)
        if with_traffic:
            _load_demo_traffic(conn, settings, workspace, now or datetime.now(UTC))
    finally:
        conn.close()
    return DemoWorkspace(settings, workspace)


def _restore_upload_dates(source: Path, copy: Path) -> None:
    """Give the copy the sample's upload dates (`sample_media.dates.json` beside it).

    git does not keep mtimes, so without this a fresh clone's files that have no
    YYYY/MM folder would all look uploaded today.
    """
    manifest = source.with_name(f"{source.name}.dates.json")
    try:
        dates = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for relative, stamp in dates.items():
        target = copy / relative
        if target.is_file() and not target.is_symlink() and isinstance(stamp, int):
            os.utime(target, (stamp, stamp))


def _load_demo_traffic(
    conn: sqlite3.Connection, settings: Settings, workspace: Path, now: datetime
) -> None:
    """Generate labelled demo traffic and feed it through the real ingest paths."""
    from mediatop.demo.traffic import load_demo_inputs, stored_durations, write_demo_inputs

    inputs = write_demo_inputs(
        settings.root, workspace / "demo-inputs", now, durations=stored_durations(conn)
    )
    load_demo_inputs(conn, inputs)
