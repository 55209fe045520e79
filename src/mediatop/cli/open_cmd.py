"""`mediatop ROOT` / `mediatop open ROOT` and `mediatop demo`: open the dashboard.

Both leave on SIGHUP (the terminal hung up) and SIGTERM at any moment, as
`mediatop.leaving` says: during start-up with the message `stopped by SIGHUP` and exit
1, once the dashboard runs as `q` does; the demo's temporary folder is removed either way.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from pathlib import Path

from mediatop import leaving
from mediatop.cli.common import (
    Subcommands,
    add_readonly_argument,
    add_root_arguments,
    add_unused_days_argument,
    settings_from,
)
from mediatop.cli.output import EXIT_USAGE, UserError, info, stopped_by
from mediatop.config import Settings
from mediatop.textsafe import visible


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "open",
        help="open the dashboard on a media folder (same as `mediatop ROOT`)",
        description="Open the live dashboard. The folder is scanned (incrementally) on start "
        "and watched; the store is watched for new events.",
    )
    add_root_arguments(parser)
    add_unused_days_argument(parser)
    add_readonly_argument(parser)
    parser.set_defaults(run=run_open)

    demo = subparsers.add_parser(
        "demo",
        help="open the dashboard on a copy of sample_media/ with demo traffic",
        description="Copy sample_media/ to a temporary folder, load labelled demo traffic, "
        "and open the dashboard on it. sample_media/ itself is never modified.",
    )
    demo.add_argument("--sample", type=Path, help="another folder to use as the sample library")
    demo.add_argument("--keep", action="store_true", help="keep the temporary folder afterwards")
    demo.set_defaults(run=run_demo)


def _require_terminal() -> None:
    """The dashboard draws on a terminal and reads its keys: from cron or a pipe it would
    write escape sequences into the output and wait for keys forever."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "the dashboard needs a terminal; for output to a file or a pipe use "
            "`mediatop report NAME ROOT --json`",
            EXIT_USAGE,
        )


def _run_app(settings: Settings, read_only: str | None = None) -> int:
    from mediatop.library import MediaLibrary

    # The dashboard's one way to the store, the folder and the analytics; lean, as it
    # stays open (its peak memory, not a report's speed, is what counts).
    with MediaLibrary(settings, readonly=read_only is not None, lean=True) as library:
        with leaving.interruptible():
            from mediatop.tui.app import build_app

            app = build_app(library, read_only=read_only)
        with leaving.while_running(app.leave):
            app.run()
    return int(app.return_code or 0)


def run_open(args: argparse.Namespace) -> int:
    _require_terminal()
    settings = settings_from(args)
    from mediatop.errors import StoreError
    from mediatop.library import MediaLibrary

    # A store this process cannot write is still shown, read-only; one it can is
    # created or migrated here, before the app takes the terminal.
    read_only = MediaLibrary(settings).write_problem()
    with leaving.leave_on_signals():
        try:
            with leaving.interruptible():
                try:
                    MediaLibrary(settings, readonly=read_only is not None).check()
                except StoreError as exc:
                    raise UserError(visible(str(exc))) from exc
            return _run_app(settings, read_only)
        except leaving.Leave as exc:
            return stopped_by(exc)


def run_demo(args: argparse.Namespace) -> int:
    from mediatop.demo import prepare_demo
    from mediatop.errors import DemoError

    _require_terminal()
    info("preparing the demo library (a copy of sample_media/ with demo traffic)…")
    with leaving.leave_on_signals():
        folder = Path(tempfile.mkdtemp(prefix="mediatop-demo-"))

        def remove_folder() -> None:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)

        try:
            with leaving.on_last_resort(remove_folder):
                with leaving.interruptible():
                    try:
                        workspace = prepare_demo(args.sample, folder=folder)
                    except DemoError as exc:
                        raise UserError(str(exc)) from exc
                return _run_app(workspace.settings)
        except leaving.Leave as exc:
            return stopped_by(exc)
        finally:
            remove_folder()
            if args.keep:
                with contextlib.suppress(OSError):  # the terminal may be gone
                    info(f"demo kept in {folder}")
