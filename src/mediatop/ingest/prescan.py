"""Refusing events into a store that has never scanned its media folder.

Until the first scan the library is empty, so every request would be stored as a
miss and its log's checkpoint committed: after the scan, a re-run would read nothing
and those requests would never count. Every event source checks first and stores
nothing (no event, no miss, no checkpoint, no session salt) when the scan is missing.
"""

from __future__ import annotations

import sqlite3

from mediatop.errors import NotScannedError
from mediatop.store.scan_state import initial_scan_done


def require_scanned(conn: sqlite3.Connection) -> None:
    """Raise NotScannedError unless a first scan of the root has completed."""
    if not initial_scan_done(conn):
        raise NotScannedError(
            "the store has never scanned its media folder, so every request would count "
            "as a miss: scan ROOT first; nothing was stored"
        )
