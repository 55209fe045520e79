"""Each ingest rule written once: one INSERT of raw usage rows, one rollup `add`, and the
access-log modules importing each other one way only (no cycle, not even through an
import inside a function)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
