"""Each ingest rule written once: one INSERT of raw usage rows, one rollup `add`, and the
access-log modules importing each other one way only (no cycle, not even through an
import inside a function)."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect
from mediatop.store.rollups import UsageRollup

SRC = Path(__file__).resolve().parents[1] / "src" / "mediatop"
LOGS = SRC / "ingest" / "logs"


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    return [value for value in found if isinstance(value, str)]


def test_raw_usage_rows_have_one_insert() -> None:
    inserts = [
        f"{path.relative_to(SRC)}"
        for path in sorted(SRC.rglob("*.py"))
        for text in _strings(path)
        if re.search(r"INSERT\s+(OR\s+\w+\s+)?INTO\s+media_usage_events\b", text)
    ]
    # before: five (events.py: the event insert, the log row and plain log row inserts
    # and their 50-row forms)
    assert inserts == ["store/events.py"]


def test_the_rollups_have_one_way_in() -> None:
    ways_in = [name for name in vars(UsageRollup) if name.startswith("add")]
    assert ways_in == ["add"]  # before: add and add_plain_log_rows


def _imports_of(path: Path) -> set[str]:
    """The mediatop.ingest.logs modules `path` imports, at the top or in a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "mediatop.ingest.logs":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("mediatop.ingest.logs."):
                found.add(node.module.rsplit(".", 1)[1])
        elif isinstance(node, ast.Import):
            found |= {
                a.name.rsplit(".", 1)[1]
                for a in node.names
                if a.name.startswith("mediatop.ingest.logs.")
            }
    return found


def test_the_log_modules_import_each_other_one_way() -> None:
    graph = {path.stem: _imports_of(path) for path in LOGS.glob("*.py")}
    assert "logfile" in graph["pipeline"] or "pipeline" in graph["logfile"]  # they meet

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, ()):
            if name == goal or (name not in seen and reaches(name, goal, seen | {name})):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert cycles == []  # before: logfile <-> pipeline (lazy imports both ways)


def _store(tmp_path: Path) -> sqlite3.Connection:
    root = tmp_path / "media"
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "hero.jpg").write_bytes(b"x" * 100)
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    return conn


def _line(n: int, tail: str = "") -> str:
    when = f"10/Oct/2024:13:{n % 60:02d}:00 +0000"
    return (
        f'198.51.100.7 - - [{when}] "GET /uploads/2024/hero.jpg HTTP/1.1" 200 {1000 + n} '
        f'"-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"{tail}\n'
    )


def test_a_log_with_timing_keeps_every_optional_field_in_line_order(tmp_path: Path) -> None:
    """55 lines: 50 go in one multi-row INSERT and 5 one by one, every field bound (odd
    lines carry $request_time 0.250 s = 250.0 ms, even ones '-')."""
    conn = _store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("".join(_line(n, f" rt={'0.250' if n % 2 else '-'}") for n in range(55)))
    fmt = (
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
        '"$http_referer" "$http_user_agent" rt=$request_time'
    )
    assert ingest_logs(conn, [log], url_prefixes=("/uploads/",), log_format=fmt).accepted == 55
    rows = conn.execute(
        "SELECT bytes, source, server_time_ms, user_id, country, client_time_ms, cache_status "
        "FROM media_usage_events ORDER BY id"
    ).fetchall()
    assert rows == [
        (1000 + n, "log", 250.0 if n % 2 else None, None, None, None, None) for n in range(55)
    ]


def test_a_combined_log_binds_only_the_request_fields(tmp_path: Path) -> None:
    conn = _store(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("".join(_line(n) for n in range(55)))
    assert ingest_logs(conn, [log], url_prefixes=("/uploads/",)).accepted == 55
    rows = conn.execute(
        "SELECT bytes, source, status, server_time_ms FROM media_usage_events ORDER BY id"
    ).fetchall()
    assert rows == [(1000 + n, "log", 200, None) for n in range(55)]
