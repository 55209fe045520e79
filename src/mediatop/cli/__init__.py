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

from mediatop import __version__, leaving
from mediatop.cli.output import (
    EXIT_FAILURE,
    EXIT_USAGE,
    UserError,
    fail,
    lossless_stdout,
    stopped_by,
)
from mediatop.errors import InputError, MediatopError
from mediatop.textsafe import visible

# Each command's module: it defines register(subparsers), adding its sub-command(s) with
# a `run` default. A command imports and builds only its own module's parsers (a rescan
# is a fraction of a second, of which the whole CLI's parsers would be a tenth); `--help`
# and a name that is no command build them all.
COMMANDS = {
    "open": "mediatop.cli.open_cmd",
    "demo": "mediatop.cli.open_cmd",
    "scan": "mediatop.cli.scan_cmd",
    "report": "mediatop.cli.report_cmd",
    "ingest": "mediatop.cli.ingest_cmd",
    "track": "mediatop.cli.ingest_cmd",
    "import-events": "mediatop.cli.ingest_cmd",
    "locations": "mediatop.cli.ingest_cmd",
    "refs": "mediatop.cli.ingest_cmd",
    "cleanup": "mediatop.cli.cleanup_cmd",
    "optimize": "mediatop.cli.optimize_cmd",
    "serve": "mediatop.cli.serve_cmd",
    "store": "mediatop.cli.store_cmd",
}


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


def build_parser(command: str | None = None) -> _Parser:
    """The parser of every command, or of `command`'s module alone."""
    parser = _Parser(
        prog="mediatop",
        description="See what a website's media library stores and uses, and what could be "
        "cleaned up or optimised. "
        "`mediatop ROOT` opens the dashboard; `mediatop demo` opens it on the sample library.",
    )
    parser.add_argument("--version", action="version", version=f"mediatop {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for name in dict.fromkeys(modules):
        importlib.import_module(name).register(subparsers)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    """`mediatop ROOT ...` is short for `mediatop open ROOT ...`."""
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        return ["open", *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    with leaving.raising_on_signals():
        try:
            return _main(argv)
        except leaving.Leave as exc:  # a command that handles none itself, or start-up
            return stopped_by(exc)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lossless_stdout()
    args_list = _with_default_command(args_list)
    parser = build_parser(args_list[0] if args_list else None)
    args = parser.parse_args(args_list)
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
