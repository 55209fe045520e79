"""`mediatop report NAME ROOT`: every range, --compare, JSON purity, errors, plain text.

The CLI reads the real clock, so this store's events sit at noon UTC of days counted
back from today, and yesterday's 12 hours before now (24h is the last 24 hours, not
whole days): far from any range boundary whatever the time of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

import pytest

from mediatop.cli import main
from mediatop.model import UsageEvent
from mediatop.store import connect, transaction
from mediatop.store.events import record_usage_events
from mediatop.store.files import SeenFile, insert_new

# days ago -> views that day (bytes 100 each): 24h sees 1, 7d 3, 30d 7, 90d 15, all 31.
# Previous 30d (the 30×24 hours before the last 30d) holds day 59's 8.
VIEWS_BY_DAY = {1: 1, 4: 2, 20: 4, 59: 8, 200: 16}


def _noon(days_ago: int) -> int:
    if days_ago == 1:
        return int(datetime.now(UTC).timestamp()) - 12 * 3600
    day = datetime.now(UTC).date() - timedelta(days=days_ago)
    return int(datetime.combine(day, time(12), UTC).timestamp())


@pytest.fixture
def cli_store(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    old = _noon(400)
    files = [
        SeenFile(name.encode(), name.encode(), None, kind, "x", ext, size, 0, None, old, "path")
        for name, kind, ext, size in (
            ("hero.jpg", "image", ".jpg", 1000),
            ("lonely.jpg", "image", ".jpg", 5000),
        )
    ]
    with transaction(conn):
        insert_new(conn, files, old)
        events = [
            UsageEvent(1, "view", _noon(days), "log", status=200, bytes=100, session_id="s")
            for days, count in VIEWS_BY_DAY.items()
            for _ in range(count)
        ]
        record_usage_events(conn, events)
    conn.close()
    return root, db


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _hero_views(capsys, root, db, *range_args: str) -> int:
    args = ("report", "usage", str(root), "--db", str(db), "--json", *range_args)
    code, out, err = _run(capsys, *args)
    assert code == 0, err
    data = json.loads(out)
    (hero,) = [f for f in data["mostUsedFiles"] if f["filename"] == "hero.jpg"]
    return hero["views"]


@pytest.mark.parametrize(
    ("range_args", "views"),
    [
        (("--range", "24h"), 1),
        (("--range", "7d"), 3),
        ((), 7),  # the default is 30d
        (("--range", "30d"), 7),
        (("--range", "90d"), 15),
        (("--range", "all"), 31),
    ],
)
def test_every_range_counts_the_views_inside_it(capsys, cli_store, range_args, views):
    root, db = cli_store
    assert _hero_views(capsys, root, db, *range_args) == views


def test_from_to_range_is_inclusive_of_both_days(capsys, cli_store):
    root, db = cli_store
    today = datetime.now(UTC).date()
    start = (today - timedelta(days=25)).isoformat()
    end = (today - timedelta(days=4)).isoformat()
    # Days 20 and 4 ago: 4 + 2 views.
    assert _hero_views(capsys, root, db, "--from", start, "--to", end) == 6


def test_compare_gives_both_periods_and_the_change(capsys, cli_store):
    root, db = cli_store
    code, out, _ = _run(
        capsys, "report", "performance", str(root), "--db", str(db), "--json", "--compare"
    )
    assert code == 0
    data = json.loads(out)
    assert (data["range"], data["previousRange"]) == ("30d", "previous 30d")
    # Current 30d: 7 views × 100 bytes; previous 30d (the 30×24 hours before it): 8 × 100.
    total = data["change"]["bandwidthUsage"]["totalBytes"]
    assert total == {"current": 700, "previous": 800, "change": -100, "changePercent": -12.5}


def test_compare_with_all_is_a_usage_error(capsys, cli_store):
    root, db = cli_store
    code, out, err = _run(
        capsys, "report", "usage", str(root), "--db", str(db), "--range", "all", "--compare"
    )
    assert (code, out) == (2, "")
    assert "previous period" in err


def _unused_insight(data):
    return next(i["figures"] for i in data["insights"] if i["topic"] == "unused")


# Each report's own figures for cli_store over the default 30d: hero.jpg's views on days
# 1, 4 and 20 (1 + 2 + 4 = 7, at 100 bytes each: 700), and lonely.jpg (5000 bytes),
# never requested, unused. Two files, 1000 + 5000 = 6000 bytes.
JSON_FIGURES = {
    "usage": lambda d: (d["mostUsedFiles"][0]["views"], d["unusedSummary"]["potentialSavings"]),
    "performance": lambda d: (d["bandwidthUsage"]["totalBytes"], d["loadTimes"][0]["requests"]),
    "insights": lambda d: (_unused_insight(d)["files"], _unused_insight(d)["bytes"]),
    "media": lambda d: (d["overview"]["totalFiles"], d["overview"]["totalSize"]),
    "overview": lambda d: (d["totalFiles"], d["totalSize"]),
}
EXPECTED = {
    "usage": (7, 5000),
    "performance": (700, 7),
    "insights": (1, 5000),
    "media": (2, 6000),
    "overview": (2, 6000),
}


@pytest.mark.parametrize("name", sorted(JSON_FIGURES))
def test_json_output_is_only_json(capfd, cli_store, name):
    root, db = cli_store
    capfd.readouterr()
    code = main(["report", name, str(root), "--db", str(db), "--json"])
    out, _ = capfd.readouterr()  # file descriptors: what a C library writes counts too
    assert code == 0
    # One JSON document and its newline, nothing before or after it on stdout.
    document, end = json.JSONDecoder().raw_decode(out)
    assert out[end:] == "\n"
    # The report itself, not an empty or other document.
    assert JSON_FIGURES[name](document) == EXPECTED[name]


def test_file_report_by_id_and_by_path(capsys, cli_store):
    root, db = cli_store
    for which in ("1", "hero.jpg"):
        code, out, _ = _run(
            capsys, "report", "file", str(root), "--db", str(db), "--file", which, "--json"
        )
        assert code == 0
        data = json.loads(out)
        assert (data["id"], data["engagement"]["views"]) == ("1", 7)


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (("report", "nosuch"), 2, "unknown report"),
        (("report", "usage", "--range", "3w"), 2, "unknown range"),
        (("report", "usage", "--from", "2026-13-45"), 2, "not a date"),
        (("report", "file"), 2, "needs --file"),
        (("report", "file", "--file", "nope.jpg"), 1, "no file"),
        (("report", "file", "--file", "999"), 1, "no file"),
    ],
)
def test_errors_go_to_stderr_with_a_non_zero_exit(capsys, cli_store, args, exit_code, message):
    root, db = cli_store
    name, *rest = args[1:]
    code, out, err = _run(capsys, "report", name, str(root), "--db", str(db), "--json", *rest)
    assert code == exit_code
    assert out == ""
    assert message in err


def test_missing_store_is_an_error(capsys, tmp_path):
    code, out, err = _run(
        capsys, "report", "usage", str(tmp_path), "--db", str(tmp_path / "none.db"), "--json"
    )
    assert (code, out) == (1, "")
    assert "no store" in err


def test_text_form_has_no_escape_codes_with_no_color(capsys, cli_store, monkeypatch):
    root, db = cli_store
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = _run(capsys, "report", "usage", str(root), "--db", str(db))
    assert code == 0
    assert "\x1b[" not in out
    assert "Most used files:" in out


def test_subprocess_json_and_dumb_terminal(cli_store):
    root, db = cli_store
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1"}
    base = [sys.executable, "-m", "mediatop", "report"]
    done = subprocess.run(
        [*base, "insights", str(root), "--db", str(db), "--json"],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "insights" in json.loads(done.stdout)
    text = subprocess.run(
        [*base, "performance", str(root), "--db", str(db)],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert text.returncode == 0
    assert b"\x1b[" not in text.stdout
    assert b"Load times:" in text.stdout
