"""Access-log ingest with real log files and a real store: formats, exactly-once, rotation."""

from __future__ import annotations

import gzip
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatop.errors import LogFormatMismatchError
from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.ingest.logs.logformat import compile_format
from mediatop.scan import scan_root
from mediatop.store import connect

PREFIXES = ("/wp-content/uploads/", "/uploads/")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def make_store(tmp_path: Path) -> tuple[sqlite3.Connection, Path, dict[str, int]]:
    root = tmp_path / "media"
    for name in ("2024/03/hero.jpg", "2024/03/demo.mp4", "2024/05/guide.pdf", "a b/ünï.png"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 100)
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, root, probe=False)
    ids = {os.fsdecode(p): i for p, i in conn.execute("SELECT path, id FROM media_files")}
    return conn, db, ids


def line(
    path: str,
    *,
    ip: str = "198.51.100.23",
    when: str = "10/Oct/2024:13:55:36 +0000",
    status: int = 200,
    size: int = 5000,
    ua: str = CHROME,
    referrer: str = "https://example.com/post/1",
) -> str:
    return f'{ip} - - [{when}] "GET {path} HTTP/1.1" {status} {size} "{referrer}" "{ua}"\n'


def count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0] or 0)


def test_combined_lines_become_events_and_rollups(tmp_path: Path) -> None:
    conn, _db, ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(
        line("/wp-content/uploads/2024/03/hero.jpg")
        + line("/uploads/2024/03/hero.jpg?ver=2", ua=IPHONE, ip="198.51.100.24")
        + line("/wp-content/uploads/2024/05/guide.pdf", size=90000)
        + line("/wp-content/uploads/2024/03/hero.jpg?download=1")
        + line("/wp-content/uploads/a%20b/%C3%BCn%C3%AF.png")
        + line("/index.html")
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.lines, tally.accepted, tally.not_media) == (6, 5, 1)
    hero = ids["2024/03/hero.jpg"]
    assert count(conn, "SELECT views FROM file_totals WHERE media_id = ?", hero) == 2
    assert count(conn, "SELECT downloads FROM file_totals WHERE media_id = ?", hero) == 1
    guide = ids["2024/05/guide.pdf"]
    assert count(conn, "SELECT downloads FROM file_totals WHERE media_id = ?", guide) == 1
    assert count(conn, "SELECT views FROM file_totals WHERE media_id = ?", ids["a b/ünï.png"]) == 1
    row = conn.execute(
        "SELECT requests, views, bandwidth_usage, cache_hit_rate, error_rate, date "
        "FROM media_performance_metrics WHERE media_id = ?",
        (hero,),
    ).fetchone()
    assert row == (3, 2, 15000, None, 0.0, "2024-10-10")
    devices = dict(
        conn.execute(
            "SELECT value, count FROM usage_breakdown WHERE media_id = ? AND dimension = 'device'",
            (hero,),
        ).fetchall()
    )
    assert devices == {"desktop": 2, "mobile": 1}
    assert count(conn, "SELECT sum(views) FROM kind_daily WHERE kind = 'image'") == 3


def test_common_format_is_read(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(
        '198.51.100.23 - frank [10/Oct/2024:13:55:36 -0700] "GET /uploads/2024/03/hero.jpg '
        'HTTP/1.0" 200 2326\n'
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES, log_format="common")
    assert tally.accepted == 1
    ts = count(conn, "SELECT timestamp FROM media_usage_events")
    assert ts == 1728593736  # 20:55:36 UTC


def test_custom_nginx_format_picks_up_timing_and_cache(tmp_path: Path) -> None:
    conn, _db, ids = make_store(tmp_path)
    fmt = (
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
        '"$http_referer" "$http_user_agent" rt=$request_time uct=$upstream_response_time '
        'cache=$upstream_cache_status xc="$http_x_cache"'
    )
    log = tmp_path / "access.log"
    hero = "/wp-content/uploads/2024/03/hero.jpg"
    log.write_text(
        line(hero).rstrip("\n") + ' rt=0.120 uct=0.100 cache=HIT xc="-"\n'
        + line(hero).rstrip("\n") + ' rt=0.480 uct=0.400 cache=MISS xc="-"\n'
        + line(hero).rstrip("\n") + ' rt=- uct=- cache=- xc="-"\n'
    )  # fmt: skip
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES, log_format=fmt)
    assert tally.accepted == 3
    row = conn.execute(
        "SELECT server_time_sum_ms, server_time_count, load_time_avg, cache_hits, cache_misses, "
        "cache_hit_rate FROM media_performance_metrics WHERE media_id = ?",
        (ids["2024/03/hero.jpg"],),
    ).fetchone()
    assert row == (pytest.approx(600.0), 2, 300, 1, 1, 50.0)
    assert count(conn, "SELECT sum(count) FROM latency_histogram WHERE scope = 'kind:image'") == 2


