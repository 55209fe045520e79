"""`mediatop report NAME ROOT`: any analytics report as text, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from mediatop.cli.common import (
    Subcommands,
    add_root_arguments,
    add_unused_days_argument,
    open_library,
    tell_if_read_only,
)
from mediatop.cli.numbers import MAX_TOP, file_id_or_path, whole_number
from mediatop.cli.output import EXIT_USAGE, UserError, print_csv, print_json
from mediatop.library import REPORTS


def register(subparsers: Subcommands) -> None:
    names = ", ".join(REPORTS)
    parser = subparsers.add_parser(
        "report",
        help="print a report (" + names + ")",
        description="Print one analytics report. Reports: "
        + "; ".join(f"{s.name}: {s.description}" for s in REPORTS.values()),
    )
    parser.add_argument("name", metavar="NAME", help=f"one of: {names}")
    add_root_arguments(parser)
    parser.add_argument(
        "--range",
        default="30d",
        help="the last 24h, 7d, 30d (default), 90d, Nd or Nh up to now (in whole hours), or all",
    )
    parser.add_argument("--from", dest="start", help="start date YYYY-MM-DD (overrides --range)")
    parser.add_argument("--to", dest="end", help="end date YYYY-MM-DD, inclusive")
    parser.add_argument("--compare", action="store_true", help="add the previous period")
    parser.add_argument(
        "--file", type=file_id_or_path, help="file id or path, for reports about one file"
    )
    parser.add_argument(
        "--place", type=_place, help="TYPE:ID (post:42), for the report of one place"
    )
    parser.add_argument("--top", type=whole_number(1, MAX_TOP), help="how many rows in top-N lists")
    add_unused_days_argument(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON on stdout")
    output.add_argument("--csv", action="store_true", help="CSV on stdout")
    parser.set_defaults(run=run)


def _place(text: str) -> str:
    """TYPE:ID as typed, refused by argparse when a half is missing."""
    from mediatop.places import parse_place

    try:
        parse_place(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def run(args: argparse.Namespace) -> int:
    from mediatop.errors import TimeRangeError
    from mediatop.timerange import parse_range

    if args.name not in REPORTS:
        raise UserError(f"unknown report {args.name!r}; choose from {', '.join(REPORTS)}", 2)
    library = open_library(args, readonly=True)
    now = datetime.now(UTC)
    try:
        time_range = parse_range(args.range, now=now, start=args.start, end=args.end)
        previous = time_range.previous() if args.compare else None
    except TimeRangeError as exc:
        raise UserError(f"--{exc.flag}: {exc}", EXIT_USAGE) from exc
    about = REPORTS[args.name].about
    for option, example in (("file", "ID|PATH"), ("place", "TYPE:ID")):
        if about == option and getattr(args, option) is None:
            raise UserError(f"report {args.name} needs --{option} {example}", EXIT_USAGE)
        if about != option and getattr(args, option) is not None:
            # Ignoring it would print the whole library's figures as if they were its.
            raise UserError(
                f"report {args.name} does not take --{option}; for one {option} use "
                f"`report {option} --{option} {example}`",
                EXIT_USAGE,
            )
    options = {
        k: str(v)
        for k, v in (
            ("file", args.file),
            ("place", args.place),
            ("top", args.top),
            ("unused_days", args.unused_days),
        )
        if v is not None
    }
    library.check()
    tell_if_read_only(library)
    data = library.report_data(args.name, time_range, options, previous=previous, now=now)
    if args.json:
        print_json(data)
    elif args.csv:
        print_csv(_csv_rows(data))
    else:
        from mediatop.cli.render_text import render

        sys.stdout.write("\n".join(render(data)) + "\n")
    return 0


def _csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's longest list of records, or its scalar fields as name/value rows."""
    lists = _record_lists(data)
    if lists:
        return max(lists, key=len)
    return [{"field": k, "value": v} for k, v in _flatten(data).items()]


def _record_lists(data: object) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                found.append(value)
            else:
                found.extend(_record_lists(value))
    return found


def _flatten(data: object, prefix: str = "") -> dict[str, object]:
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, object] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        elif not isinstance(value, list):
            flat[name] = value
    return flat
