"""`mediatop optimize plan|show|apply`: shrink oversized and heavy images, undoably.

The plan lists the measured opportunities (resize to twice the largest display width,
re-encode, and with --convert a WebP/AVIF sibling) with bytes before and after; apply
writes the smaller files and keeps each original in the quarantine, so `mediatop
cleanup undo` restores it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from mediatop.cli import cleanup_text as text
from mediatop.cli.cleanup_cmd import register_apply, register_show
from mediatop.cli.common import Subcommands, add_root_arguments, open_library
from mediatop.cli.output import info, print_json
from mediatop.textsafe import visible


def _measure(value: str) -> str:
    if re.fullmatch(r"\d{1,7}|all|cached", value.strip().lower()) is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number, all or cached")
    return value.strip().lower()


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "optimize",
        help="plan and apply smaller images (originals kept in quarantine)",
        description="Shrink images: `plan` lists the measured savings, `apply` writes the "
        "smaller files and keeps each original in the quarantine (`cleanup undo` restores).",
    )
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    plan = commands.add_parser(
        "plan", help="write a plan of the measured image savings",
        description="List each image's measured re-encoding that saves the most, with bytes "
        "before and after. Nothing is touched. Without -o the plan is printed as JSON.",
    )  # fmt: skip
    add_root_arguments(plan)
    plan.add_argument("--convert", action="store_true",
                      help="also WebP/AVIF versions, written beside the original")  # fmt: skip
    plan.add_argument("--measure", type=_measure, default="16",
                      help="images without a measurement to measure first: a number "
                      "(default 16), all, or cached (none)")  # fmt: skip
    plan.add_argument("-o", "--output", type=Path, help="write the plan to this file")
    plan.set_defaults(run=run_plan)
    register_show(commands)
    register_apply(commands, "optimize")


def run_plan(args: argparse.Namespace) -> int:
    library = open_library(args)
    plan = library.plan_optimize(convert=args.convert, measure=args.measure)
    data = library.plan_data(plan)
    if args.output is None:
        print_json(data)
    else:
        library.save_plan(plan, args.output)
        info(f"plan {plan.plan_id} written to {visible(str(args.output))}")
    info(text.plan_lines(data)[-1])
    return 0
