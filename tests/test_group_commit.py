"""The beacons' writer: a request whose events fail a shared commit fails alone."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from media_factory import photo
from mediatop.library import MediaLibrary
from mediatop.model import USAGE_EVENT_TYPES
from mediatop.serve.group_commit import GroupCommitWriter
from mediatop.serve.responses import ApiError

HOUR = "2026-03-14T12:00:00Z"  # every event in one hour: one rollup row sums them all
PETABYTE = 10**15  # the most bytes one event may count (MAX_RESPONSE_BYTES)


def _download(nbytes: int) -> dict[str, object]:
    return {"eventType": "download", "mediaId": "a.jpg", "bytes": nbytes, "timestamp": HOUR}


def test_a_request_that_breaks_a_shared_commit_is_refused_and_the_others_are_stored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, db = tmp_path / "uploads", tmp_path / "store.sqlite3"
    photo(root / "a.jpg", 20, 20)
    library = MediaLibrary.open(root, db=db)
    library.scan()
    # 9,224 downloads of a petabyte sum to 9.224e18 bytes in one hour, past SQLite's
    # largest integer (2**63 - 1, about 9.223e18): every event is valid, their sum is not.
    huge = [_download(PETABYTE)] * 9224
    writer = GroupCommitWriter(library)
    writer.start()
    holder = sqlite3.connect(db)  # another writer (an ingest, say) holding the store

    async def post_while_the_store_is_held() -> list[int | BaseException]:
        holder.execute("BEGIN IMMEDIATE")
        first = asyncio.ensure_future(writer.submit([_download(500)], USAGE_EVENT_TYPES))
        await asyncio.sleep(0.5)  # the writer has taken it and waits for the lock
        good = asyncio.ensure_future(
            writer.submit([_download(1000), _download(2000)], USAGE_EVENT_TYPES)
        )
        bad = asyncio.ensure_future(writer.submit(huge, USAGE_EVENT_TYPES))
        await asyncio.sleep(0)  # both are queued: the writer takes them in one commit
        holder.rollback()
        return await asyncio.gather(first, good, bad, return_exceptions=True)

    try:
        with caplog.at_level(logging.ERROR, logger="mediatop.serve"):
            first, good, bad = asyncio.run(post_while_the_store_is_held())
    finally:
        holder.close()
        writer.stop()
    assert (first, good) == (1, 2)
    assert isinstance(bad, ApiError) and (bad.status, bad.message) == (500, "internal error")
    assert "OverflowError" in caplog.text
    # the first request's commit and the good one's own; the shared one and the bad
    # request's own were rolled back
    assert writer.commits == 2
    conn = sqlite3.connect(db)
    events = conn.execute("SELECT count(*), sum(bytes) FROM media_usage_events").fetchone()
    totals = conn.execute("SELECT downloads, bytes FROM file_totals").fetchall()
    conn.close()
    assert events == (3, 500 + 1000 + 2000)
    assert totals == [(3, 3500)]
