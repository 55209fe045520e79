"""What every sub-command shares: exit codes, errors on stderr, JSON and CSV on stdout."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from mediatop import leaving
from mediatop.errors import MediatopError
from mediatop.textsafe import visible

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UserError(MediatopError):
    """A failure the user can act on, with the exit code the CLI ends with: printed as
    one line on stderr, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(message: str, code: int = EXIT_FAILURE) -> int:
    sys.stderr.write(f"mediatop: {message}\n")
    return code


def stopped_by(exc: leaving.Leave, then: str = "") -> int:
    """A command's end on SIGHUP or SIGTERM (`leaving`): one line, exit 1. `then` says
    what becomes of the work cut short."""
    # The terminal may be gone (SIGHUP): the message then has nowhere to go.
    with contextlib.suppress(OSError):
        return fail(f"stopped by {exc.signal_name}{'; ' + then if then else ''}", EXIT_FAILURE)
    return EXIT_FAILURE


def info(message: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with data)."""
    sys.stderr.write(message + "\n")


def print_json(data: Any) -> None:
    """Data as JSON on stdout, decodable by a strict reader (PHP's json_decode): a name
    that is not UTF-8 is shown with U+FFFD and its exact bytes beside it, percent-encoded
    (`mediatop.json_text`)."""
    from mediatop.json_text import unicode_safe  # here: it imports urllib, which a scan needs not

    safe = unicode_safe(data)
    sys.stdout.write(json.dumps(safe, indent=2, ensure_ascii=True, sort_keys=False) + "\n")


def lossless_stdout() -> None:
    """Let stdout write names that are not UTF-8 as their own bytes (surrogateescape).

    Under a UTF-8 locale such as en_US.UTF-8 Python's stdout is strict, and one such
    name in a CSV report would end it with a UnicodeEncodeError.
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="surrogateescape")


def print_csv(rows: Iterable[Mapping[str, Any]]) -> None:
    """Records as CSV on stdout. Into a file or a pipe, every name is written as its
    exact bytes; on a terminal, with control and bidi characters made visible, because
    an escape sequence in a file name would otherwise act on the terminal."""
    rows = list(rows)
    if not rows:
        return
    on_terminal = sys.stdout.isatty()
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v, on_terminal) for k, v in row.items()})


def _csv_cell(value: Any, on_terminal: bool) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=True)
    if on_terminal and isinstance(value, str):
        return visible(value)
    return value
