"""The shape the code keeps: small modules, short functions, SQL only in the store.

Issue 14's rules, checked on every run so a change that breaks them fails here rather
than in a review: no module in `src/` over 400 lines, no function over 60, and no SQL
statement outside `mediatop.store` except in the modules named in `SQL_OUTSIDE_STORE`,
each with the reason it may.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "mediatop"

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# module (relative to src/mediatop) -> why it may hold SQL outside the store
SQL_OUTSIDE_STORE: dict[str, str] = {}

# What makes a string constant a SQL statement: a verb and the clause it needs.
_STATEMENT = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|"
    r"DELETE\s+FROM|CREATE\s+(TEMP\s+|UNIQUE\s+)?(TABLE|INDEX|VIEW)|PRAGMA\s+\w+)\b"
)


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _string_parts(tree: ast.AST) -> list[str]:
    parts: list[str] = []
    inside_fstrings = {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for value in node.values
    }
    for node in ast.walk(tree):
        if id(node) in inside_fstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            parts.append(
                "".join(
                    v.value if isinstance(v, ast.Constant) else "?"
                    for v in node.values
                    if isinstance(v, ast.Constant | ast.FormattedValue)
                )
            )
    return parts


def test_no_module_is_over_400_lines() -> None:
    long = {
        _name(p): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines() -> None:
    long: dict[str, int] = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{_name(path)}:{node.name}"] = lines
    assert long == {}


def test_sql_lives_in_the_store() -> None:
    holding = {
        _name(path)
        for path in _modules()
        if "store" not in path.relative_to(SRC).parts[:1]
        and any(
            _STATEMENT.search(part)
            for part in _string_parts(ast.parse(path.read_text(encoding="utf-8")))
        )
    }
    assert holding - set(SQL_OUTSIDE_STORE) == set()


def test_the_exceptions_to_the_sql_rule_still_hold_sql() -> None:
    """An entry in SQL_OUTSIDE_STORE whose module no longer holds SQL is stale."""
    for name in SQL_OUTSIDE_STORE:
        parts = _string_parts(ast.parse((SRC / name).read_text(encoding="utf-8")))
        assert any(_STATEMENT.search(part) for part in parts), name


def test_the_sql_detector_sees_a_statement() -> None:
    # the rule must not pass by seeing nothing
    tree = ast.parse('q = f"SELECT id FROM {table} WHERE x = ?"\nr = "UPDATE t SET a = 1"')
    assert sum(bool(_STATEMENT.search(p)) for p in _string_parts(tree)) == 2
    assert not _STATEMENT.search("Select the files from the folder")


def test_no_private_part_of_a_library_is_used() -> None:
    """Nothing in src/ imports a library's private module or reads a private attribute
    of one of its objects (ours, `self._x` and `mediatop._x`, are ours to touch)."""
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                outside = node.module.split(".")[0] not in {"mediatop", "__future__"}
                if outside and any(part.startswith("_") for part in node.module.split(".")):
                    found.append(f"{_name(path)}:{node.lineno} from {node.module}")
            elif (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Attribute | ast.Name)
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
                and node.attr not in {"_exit", "_make", "_replace", "_asdict", "_fields"}
            ):
                found.append(f"{_name(path)}:{node.lineno} .{node.attr}")
    assert found == []
