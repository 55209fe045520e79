"""The subject screens by tab name, imported only when one is opened (start-up stays
fast)."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary
    from mediatop.tui.screens.listing import ListScreen

# tab name -> (module under mediatop.tui.screens.subjects, class)
SCREENS = {
    "images": ("images", "ImagesScreen"),
    "videos": ("videos", "VideosScreen"),
    "documents": ("documents", "DocumentsScreen"),
    "audio": ("audio", "AudioScreen"),
    "unused": ("unused", "UnusedScreen"),
    "duplicates": ("duplicates", "DuplicatesScreen"),
    "insights": ("insights", "InsightsScreen"),
    "ingest": ("ingest", "IngestScreen"),
    "optimize": ("optimize", "OptimizeScreen"),
}


def subject_screen(name: str, library: MediaLibrary, now: datetime | None) -> ListScreen:
    """A new screen for tab `name` (a key of SCREENS)."""
    module, cls = SCREENS[name]
    screen_class = getattr(importlib.import_module(f"mediatop.tui.screens.subjects.{module}"), cls)
    screen: ListScreen = screen_class(library, now=now)
    return screen
