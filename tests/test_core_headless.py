"""The core never imports Textual: it must run headless, from cron and the HTTP server."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from mediatop.cli import COMMANDS, build_parser
from mediatop.model import ProbeResult
from mediatop.store import files as file_store

CORE = (
    "mediatop.store",
    "mediatop.scan",
    "mediatop.scan.watch",
    "mediatop.store.watch",
    "mediatop.analytics",
    "mediatop.analytics.library.overview",
    "mediatop.analytics.library.lookup",
    "mediatop.analytics.registry",
    "mediatop.cli",
)


def test_core_modules_import_without_textual_or_rich() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "import mediatop.analytics as a\n"
        "for info in pkgutil.iter_modules(a.__path__, 'mediatop.analytics.'):\n"
        "    importlib.import_module(info.name)\n"
        "for pkg in ('mediatop.ingest', 'mediatop.cleanup', 'mediatop.serve'):\n"
        "    if importlib.util.find_spec(pkg) is not None:\n"
        "        importlib.import_module(pkg)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


# What makes `--help` and `--version` instant is what they do not import: the heavy
# dependencies (Textual alone takes ~0.3 s) load inside the commands that use them.
HEAVY = (
    "textual", "rich", "PIL", "aiosqlite", "mutagen", "pymediainfo", "pypdf", "watchfiles",
    "ua_parser", "imagehash", "xxhash", "humanize", "platformdirs",
    "mediatop.tui", "mediatop.store", "mediatop.scan", "mediatop.ingest",
)  # fmt: skip
_RUN_COMMAND = (
    "import runpy, sys\n"
    "at_start = {m.split('.')[0] for m in sys.modules}\n"
    "sys.argv = ['mediatop', sys.argv[1]]\n"
    "try:\n"
    "    runpy.run_module('mediatop', run_name='__main__', alter_sys=True)\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "loaded = sorted(sys.modules)\n"
    "outside = {m.split('.')[0] for m in loaded if not m.startswith('__')}\n"
    "outside -= set(sys.stdlib_module_names) | at_start\n"
    'sys.stderr.write(f\'\\n{code}|{",".join(loaded)}|{",".join(sorted(outside))}\\n\')\n'
)


@pytest.mark.parametrize(("flag", "shown"), [("--version", "mediatop "), ("--help", "usage:")])
def test_version_and_help_are_instant_because_they_import_nothing_heavy(
    flag: str, shown: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _RUN_COMMAND, flag], capture_output=True, text=True, check=True
    )
    code, loaded, outside = done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("|")
    assert code == "0" and done.stdout.startswith(shown)  # the command really ran
    heavy = [m for m in loaded.split(",") if any(m == h or m.startswith(f"{h}.") for h in HEAVY)]
    assert heavy == []
    # Nothing outside the standard library but mediatop itself.
    assert outside.split(",") == ["mediatop"]


def test_a_command_builds_only_its_own_modules_parsers() -> None:
    # `mediatop scan --help` (argv[1] is the whole command line here, split below)
    code = _RUN_COMMAND.replace("sys.argv[1]]", "*sys.argv[1].split()]")
    done = subprocess.run(
        [sys.executable, "-c", code, "scan --help"], capture_output=True, text=True, check=True
    )
    _, loaded, _ = done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("|")
    assert done.stdout.startswith("usage: mediatop scan")
    commands = sorted(m for m in loaded.split(",") if m.endswith("_cmd"))
    assert commands == ["mediatop.cli.scan_cmd"]


def test_the_command_table_names_every_command_the_parsers_register() -> None:
    every = build_parser()
    assert sorted(every.commands) == sorted(COMMANDS)
    for name, module in COMMANDS.items():
        assert name in build_parser(name).commands, (name, module)


def test_a_rescan_does_not_build_the_model_it_never_reads(tmp_path: Path) -> None:
    # A no-change rescan compares signatures only; the model's dataclasses cost it ~6 ms
    # of its start (issue 15's P2 times the whole process).
    root = tmp_path / "uploads"
    (root / "2024" / "05").mkdir(parents=True)
    (root / "2024" / "05" / "notes.txt").write_bytes(b"plain")
    code = _RUN_COMMAND.replace("sys.argv[1]]", "*sys.argv[1:]]")
    command = [sys.executable, "-c", code, "scan", str(root), "--db", str(tmp_path / "s.db")]
    subprocess.run(command, capture_output=True, check=True)  # makes the store
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    exit_code, loaded, _ = again.stderr.rstrip("\n").rsplit("\n", 1)[-1].split("|")
    assert exit_code == "0" and "1 files: 0 new" in again.stderr  # the rescan really ran
    assert "mediatop.scan.scanner" in loaded.split(",")
    assert "mediatop.model" not in loaded.split(",")


def test_the_store_writes_every_probed_field_of_the_model() -> None:
    written = set(file_store.PROBE_COLUMNS) | {"error", "extra"}  # probe_error, meta
    assert written == {f.name for f in dataclasses.fields(ProbeResult)}
    assert len(file_store.PROBE_COLUMNS) == len(set(file_store.PROBE_COLUMNS))
