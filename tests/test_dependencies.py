"""Every dependency pyproject.toml declares is imported somewhere in src/.

A dependency comes with the code that uses it and leaves with it: one declared and never
imported is installed on every user's machine for nothing (scandir-rs, starlette and
uvicorn were, until issue 14).
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

# Declared on purpose though src/ never imports them by name; each says why.
NOT_IMPORTED_BY_NAME = {
    # The user-agent regexes ua-parser loads itself (ua_parser.loaders imports
    # ua_parser_builtins); declared so the data is there whatever ua-parser's extras do.
    "ua-parser-builtins",
    # uvicorn's C event loop, which it picks itself when it is installed: with it and
    # httptools, a beacon costs `mediatop serve` about a quarter less CPU.
    "uvloop",
}


def _normalised(distribution: str) -> str:
    """A distribution name as PEP 503 compares them: `UA_Parser` is `ua-parser`."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def declared_distributions() -> set[str]:
    """The [project] dependencies, names only: no version, no extras, no marker."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {
        _normalised(re.match(r"[A-Za-z0-9_.-]+", spec).group(0))  # type: ignore[union-attr]
        for spec in project["dependencies"]
    }


def imported_top_level_modules() -> set[str]:
    """Top-level names of every import in src/, lazy imports inside functions included."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def distributions_imported() -> set[str]:
    """The installed distributions that provide a module src/ imports (pillow for PIL)."""
    providers = packages_distributions()
    return {
        _normalised(distribution)
        for module in imported_top_level_modules()
        for distribution in providers.get(module, ())
    }


def test_every_declared_dependency_is_imported_in_src() -> None:
    never_imported = declared_distributions() - distributions_imported() - NOT_IMPORTED_BY_NAME
    assert never_imported == set(), "declared in pyproject.toml, imported nowhere in src/"


def test_the_exemptions_are_still_declared() -> None:
    # An exemption outliving its dependency would excuse the next one silently.
    assert declared_distributions() >= NOT_IMPORTED_BY_NAME


def test_the_distribution_map_finds_a_module_whose_name_differs() -> None:
    # pillow is imported as PIL: the check must see through the installed metadata.
    assert "pillow" in distributions_imported()
