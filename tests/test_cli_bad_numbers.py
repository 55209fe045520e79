"""Every number a user types (flags, MEDIATOP_* variables, mediatop.toml) is checked.

A value out of its range ends the real CLI with exit 2 and one line on stderr that
names where the value came from, never with a traceback (OverflowError, ValueError).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediatop.store import connect

REPORT = ("report", "overview")

# (command words, flags, environment, mediatop.toml text, the name stderr must say)
CASES = [
    (REPORT, ("--range", "99999999999d"), {}, "", "--range"),
    (REPORT, ("--range", "99999999999h"), {}, "", "--range"),
    (REPORT, ("--range", "36501d"), {}, "", "--range"),  # one day over 100 years
    (REPORT, ("--range", "0d"), {}, "", "--range"),
    (REPORT, ("--range", "-3d"), {}, "", "--range"),
    (REPORT, ("--to", "9999-12-31"), {}, "", "--to"),
    (REPORT, ("--from", "0001-01-01", "--compare"), {}, "", "--from"),
    (REPORT, ("--from", "1969-12-31"), {}, "", "--from"),
    (REPORT, ("--from", "2026-13-01"), {}, "", "--from"),
    (REPORT, ("--top", "-3"), {}, "", "--top"),
    (REPORT, ("--top", "0"), {}, "", "--top"),
    (REPORT, ("--top", "99999999999999999999"), {}, "", "--top"),
    (REPORT, ("--top", "ten"), {}, "", "--top"),
    (REPORT, ("--unused-days", "0"), {}, "", "--unused-days"),
    (REPORT, ("--unused-days", "99999999999"), {}, "", "--unused-days"),
    (REPORT, ("--quota", "1e400GB"), {}, "", "--quota"),
    (REPORT, ("--quota", "nan"), {}, "", "--quota"),
    (REPORT, ("--quota", "inf"), {}, "", "--quota"),
    (REPORT, ("--quota", "-5GB"), {}, "", "--quota"),
    (REPORT, ("--quota", "99999999TB"), {}, "", "--quota"),  # 10^20 bytes > 2^63 - 1
    (("report", "file"), ("--file", "99999999999999999999999"), {}, "", "--file"),
    (("report", "file"), ("--file", "9223372036854775808"), {}, "", "--file"),  # 2^63
    (("scan",), ("--quota", "1e400GB"), {}, "", "--quota"),
    (REPORT, (), {"MEDIATOP_UNUSED_DAYS": "99999999999"}, "", "MEDIATOP_UNUSED_DAYS"),
    (REPORT, (), {"MEDIATOP_UNUSED_DAYS": "-1"}, "", "MEDIATOP_UNUSED_DAYS"),
    (REPORT, (), {"MEDIATOP_QUOTA": "inf"}, "", "MEDIATOP_QUOTA"),
    (REPORT, (), {}, "quota = -1\n", "quota in mediatop.toml"),
    (REPORT, (), {}, "quota = 1e400\n", "quota in mediatop.toml"),
    (REPORT, (), {}, "unused_days = 99999999999\n", "unused_days in mediatop.toml"),
    (REPORT, (), {}, "unused_days = 0\n", "unused_days in mediatop.toml"),
    (("ingest",), ("--batch-lines", "0"), {}, "", "--batch-lines"),
    (("ingest",), (), {"MEDIATOP_INGEST_WORKERS": "-1"}, "", "MEDIATOP_INGEST_WORKERS"),
    (("ingest",), (), {"MEDIATOP_INGEST_WORKERS": "100000"}, "", "MEDIATOP_INGEST_WORKERS"),
]


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "media"
    root.mkdir()
    db = tmp_path / "store.sqlite3"
    connect(db).close()
    return root, db


def _case_id(case: tuple) -> str:
    command, flags, env, toml, _named = case
    return " ".join((*command, *flags, *(f"{k}={v}" for k, v in env.items()), toml.strip()))


@pytest.mark.parametrize(
    ("command", "flags", "env", "toml", "named"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_a_number_out_of_range_is_refused_in_one_line_naming_it(
    tmp_path: Path,
    library: tuple[Path, Path],
    command: tuple[str, ...],
    flags: tuple[str, ...],
    env: dict[str, str],
    toml: str,
    named: str,
) -> None:
    root, db = library
    work = tmp_path / "cwd"
    work.mkdir()
    if toml:
        (work / "mediatop.toml").write_text(toml, encoding="utf-8")
    args = [*command, str(root), "--db", str(db), *flags]
    if command == ("ingest",):
        log = tmp_path / "access.log"
        log.write_text("", encoding="utf-8")
        args.append(str(log))
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATOP_")}
    # No user config file may stand in for the one this case writes (or lacks).
    environment.update(env, XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "mediatop", *args],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mediatop: ")
    assert named in lines[0]
    assert result.stdout == ""


def test_a_config_folder_that_cannot_be_looked_in_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    # As root no folder is unreadable; a name too long to look up fails the same way.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATOP_")}
    environment.update(XDG_CONFIG_HOME=str(tmp_path / ("x" * 300)), HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "mediatop", "scan", str(tmp_path), "--db", str(tmp_path / "s")],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("mediatop: cannot look for ")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_the_dashboard_takes_the_readonly_and_unused_days_flags(tmp_path: Path) -> None:
    from mediatop.cli import build_parser
    from mediatop.cli.common import settings_from

    args = build_parser("open").parse_args(
        ["open", str(tmp_path), "--db", str(tmp_path / "s"), "--readonly", "--unused-days", "30"]
    )
    settings = settings_from(args)
    assert (settings.readonly, settings.unused_days) == (True, 30)


@pytest.mark.parametrize("value", ["0", "", "9223372036854775808"])
def test_a_file_id_out_of_range_or_empty_is_a_usage_error(value: str) -> None:
    from mediatop.cli.numbers import file_id_or_path

    with pytest.raises(argparse.ArgumentTypeError):
        file_id_or_path(value)


def test_digits_of_another_script_are_a_path_not_an_id() -> None:
    from mediatop.cli.numbers import file_id_or_path

    assert file_id_or_path("２３") == "２３"  # looked up as a name, not as id 23
