"""The `mediatop` command: argparse sub-commands, each thin over one library call.

stdout carries data only; messages and progress go to stderr. Exit codes: 0 ok,
1 failure, 2 usage error. Heavy modules are imported inside the command that needs
them, so `--help` and `--version` stay instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from mediatop import __version__
from mediatop.cli.output import EXIT_FAILURE, EXIT_USAGE, UserError, fail, lossless_stdout
from mediatop.errors import InputError, MediatopError
from mediatop.textsafe import visible

# Each module defines register(subparsers) adding its sub-command(s) with a `run` default.
COMMAND_MODULES = (
    "mediatop.cli.open_cmd",
    "mediatop.cli.scan_cmd",
    "mediatop.cli.report_cmd",
    "mediatop.cli.ingest_cmd",
    "mediatop.cli.cleanup_cmd",
    "mediatop.cli.optimize_cmd",
    "mediatop.cli.serve_cmd",
    "mediatop.cli.store_cmd",
)


class _Parser(argparse.ArgumentParser):
    """mediatop's parser: one-line usage errors, and its sub-commands by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse keeps no public list of them: the sub-parsers by name, aliases included
        self.commands: dict[str, argparse.ArgumentParser] = {}

    def add_subparsers(self, **kwargs: Any) -> Any:
        action = super().add_subparsers(**kwargs)
        self.commands = action.choices
        return action

    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, as for every other usage error; --help shows the usage.
        sys.stderr.write(f"mediatop: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> _Parser:
    parser = _Parser(
        prog="mediatop",
        description="See what a website's media library stores and uses, and what could be "
        "cleaned up or optimised. "
        "`mediatop ROOT` opens the dashboard; `mediatop demo` opens it on the sample library.",
    )
    parser.add_argument("--version", action="version", version=f"mediatop {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _with_default_command(argv: list[str], parser: _Parser) -> list[str]:
    """`mediatop ROOT ...` is short for `mediatop open ROOT ...`."""
    if argv and not argv[0].startswith("-") and argv[0] not in parser.commands:
        return ["open", *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lossless_stdout()
    parser = build_parser()
    args = parser.parse_args(_with_default_command(args_list, parser))
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args) or 0)
    except UserError as exc:
        return fail(str(exc), exc.exit_code)
    except MediatopError as exc:
        # What the library raised without the command giving it a CLI wording.
        code = EXIT_USAGE if isinstance(exc, InputError) else EXIT_FAILURE
        return fail(visible(str(exc)), code)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_FAILURE)
    except BrokenPipeError:
        return EXIT_FAILURE
