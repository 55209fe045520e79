"""Document downloads: a visitor's requests for one document within 30 minutes are one
download, and a HEAD request is never a view or a download."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.ingest.logs.logformat import compile_format
from mediatop.scan import scan_root
from mediatop.store import connect

PREFIXES = ("/uploads/",)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def _library(tmp_path: Path) -> tuple[sqlite3.Connection, dict[str, int]]:
    root = tmp_path / "media"
    root.mkdir()
    for name in ("guide.pdf", "hero.jpg"):
        (root / name).write_bytes(b"x" * 100)
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    return conn, {p.decode(): i for p, i in conn.execute("SELECT path, id FROM media_files")}


def _line(method: str, path: str, when: str, status: int, size: int, ip: str) -> str:
    return (
        f'{ip} - - [10/Oct/2024:{when} +0000] "{method} /uploads/{path} HTTP/1.1" {status} '
        f'{size} "-" "{FIREFOX}"\n'
    )


def _totals(conn: sqlite3.Connection, media_id: int) -> tuple[int, ...]:
    return conn.execute(
        "SELECT requests, views, downloads, bytes FROM file_totals WHERE media_id = ?",
        (media_id,),
    ).fetchone()


VISITOR_A, VISITOR_B, CHECKER = "198.51.100.1", "198.51.100.2", "198.51.100.9"
GUIDE_LINES = [
    # visitor A's PDF viewer: two range requests a second apart, one download
    _line("GET", "guide.pdf", "13:00:00", 206, 65536, VISITOR_A),
    _line("GET", "guide.pdf", "13:00:01", 206, 34464, VISITOR_A),
    # visitor B opens it in between: a download of their own
    _line("GET", "guide.pdf", "13:00:30", 200, 100000, VISITOR_B),
    # a link checker's HEAD: a request of 0 bytes, no download
    _line("HEAD", "guide.pdf", "13:05:00", 200, 0, CHECKER),
    # visitor A 39 minutes after their last request: a second download
    _line("GET", "guide.pdf", "13:40:00", 200, 100000, VISITOR_A),
]


def test_a_visitors_requests_for_a_document_within_30_minutes_are_one_download(
    tmp_path: Path,
) -> None:
    conn, ids = _library(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("".join(GUIDE_LINES))
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    # requests: 5 lines, the HEAD included; downloads: A at 13:00 (the 13:00:01 range
    # request is within 30 min), B at 13:00:30, A at 13:40 (39 min after 13:00:01) = 3;
    # bytes: 65536 + 34464 + 100000 + 0 + 100000 = 300000
    assert _totals(conn, ids["guide.pdf"]) == (5, 0, 3, 300_000)
    assert conn.execute("SELECT count(*) FROM media_usage_events").fetchone() == (5,)


def test_document_collapse_does_not_depend_on_how_the_log_is_split(tmp_path: Path) -> None:
    conn, ids = _library(tmp_path)
    log = tmp_path / "access.log"
    for lines in (GUIDE_LINES[:1], GUIDE_LINES[1:4], GUIDE_LINES[4:]):
        with log.open("a") as handle:
            handle.write("".join(lines))
        ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert _totals(conn, ids["guide.pdf"]) == (5, 0, 3, 300_000)  # as worked out above


def test_head_is_never_a_view_or_a_download_and_does_not_hold_a_window_open(
    tmp_path: Path,
) -> None:
    conn, ids = _library(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(
        _line("HEAD", "hero.jpg", "09:00:00", 200, 0, VISITOR_A)
        + _line("HEAD", "hero.jpg", "09:00:05", 304, 0, VISITOR_A)
        + _line("HEAD", "hero.jpg", "09:00:06", 404, 0, VISITOR_A)
        + _line("GET", "guide.pdf", "10:00:00", 200, 1000, VISITOR_A)
        + _line("HEAD", "guide.pdf", "10:25:00", 200, 0, VISITOR_A)
        + _line("GET", "guide.pdf", "10:50:00", 200, 1000, VISITOR_A)
    )
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    hero = ids["hero.jpg"]
    # three HEAD requests: 3 requests, 1 error (the 404), no view, no 304 view, no use
    assert _totals(conn, hero) == (3, 0, 0, 0)
    assert conn.execute(
        "SELECT m.errors, m.not_modified, t.last_used FROM file_totals t "
        "JOIN media_performance_metrics m USING (media_id) WHERE media_id = ?",
        (hero,),
    ).fetchone() == (1, 0, None)
    # the HEAD at 10:25 is no use, so it does not extend the window: the GET at 10:50 is
    # 50 minutes after the GET at 10:00, a second download; 3 requests, 2000 bytes
    assert _totals(conn, ids["guide.pdf"]) == (3, 0, 2, 2000)
    assert conn.execute(
        "SELECT count(*) FROM usage_breakdown WHERE media_id = ? ", (hero,)
    ).fetchone() == (0,)


def test_head_counts_the_same_on_the_general_path(tmp_path: Path) -> None:
    """A format other than plain combined goes through the general parser."""
    conn, ids = _library(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(
        "".join(line.replace(f' "{FIREFOX}"', f' "{FIREFOX}" 0.010') for line in GUIDE_LINES)
    )
    log_format = (
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
        '"$http_referer" "$http_user_agent" $request_time'
    )
    assert compile_format(log_format).name != "combined"  # not the hot path
    ingest_logs(conn, [log], url_prefixes=PREFIXES, log_format=log_format)
    assert _totals(conn, ids["guide.pdf"]) == (5, 0, 3, 300_000)  # as in the first test
