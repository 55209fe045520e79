"""A checkpoint belongs to a node and a log: nodes sharing a store never resume each
other's logs, the checkpoints of an older store become this host's, and the node is
named wherever checkpoints are listed."""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mediatop.cli import main
from mediatop.config import Settings
from mediatop.library import MediaLibrary
from mediatop.store import SCHEMA_VERSION, connect
from mediatop.timerange import parse_range
from migration_support import UNDO_0041, UNDO_0043

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"


def _line(n: int, name: str = "a.jpg", size: int = 100) -> str:
    return (
        f"198.51.100.{n % 250} - - [10/Oct/2024:13:{n // 60 % 60:02d}:{n % 60:02d} +0000] "
        f'"GET /uploads/{name} HTTP/1.1" 200 {size} "-" "{UA}"\n'
    )


def _scanned(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    (root / "b.jpg").write_bytes(b"y")
    db = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--db", str(db), "--quiet"]) == 0
    return root, db


def _ingest(root: Path, db: Path, log: Path, *more: str) -> dict[str, object]:
    """`mediatop ingest ... --json` in this process; its summary."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["ingest", str(root), str(log), "--db", str(db), "--json", *more]) == 0
    summary: dict[str, object] = json.loads(out.getvalue())
    return summary


def _totals(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        requests, nbytes = conn.execute(
            "SELECT sum(requests), sum(bytes) FROM file_totals"
        ).fetchone()
        return int(requests or 0), int(nbytes or 0)
    finally:
        conn.close()


def test_two_nodes_with_the_same_log_path_and_first_bytes_keep_their_own_checkpoints(
    tmp_path: Path,
) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    # web-1's log: 10 lines of a.jpg, 100 bytes each.
    log.write_text("".join(_line(n) for n in range(10)))
    first = _ingest(root, db, log, "--node", "web-1")
    assert (first["node"], first["accepted"]) == ("web-1", 10)
    # web-2's log at the same path starts with the same 10 lines (a rotated copy of the
    # same template), then 5 lines of b.jpg of 40 bytes: web-2 reads all 15 of its lines.
    log.write_text(
        "".join(_line(n) for n in range(10)) + "".join(_line(n, "b.jpg", 40) for n in range(10, 15))
    )
    second = _ingest(root, db, log, "--node", "web-2")
    assert (second["node"], second["linesRead"], second["accepted"]) == ("web-2", 15, 15)
    # web-1 reading the same file resumes at its own line 10: the 5 new lines only.
    again = _ingest(root, db, log, "--node", "web-1")
    assert (again["linesRead"], again["accepted"]) == (5, 5)
    # requests: 10 + 15 + 5 = 30; bytes: 10×100 + (10×100 + 5×40) + 5×40 = 2,400
    assert _totals(db) == (30, 2400)
    # and neither node reads anything twice
    assert _ingest(root, db, log, "--node", "web-2")["accepted"] == 0
    assert _ingest(root, db, log, "--node", "web-1")["accepted"] == 0


def test_the_node_comes_from_mediatop_node_and_defaults_to_the_host_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(_line(0))
    assert _ingest(root, db, log)["node"] == socket.gethostname()
    monkeypatch.setenv("MEDIATOP_NODE", "web-3")
    from_env = _ingest(root, db, log)  # web-3 has no checkpoint of this log yet
    assert (from_env["node"], from_env["accepted"]) == ("web-3", 1)
    from_flag = _ingest(root, db, log, "--node", "web-9")  # the flag wins over the variable
    assert (from_flag["node"], from_flag["accepted"]) == ("web-9", 1)
    assert _ingest(root, db, log)["accepted"] == 0
    assert _totals(db) == (3, 300)  # the host's line, web-3's and web-9's


def test_a_node_name_that_cannot_be_used_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(_line(0))
    capsys.readouterr()
    for bad in ("", "  ", "web\x1b[31m", "w" * 256):
        assert main(["ingest", str(root), str(log), "--db", str(db), "--node", bad]) == 2
    monkeypatch.setenv("MEDIATOP_NODE", "web\n1")
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 5 and "Traceback" not in "".join(err)
    assert err[0].endswith("--node: a node name must not be empty")
    assert "control characters" in err[2] and "at most 255" in err[3]
    assert "MEDIATOP_NODE: a node name must not hold control characters" in err[4]
    assert _totals(db) == (0, 0)  # nothing read


def test_import_events_keeps_a_checkpoint_per_node(tmp_path: Path) -> None:
    root, db = _scanned(tmp_path)
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"media": "a.jpg", "eventType": "click", "timestamp": "2024-10-10T13:00:00Z"}\n' * 2
    )
    # web-1 stores its 2 clicks, then nothing more; web-2's file of the same name and
    # content is its own: 2 more.
    for node, stored_so_far in (("web-1", 2), ("web-1", 2), ("web-2", 4)):
        args = ["import-events", str(root), str(events), "--db", str(db), "--node", node]
        assert main(args) == 0
        conn = sqlite3.connect(db)
        count = conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0]
        conn.close()
        assert count == stored_so_far


def test_checkpoints_of_an_older_store_become_this_hosts(tmp_path: Path) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("".join(_line(n) for n in range(4)))
    host = socket.gethostname()
    assert _ingest(root, db, log, "--node", host)["accepted"] == 4
    # wind the store back to before nodes: the checkpoint has no node
    conn = connect(db)
    conn.executescript(UNDO_0043 + UNDO_0041 + "PRAGMA user_version = 40;")
    conn.close()
    # a reader upgrades it; the checkpoint is the host's, so the host's ingest resumes
    reader = connect(db, readonly=True)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert reader.execute("SELECT node, lines FROM ingest_checkpoints").fetchall() == [(host, 4)]
    reader.close()
    assert _ingest(root, db, log)["accepted"] == 0
    assert _totals(db) == (4, 400)


def test_the_state_of_ingest_names_each_logs_node(tmp_path: Path) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(_line(0))
    _ingest(root, db, log, "--node", "web-1")
    _ingest(root, db, log, "--node", "web-2")
    library = MediaLibrary(Settings(root=root, db_path=db))
    logs = library.report_data("ingest", parse_range("all", now=datetime.now(UTC)))["logs"]
    assert sorted((entry["node"], entry["path"], entry["lines"]) for entry in logs) == [
        ("web-1", str(log), 1),
        ("web-2", str(log), 1),
    ]


def test_following_a_log_keeps_the_nodes_checkpoint(tmp_path: Path) -> None:
    from mediatop.ingest.logs.logfile import ingest_logs

    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("".join(_line(n) for n in range(3)))
    _ingest(root, db, log, "--node", "web-1")
    conn = connect(db)
    try:
        # web-2 follows the same log: its own checkpoint, from the first line
        tally = ingest_logs(conn, [log], url_prefixes=("/uploads/",), node="web-2",
                            follow=True, stop=lambda: True)  # fmt: skip
        assert (tally.node, tally.accepted) == ("web-2", 3)
        assert conn.execute(
            "SELECT node, lines FROM ingest_checkpoints ORDER BY node"
        ).fetchall() == [("web-1", 3), ("web-2", 3)]
    finally:
        conn.close()


def test_the_node_may_be_set_in_mediatop_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = _scanned(tmp_path)
    log = tmp_path / "access.log"
    log.write_text(_line(0))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mediatop.toml").write_text('node = "web-7"\n')
    assert _ingest(root, db, log)["node"] == "web-7"
    (tmp_path / "mediatop.toml").write_text('node = ""\n')
    capsys.readouterr()
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 2
    assert "node in mediatop.toml: a node name must not be empty" in capsys.readouterr().err
    (tmp_path / "mediatop.toml").write_text("node = 5\n")
    assert main(["ingest", str(root), str(log), "--db", str(db)]) == 2
    assert "node in mediatop.toml: a node name is text, not 5" in capsys.readouterr().err