def test_gzip_log_is_read(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log.1.gz"
    with gzip.open(log, "wt") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg") * 3)
        handle.write(line("/uploads/2024/03/hero.jpg").rstrip("\n"))  # no final newline
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 4
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 0


def test_rerun_adds_nothing_and_append_adds_only_new_lines(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(line("/uploads/2024/03/hero.jpg") * 10)
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 10
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 0
    with log.open("a") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg") * 5)
        handle.write(line("/uploads/2024/03/hero.jpg")[:30])  # being written
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 5
    with log.open("a") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg")[30:])
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 1
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 16
    assert count(conn, "SELECT sum(views) FROM file_totals") == 16


def test_a_log_named_from_its_own_folder_keeps_its_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(line("/uploads/2024/03/hero.jpg") * 2)
    assert ingest_logs(conn, [log], url_prefixes=PREFIXES).accepted == 2
    monkeypatch.chdir(tmp_path)
    with log.open("a") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg"))
    assert ingest_logs(conn, [Path("access.log")], url_prefixes=PREFIXES).accepted == 1
    assert conn.execute("SELECT log_path FROM ingest_checkpoints").fetchall() == [(str(log),)]


def _read_then_rotated(tmp_path: Path) -> tuple[sqlite3.Connection, Path]:
    """A store that read access.log's 4 lines; 2 more written after that read, then the
    log renamed to access.log.1 (a rename rotation) and no new log yet."""
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(line("/uploads/2024/03/hero.jpg") * 4)
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    with log.open("a") as handle:  # written after our last read, before rotation
        handle.write(line("/uploads/2024/03/hero.jpg") * 2)
    log.rename(tmp_path / "access.log.1")
    return conn, log


def test_rename_rotation_finishes_old_file_then_reads_new(tmp_path: Path) -> None:
    conn, log = _read_then_rotated(tmp_path)
    log.write_text(line("/uploads/2024/03/hero.jpg", ip="198.51.100.99") * 3)
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 5
    # naming both, in any order, still adds nothing twice
    more = ingest_logs(conn, [log, tmp_path / "access.log.1"], url_prefixes=PREFIXES)
    assert more.accepted == 0
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 9


def test_a_damaged_gzip_beside_a_rotated_log_is_passed_over(tmp_path: Path) -> None:
    # Looking for the rest of a rotated generation, ingest reads the head of every
    # sibling: one whose deflate data is damaged is not that generation, and must not
    # stop the run under the current log's name.
    conn, log = _read_then_rotated(tmp_path)
    packed = gzip.compress(line("/uploads/2024/03/hero.jpg").encode() * 50)
    damaged = packed[:10] + b"\xff" * 40 + packed[50:]  # a gzip header, then no deflate
    (tmp_path / "access.log.0.gz").write_bytes(damaged)
    log.write_text(line("/uploads/2024/03/hero.jpg", ip="198.51.100.99") * 3)
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 2 + 3  # the rotated file's rest, then the new log
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 9


def test_copytruncate_rotation_is_followed(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(line("/uploads/2024/03/hero.jpg") * 4)
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    with log.open("a") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg") * 2)
    (tmp_path / "access.log.1").write_bytes(log.read_bytes())  # copy...
    with log.open("r+") as handle:  # ...truncate in place (same inode)
        handle.truncate(0)
    with log.open("a") as handle:
        handle.write(line("/uploads/2024/03/hero.jpg", when="11/Oct/2024:00:00:01 +0000"))
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 3
    assert ingest_logs(conn, [tmp_path / "access.log.1", log], url_prefixes=PREFIXES).accepted == 0
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 7


def test_range_requests_collapse_into_one_view_however_the_log_is_split(tmp_path: Path) -> None:
    conn, _db, ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    video = "/uploads/2024/03/demo.mp4"
    requests = [
        line(video, when=f"10/Oct/2024:13:{m:02d}:00 +0000", status=206) for m in (0, 1, 2, 20)
    ] + [line(video, when="10/Oct/2024:15:00:00 +0000", status=206)]
    log.write_text("".join(requests[:2]))
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    with log.open("a") as handle:
        handle.write("".join(requests[2:]))
    ingest_logs(conn, [log], url_prefixes=PREFIXES)
    demo = ids["2024/03/demo.mp4"]
    assert count(conn, "SELECT views FROM file_totals WHERE media_id = ?", demo) == 2
    assert count(conn, "SELECT requests FROM file_totals WHERE media_id = ?", demo) == 5
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 5


def test_304_errors_bots_and_misses_are_counted_apart(tmp_path: Path) -> None:
    conn, _db, ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    hero = "/uploads/2024/03/hero.jpg"
    log.write_text(
        line(hero, status=304, size=0)
        + line(hero, status=500, size=10)
        + line(hero, ua=GOOGLEBOT)
        + line(hero, ua="curl/8.4.0")
        + line("/uploads/2024/03/gone.jpg", status=404)
        + line("/uploads/2024/03/gone.jpg", status=404)
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert (tally.accepted, tally.bots, tally.misses) == (4, 2, 2)
    row = conn.execute(
        "SELECT requests, bot_requests, views, not_modified, errors, error_rate "
        "FROM media_performance_metrics WHERE media_id = ?",
        (ids["2024/03/hero.jpg"],),
    ).fetchone()
    assert row == (2, 2, 1, 1, 1, 50.0)
    assert conn.execute("SELECT path, human_not_found FROM media_misses").fetchall() == [
        (b"2024/03/gone.jpg", 2)
    ]
    assert count(conn, "SELECT count(*) FROM media_usage_events WHERE is_bot = 1") == 2


@pytest.mark.parametrize(
    "url",
    [
        "/wp-content/uploads/../../etc/passwd",
        "/wp-content/uploads/%2e%2e/%2e%2e/etc/passwd",
        "/uploads/%2F%2Fetc/passwd.jpg",
        "/uploads/2024/..%2F..%2Fsecret.jpg",
        "/uploads/%00.jpg",
    ],
)
def test_path_traversal_urls_are_refused(tmp_path: Path, url: str) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(line(url))
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.malformed == {"refused_path": 1}
    assert count(conn, "SELECT count(*) FROM media_usage_events") == 0
    assert count(conn, "SELECT count(*) FROM media_misses") == 0


def test_malformed_lines_are_counted_with_samples_and_never_stop_the_run(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_bytes(
        b"not a log line\n"
        + b'198.51.100.23 - - [99/Foo/2024:13:55:36 +0000] "GET /uploads/2024/03/hero.jpg '
        b'HTTP/1.1" 200 1 "-" "-"\n'
        + b'198.51.100.23 - - [10/Oct/2024:13:55:36 +0000] "\x16\x03\x01" 400 0 "-" "-"\n'
        + b"\xff\xfe binary\n\n"
        + line("/uploads/2024/03/hero.jpg").encode()
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 1
    assert tally.malformed == {"unparsable": 2, "bad_time": 1, "bad_request": 1}
    samples = conn.execute("SELECT samples FROM ingest_rejects WHERE reason = 'bad_time'")
    assert "<ip>" in samples.fetchone()[0]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), max_size=8))
def test_garbage_lines_never_raise(tmp_path: Path, chunks: list[bytes]) -> None:
    db = tmp_path / "garbage.sqlite3"
    conn = connect(db)
    (tmp_path / "empty").mkdir(exist_ok=True)
    scan_root(conn, tmp_path / "empty", probe=False)  # ingest refuses an unscanned store
    log = tmp_path / "garbage.log"
    log.write_bytes(b"\n".join(chunks) + b"\n" + line("/uploads/x.jpg").encode())
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.lines >= 1
    conn.execute("DELETE FROM ingest_checkpoints")
    conn.close()


def test_raw_ips_never_reach_the_database_file(tmp_path: Path) -> None:
    conn, db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(
        line("/uploads/2024/03/hero.jpg", ip="203.0.113.77")
        + line("/uploads/2024/03/demo.mp4", ip="2001:db8::77", status=206)
        + "203.0.113.77 garbage that will not parse\n"
        + line("/uploads/missing.jpg", ip="203.0.113.77", status=404)
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 2
    sessions = {r[0] for r in conn.execute("SELECT session_id FROM media_usage_events")}
    assert len(sessions) == 2 and all(len(s) == 16 for s in sessions)
    raw = b"".join(
        Path(str(db) + suffix).read_bytes()
        for suffix in ("", "-wal")
        if Path(str(db) + suffix).exists()
    )
    for address in (b"203.0.113.77", b"2001:db8::77"):
        assert address not in raw
        assert address.decode().encode("utf-16-le") not in raw


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=200), st.text(max_size=6)),
        min_size=1,
        max_size=5,
    )
)
def test_mutated_valid_lines_are_accounted_once_or_the_log_is_refused_whole(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, str]]
) -> None:
    tmp_path = tmp_path_factory.mktemp("mutated")
    conn, _db, _ids = make_store(tmp_path)
    good = line("/uploads/2024/03/hero.jpg").rstrip("\n")
    mutated = []
    for position, text in edits:
        cut = position % (len(good) + 1)
        mutated.append((good[:cut] + text + good[cut:]).replace("\n", " ").replace("\r", " "))
    log = tmp_path / "access.log"
    log.write_text("\n".join(mutated) + "\n", encoding="utf-8", errors="surrogateescape")
    combined = compile_format("combined")
    if all(combined.parse(text) is None for text in mutated if text.strip()) and any(
        text.strip() for text in mutated
    ):
        # Not one line is in the format: the log is refused whole, before anything is stored.
        with pytest.raises(LogFormatMismatchError):
            ingest_logs(conn, [log], url_prefixes=PREFIXES)
        assert count(conn, "SELECT count(*) FROM media_usage_events") == 0
        conn.close()
        return
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    accounted = (
        tally.accepted + tally.misses + tally.not_media + tally.not_get + tally.blank
        + sum(tally.malformed.values())
    )  # fmt: skip
    assert tally.lines == len(mutated) == accounted
    assert count(conn, "SELECT count(*) FROM media_usage_events") == tally.accepted
    conn.close()


