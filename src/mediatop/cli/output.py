"""What every sub-command shares: exit codes, errors on stderr, JSON and CSV on stdout."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UserError(Exception):
    """A failure the user can act on: printed as one line on stderr, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(message: str, code: int = EXIT_FAILURE) -> int:
    sys.stderr.write(f"mediatop: {message}\n")
    return code


def info(message: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with data)."""
    sys.stderr.write(message + "\n")


def print_json(data: Any) -> None:
    """Data as JSON on stdout. Lone surrogates (non-UTF-8 names) stay as \\udcXX escapes."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=True, sort_keys=False) + "\n")


def print_csv(rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=True)
    return value


def plain_terminal() -> bool:
    """True when colour and decoration should be left out (NO_COLOR, TERM=dumb, a pipe)."""
    return (
        bool(os.environ.get("NO_COLOR"))
        or os.environ.get("TERM") == "dumb"
        or not sys.stdout.isatty()
    )
