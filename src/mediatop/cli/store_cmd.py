"""`mediatop store copy SRC DST`: a library's whole store copied into a new store.

Progress goes to stderr (one self-overwriting line on a terminal, a line per table
otherwise); the summary too, or JSON on stdout with --json.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mediatop.cli.common import Subcommands
from mediatop.cli.output import EXIT_OK, EXIT_USAGE, info, print_json
from mediatop.textsafe import visible

if TYPE_CHECKING:
    from mediatop.library_types import CopyProgress


def register(subparsers: Subcommands) -> None:
    store = subparsers.add_parser("store", help="work on a store as a whole: copy")
    actions = store.add_subparsers(dest="store_command", metavar="ACTION")
    copy = actions.add_parser(
        "copy",
        help="copy a library's whole store into a new store",
        description="Copy every table of the store SRC (files, events, rollups, checkpoints, "
        "caches, the cleanup journal) into a new store DST. DST must not hold anything yet. "
        "Either may be a SQLite file or a postgresql:// URL.",
    )
    copy.add_argument(
        "source", metavar="SRC", help="the store to copy (a file or a postgresql:// URL)"
    )
    copy.add_argument(
        "destination", metavar="DST", help="the new store (a file or a postgresql:// URL)"
    )
    copy.add_argument("--quiet", "-q", action="store_true", help="no progress")
    copy.add_argument("--json", action="store_true", help="print the summary as JSON")
    copy.set_defaults(run=run_copy)
    store.set_defaults(run=lambda _args: _no_action(store))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


class _CopyProgressLine:
    """On a terminal, one self-overwriting line ("media_usage_events: 50,000 of 120,000
    rows (12 of 30 tables)"); elsewhere, a line per table copied."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.terminal = sys.stderr.isatty()

    def __call__(self, progress: CopyProgress) -> None:
        if not self.enabled:
            return
        line = (
            f"{progress.table}: {progress.copied:,} of {progress.rows:,} rows "
            f"({progress.done} of {progress.tables} tables)"
        )
        if self.terminal:
            sys.stderr.write(f"\r\x1b[K{line}")
            sys.stderr.flush()
        elif progress.copied == progress.rows:
            info(line)

    def finish(self) -> None:
        if self.enabled and self.terminal:
            sys.stderr.write("\r\x1b[K")


def run_copy(args: argparse.Namespace) -> int:
    from mediatop.library import MediaLibrary

    progress = _CopyProgressLine(not args.quiet and not args.json)
    source = MediaLibrary.store_name(args.source)
    destination = MediaLibrary.store_name(args.destination)
    try:
        copied = MediaLibrary.copy_store(args.source, args.destination, progress=progress)
    finally:
        progress.finish()
    if args.json:
        print_json({
            "source": source,
            "destination": destination,
            "tables": dict(copied.tables),
            "rows": copied.rows,
            "seconds": round(copied.seconds, 3),
        })  # fmt: skip
    elif not args.quiet:
        info(
            f"copied {copied.rows:,} rows of {len(copied.tables)} tables from "
            f"{visible(source)} to {visible(destination)} "
            f"in {copied.seconds:.1f} s"
        )
    return EXIT_OK