def test_names_not_in_ascii_match_however_the_log_wrote_their_bytes(tmp_path: Path) -> None:
    """Browsers send %XX; nginx and Apache log a raw byte as \\xHH; other servers keep it
    raw, which the ingest reads as a surrogate. None of these may stop the log."""
    root = tmp_path / "media"
    root.mkdir()
    (root / "café.jpg").write_bytes(b"x")  # the name in UTF-8
    (root / os.fsdecode(b"caf\xe9.png")).write_bytes(b"x")  # the name in Latin-1
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    log = tmp_path / "access.log"
    requests = [b"caf%C3%A9.jpg", b"caf\\xC3\\xA9.jpg", b"caf\xc3\xa9.jpg",
                b"caf%E9.png", b"caf\\xE9.png", b"caf\xe9.png",
                b"a\\x2F..\\x2F..\\x2Fetc"]  # fmt: skip
    log.write_bytes(b"".join(line("/uploads/NAME").encode().replace(b"NAME", r) for r in requests))
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    counted = dict(conn.execute(
        "SELECT f.path, count(*) FROM media_usage_events e JOIN media_files f ON f.id = e.media_id "
        "GROUP BY f.path"
    ).fetchall())  # fmt: skip
    assert counted == {"café.jpg".encode(): 3, b"caf\xe9.png": 3}
    assert tally.malformed == {"refused_path": 1}


def test_times_and_sizes_no_request_can_have_are_malformed_not_a_crash(tmp_path: Path) -> None:
    conn, _db, _ids = make_store(tmp_path)
    log = tmp_path / "access.log"
    hero = "/uploads/2024/03/hero.jpg"
    log.write_text(
        line(hero, when="05/Dec/0001:10:00:00 +0000")  # before 1970
        + line(hero, when="05/Dec/9999:10:00:00 +0000")  # from 2100 on
        + line(hero, size=10**15 + 1)  # over a petabyte
        + line(hero, size=99999999999999999999999999)  # beyond SQLite's integers
        + line(hero, size=10**15)  # a petabyte: the most a line may say
    )
    tally = ingest_logs(conn, [log], url_prefixes=PREFIXES)
    assert tally.accepted == 1
    assert tally.malformed == {"bad_time": 2, "bad_bytes": 2}
    assert count(conn, "SELECT SUM(bytes) FROM media_usage_events") == 10**15
