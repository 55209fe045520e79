"""`mediatop scan ROOT`: bring the store up to date with the media folder."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mediatop import leaving
from mediatop.cli.common import Subcommands, add_root_arguments, open_library
from mediatop.cli.output import info, print_json, stopped_by

if TYPE_CHECKING:
    from mediatop.library_types import ScanProgress


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan a media folder into the store",
        description="Walk ROOT, record every file (new, changed, deleted) and probe new ones. "
        "Rescans only open files whose size or mtime changed.",
    )
    add_root_arguments(parser)
    parser.add_argument("--no-probe", action="store_true", help="walk and stat only")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


class _ProgressLine:
    """One self-overwriting line on stderr, only when stderr is a terminal (a log or a
    pipe gets the summary alone): "walked 1,234 files", then "probed 16 of 54 files"."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, progress: ScanProgress) -> None:
        if not self.enabled or progress.phase == "done":  # the summary follows
            return
        if progress.phase == "probing":
            line = f"probed {progress.done:,} of {progress.total:,} files"
        else:  # walking, or writing what the whole walk found
            line = f"walked {progress.done:,} files"
        sys.stderr.write(f"\r\x1b[K{line}")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")


def run(args: argparse.Namespace) -> int:
    from mediatop.library import to_jsonable

    library = open_library(args)
    progress = _ProgressLine(not args.quiet)
    # A hang-up or SIGTERM ends the scan as Ctrl-C would: its walkers and probe workers
    # stopped, what it had not committed rolled back, one line said.
    stopped: leaving.Leave | None = None
    with leaving.leave_on_signals():
        try:
            with leaving.interruptible():
                summary = library.scan(probe=not args.no_probe, progress=progress)
        except leaving.Leave as exc:
            stopped = exc
        finally:
            progress.finish()
    if stopped is not None:
        return stopped_by(stopped, "the next scan goes on from what this one stored")
    if args.json:
        print_json(to_jsonable(summary))
    elif not args.quiet:
        info(
            f"{summary.files_present:,} files: {summary.new:,} new, {summary.changed:,} changed, "
            f"{summary.deleted:,} deleted, {summary.unchanged:,} unchanged; "
            f"probed {summary.probed:,} ({summary.probe_errors:,} with errors) "
            f"in {summary.seconds:.2f} s"
            + (
                f"; {summary.symlinks_skipped:,} symlinks skipped"
                if summary.symlinks_skipped
                else ""
            )
        )
        for error in summary.walk_errors[:10]:
            from mediatop.textsafe import visible

            info(f"  could not read {visible(error)}")
    return 0
