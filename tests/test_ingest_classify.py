"""How access-log requests are classified: media, misses, not media, malformed.

A site served from the root of its URL space (`--url-prefix /`): the home page, pages,
styles, a favicon asked for as `//favicon.ico`, media the library has, media it lacks
(404), and media it lacks that the server served anyway, by people and by crawlers.
Every expected figure is worked out by hand from the lines written here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from mediatop.cli import main
from mediatop.config import load_settings
from mediatop.store import connect

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
DAY = "2024-10-10"


def _line(request: str, status: int, agent: str, second: int) -> str:
    size = 0 if status == 304 else 1000
    return (
        f'198.51.100.7 - - [10/Oct/2024:12:00:{second:02d} +0000] "{request} HTTP/1.1" '
        f'{status} {size} "-" "{agent}"\n'
    )


# (request, status, agent): what each line is, and why
REQUESTS = [
    ("GET /", 200, FIREFOX),  # the home page: not media
    ("GET /?p=12", 200, FIREFOX),  # a page by query: not media
    ("GET //favicon.ico", 200, FIREFOX),  # the library's favicon.ico: a view
    ("GET /index.html", 200, FIREFOX),  # a page: not media
    ("GET /style.css", 200, FIREFOX),  # a style sheet: not media
    ("GET /missing.jpg", 404, FIREFOX),  # a person's miss, not found
    ("GET /missing.jpg", 404, FIREFOX),  # a person's miss, not found
    ("GET /missing.jpg", 404, GOOGLEBOT),  # a crawler's miss, not found
    ("GET /gone/old.png", 404, GOOGLEBOT),  # a crawler's miss, not found
    ("GET /photos/a.jpg", 200, FIREFOX),  # a view
    ("GET /elsewhere.jpg", 200, FIREFOX),  # a person's miss the server served
    ("GET /elsewhere.jpg", 304, FIREFOX),  # a person's miss the server served
    ("GET /elsewhere.jpg", 200, GOOGLEBOT),  # a crawler's miss the server served
    ("GET /photos/a.jpg", 200, GOOGLEBOT),  # a crawler's request: kept, counted apart
    ("GET /uploads/", 200, FIREFOX),  # a folder: not media
]


def _site(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "media"
    (root / "photos").mkdir(parents=True)
    (root / "favicon.ico").write_bytes(b"i" * 10)
    (root / "photos" / "a.jpg").write_bytes(b"j" * 10)
    db = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--db", str(db), "--no-probe"]) == 0
    log = tmp_path / "access.log"
    log.write_text("".join(_line(r, s, a, n) for n, (r, s, a) in enumerate(REQUESTS)))
    return root, db, log


def _run(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_url_prefix_slash_is_the_whole_url_space(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    assert load_settings(root, url_prefixes=["/"]).url_prefixes == ("/",)
    assert load_settings(root, url_prefixes=["//cdn//"]).url_prefixes == ("/cdn/",)


def test_requests_are_classified_and_misses_kept_apart(tmp_path: Path, capsys) -> None:
    root, db, log = _site(tmp_path)
    common = ["--db", str(db), "--url-prefix", "/"]
    summary = json.loads(_run(capsys, "ingest", str(root), str(log), *common, "--json"))
    # 15 lines: views 3 (//favicon.ico, /photos/a.jpg twice, one by Googlebot); misses 7
    # (missing.jpg x3, gone/old.png, elsewhere.jpg x3); not media 5 (/, /?p=12,
    # /index.html, /style.css, /uploads/). 3 + 7 + 5 = 15, nothing malformed.
    assert (summary["linesRead"], summary["accepted"], summary["bots"]) == (15, 3, 1)
    assert (summary["misses"], summary["notMedia"], summary["malformedTotal"]) == (7, 5, 0)
    # people: missing.jpg x2, elsewhere.jpg x2 = 4; crawlers: missing.jpg, gone/old.png,
    # elsewhere.jpg = 3; answered below 400: elsewhere.jpg 200, 304, 200 = 3
    assert (summary["humanMisses"], summary["crawlerMisses"], summary["missesServed"]) == (
        4, 3, 3,
    )  # fmt: skip

    conn = connect(db)
    stored = conn.execute(
        "SELECT path, human_not_found, bot_not_found, human_served, bot_served, last_status "
        "FROM media_misses ORDER BY path"
    ).fetchall()
    conn.close()
    assert stored == [
        (b"elsewhere.jpg", 0, 0, 2, 1, 200),  # last answered 200 (Googlebot's)
        (b"gone/old.png", 0, 1, 0, 0, 404),
        (b"missing.jpg", 2, 1, 0, 0, 404),
    ]

    span = ["--from", DAY, "--to", DAY]
    report = json.loads(_run(capsys, "report", "performance", str(root), *common, *span, "--json"))
    misses = report["misses"]
    # not found: people 2 requests for 1 file (missing.jpg); crawlers 2 requests
    # (missing.jpg, gone/old.png) for 2 files; served anyway: people 2, crawlers 1, 1 file
    assert (misses["humanNotFound"], misses["humanNotFoundFiles"]) == (2, 1)
    assert (misses["crawlerNotFound"], misses["crawlerNotFoundFiles"]) == (2, 2)
    assert (misses["humanServed"], misses["crawlerServed"]) == (2, 1)
    assert misses["servedFiles"] == 1
    # people's not-found first, then crawlers', then those served anyway
    assert [m["path"] for m in misses["mostMissed"]] == [
        "missing.jpg", "gone/old.png", "elsewhere.jpg",
    ]  # fmt: skip

    insights = json.loads(_run(capsys, "report", "insights", str(root), *common, *span, "--json"))
    (errors,) = [i for i in insights["insights"] if i["topic"] == "errors"]
    assert errors["figures"]["humanMissingRequests"] == 2
    assert errors["figures"]["humanMissingFiles"] == 1
    assert errors["figures"]["crawlerMissingRequests"] == 2
    assert errors["figures"]["crawlerMissingFiles"] == 2

    rows = list(csv.DictReader(io.StringIO(_run(capsys, "report", "misses", str(root),
                                                 *common, *span, "--csv"))))  # fmt: skip
    assert [(r["path"], r["humanNotFound"], r["crawlerNotFound"]) for r in rows] == [
        ("missing.jpg", "2", "1"), ("gone/old.png", "0", "1"), ("elsewhere.jpg", "0", "0"),
    ]  # fmt: skip
    text = _run(capsys, "report", "misses", str(root), *common, *span)
    assert "Human not found: 2" in text and "Crawler not found: 2" in text


def test_the_ingest_summary_says_who_missed(tmp_path: Path, capsys) -> None:
    root, db, log = _site(tmp_path)
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db), "--url-prefix", "/"]) == 0
    err = capsys.readouterr().err
    assert "7 misses (media not in the library: 4 by people, 3 by crawlers;" in err
    assert "3 answered below 400), 5 not media" in err and "malformed: none" in err


def test_pages_and_folders_under_a_media_prefix_are_not_media(tmp_path: Path, capsys) -> None:
    root, db, _log = _site(tmp_path)
    log = tmp_path / "uploads.log"
    log.write_text(
        _line("GET /uploads/", 200, FIREFOX, 1)  # the prefix folder: not media
        + _line("GET /uploads/?page=2", 200, FIREFOX, 2)  # the same, by query
        + _line("GET /uploads/theme/site.js", 200, FIREFOX, 3)  # a script: not media
        + _line("GET /uploads//photos/a.jpg", 200, FIREFOX, 4)  # photos/a.jpg: a view
        + _line("GET /uploads/nope.pdf", 404, FIREFOX, 5)  # a document it lacks: a miss
    )
    summary = json.loads(_run(capsys, "ingest", str(root), str(log), "--db", str(db), "--json"))
    # 5 lines: 1 view, 1 miss, 3 not media, none malformed
    assert (summary["accepted"], summary["misses"], summary["notMedia"]) == (1, 1, 3)
    assert summary["malformed"] == {}


def test_crawler_misses_are_stored_and_reported_apart_from_people(tmp_path: Path, capsys) -> None:
    root, db, _log = _site(tmp_path)
    log = tmp_path / "gone.log"
    log.write_text(
        _line("GET /uploads/gone.jpg", 404, FIREFOX, 1)
        + _line("GET /uploads/gone.jpg", 404, GOOGLEBOT, 2)
        + _line("GET /uploads/gone.jpg", 404, "curl/8.4.0", 3)
    )
    _run(capsys, "ingest", str(root), str(log), "--db", str(db))
    conn = connect(db)
    stored = conn.execute(
        "SELECT path, human_not_found, bot_not_found, human_served, bot_served FROM media_misses"
    ).fetchall()
    conn.close()
    assert stored == [(b"gone.jpg", 1, 2, 0, 0)]  # 1 person; Googlebot and curl: 2 crawlers
    span = ["--from", DAY, "--to", DAY, "--json"]
    misses = json.loads(_run(capsys, "report", "misses", str(root), "--db", str(db), *span))
    assert (misses["humanNotFound"], misses["crawlerNotFound"]) == (1, 2)
    assert (misses["humanNotFoundFiles"], misses["crawlerNotFoundFiles"]) == (1, 1)


def test_a_missed_path_is_shown_as_plain_text(tmp_path: Path, capsys) -> None:
    root, db, _log = _site(tmp_path)
    log = tmp_path / "hostile.log"
    # ESC [31m and a right-to-left override in the name of a missing image
    log.write_text(_line("GET /uploads/%1B%5B31mx%E2%80%AE.jpg", 404, FIREFOX, 1))
    _run(capsys, "ingest", str(root), str(log), "--db", str(db))
    text = _run(capsys, "report", "misses", str(root), "--db", str(db), "--from", DAY, "--to", DAY)
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[31mx\\u202e.jpg" in text
