"""No text claims what does not exist (issue 13, point 10): every `mediatop ...` command
that the README, the help or a string in the code names is one the CLI parser has, the
README lists exactly the reports there are, and no text offers an HTTP endpoint or a
cleanup (quarantine, undo) while there is no command for it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from mediatop.analytics.registry import REPORTS
from mediatop.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "src" / "mediatop").rglob("*.py"))
README = REPO / "README.md"
# A command in backquotes; in a code block, also a line that runs mediatop.
QUOTED = re.compile(r"`mediatop( [^`]*)?`")
RUN = re.compile(r"^mediatop( .*)?$", re.MULTILINE)
CODE_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return dict(getattr(parser, "commands", {}))


def _texts() -> list[tuple[str, str]]:
    found = [(path.relative_to(REPO).as_posix(), path.read_text()) for path in SOURCES]
    found.append(("README.md", README.read_text()))
    parser = build_parser()
    found.append(("mediatop --help", parser.format_help()))
    for name, sub in _choices(parser).items():
        found.append((f"mediatop {name} --help", sub.format_help()))
    return found


def _named_commands() -> list[tuple[str, list[str]]]:
    named = []
    for where, text in _texts():
        blocks = "\n".join(CODE_BLOCK.findall(text))
        for match in [*QUOTED.finditer(text), *RUN.finditer(blocks)]:
            named.append((where, (match.group(1) or "").split()))
    return named


def _exists(words: list[str]) -> bool:
    """Whether `mediatop WORDS...` names a command the parser has (placeholders such as
    ROOT, a path or a format field stand for the dashboard's `mediatop ROOT`)."""
    if not words or not re.fullmatch(r"[a-z][a-z-]*", words[0]):
        return True
    commands = _choices(build_parser())
    if words[0] not in commands:
        return False
    if len(words) < 2 or not re.fullmatch(r"[a-z][a-z-]*", words[1]):
        return True
    if words[0] == "report":
        return words[1] in REPORTS
    nested = _choices(commands[words[0]])
    return not nested or words[1] in nested


def test_the_guard_reads_commands_and_refuses_made_up_ones() -> None:
    named = _named_commands()
    assert any(words[:2] == ["report", "usage"] for _where, words in named)
    assert any(words[:2] == ["locations", "scan"] for _where, words in named)
    assert _exists(["ROOT"]) and _exists(["report", "NAME", "ROOT"])
    assert not _exists(["cleanup", "erase"]) and _exists(["serve"]) and not _exists(["export"])
    assert _exists(["cleanup", "plan"]) and _exists(["optimize", "apply"])
    assert not _exists(["report", "cleanup"]) and not _exists(["locations", "export"])


@pytest.mark.parametrize("where", sorted({where for where, _ in _named_commands()}))
def test_every_command_a_text_names_exists(where: str) -> None:
    missing = [" ".join(w) for at, w in _named_commands() if at == where and not _exists(w)]
    assert missing == [], f"{where} names commands the CLI does not have"


def test_the_readme_lists_exactly_the_reports_there_are() -> None:
    text = README.read_text()
    listed = text[text.index("Reports: ") : text.index("\n\n", text.index("Reports: "))]
    names = {word.split()[0] for word in re.findall(r"`([a-z][^`]*)`", listed)}
    assert names == set(REPORTS)


def test_no_text_offers_an_http_endpoint_or_a_cleanup_that_does_not_exist() -> None:
    commands = _choices(build_parser())
    for where, text in _texts():
        if "serve" not in commands:
            for match in re.finditer(r"/api/", text):
                # An endpoint may be cited only as the SPEC's shape that a report follows.
                context = " ".join(text[max(0, match.start() - 80) : match.end() + 80].split())
                assert "SPEC" in context and "no HTTP server" in context, (where, context)
        if "serve" in commands:
            for match in re.finditer(r"/api/[A-Za-z0-9_./{}-]*[A-Za-z0-9_}]", text):
                assert _served(match.group(0)), (where, match.group(0))
        if "cleanup" not in commands:
            for word in ("quarantin", "cleanup plan", "can be undone"):
                assert word not in text.lower(), (where, word)


def _served(path: str) -> bool:
    """Whether the API document (what `mediatop serve` answers) has this path; a
    `{placeholder}` stands for one segment."""
    from mediatop.serve.openapi import openapi_document

    served = [*openapi_document()["paths"], "/api/openapi.json"]
    pattern = re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(path))
    return any(re.fullmatch(pattern, re.sub(r"\{[^}]*\}", "x", p)) for p in served)


def test_the_endpoint_guard_knows_the_served_paths() -> None:
    assert _served("/api/analytics/media/usage") and _served("/api/analytics/media/{id}/usage")
    assert _served("/api/openapi.json") and not _served("/api/analytics/media/cleanup/plan")
