"""`mediatop report ingest` (the Ingest screen's figures, also `GET .../ingest`): the logs
read with their checkpoints, malformed lines per reason, events per source and misses."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from mediatop.cli import main
from mediatop.config import Settings
from mediatop.library import MediaLibrary
from serve_support import running_server

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"


def _request(second: int, name: str, status: int) -> str:
    return (
        f"198.51.100.{second} - - [10/Oct/2024:13:00:{second:02d} +0000] "
        f'"GET /uploads/{name} HTTP/1.1" {status} 100 "-" "{UA}"\n'
    )


def _json(*args: str) -> object:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(args)) == 0
    return json.loads(out.getvalue())


def test_the_ingest_report_tells_what_was_read(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    (root / "b.jpg").write_bytes(b"y")
    db = tmp_path / "store.sqlite3"
    log = tmp_path / "access.log"
    # a.jpg at 13:00:01, a line that is no request, gone.jpg (not in the library, 404)
    # at 13:00:05, b.jpg at 13:00:09
    log.write_text(
        _request(1, "a.jpg", 200) + "garbage line\n" + _request(5, "gone.jpg", 404)
        + _request(9, "b.jpg", 200)
    )  # fmt: skip
    assert main(["scan", str(root), "--db", str(db), "--quiet"]) == 0
    _json("ingest", str(root), str(log), "--db", str(db), "--node", "web-1", "--json")

    report = _json("report", "ingest", str(root), "--db", str(db), "--range", "all", "--json")

    assert isinstance(report, dict)
    [read] = report["logs"]
    # the whole log read: 4 lines, a.jpg and b.jpg accepted, the garbage malformed, gone.jpg
    # (a miss) skipped
    assert (read["node"], read["path"], read["offset"]) == ("web-1", str(log), log.stat().st_size)
    assert (read["lines"], read["accepted"], read["malformed"], read["skipped"]) == (4, 2, 1, 1)
    assert report["rejects"] == [{"reason": "unparsable", "count": 1, "sample": "garbage line"}]
    last = int(datetime(2024, 10, 10, 13, 0, 9, tzinfo=UTC).timestamp())  # b.jpg's request
    assert report["sources"] == [{"source": "log", "events": 2, "lastEventAt": last}]
    missed = report["misses"]
    assert (missed["humanNotFound"], missed["humanNotFoundFiles"]) == (1, 1)
    assert [m["path"] for m in missed["mostMissed"]] == ["gone.jpg"]

    # the HTTP API answers the same JSON for the same range
    with running_server(MediaLibrary(Settings(root=root, db_path=db))) as base:
        served = httpx.get(base + "/api/analytics/media/ingest?range=all").json()
    assert served == report
