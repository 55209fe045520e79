"""`mediatop ingest`, `track`, `import-events` and `locations scan|import`: events into the store.

Each parses its arguments, calls one method of `MediaLibrary`, and prints a summary on
stderr (or JSON on stdout with --json).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mediatop import leaving
from mediatop.cli.common import (
    Subcommands,
    add_node_argument,
    add_root_arguments,
    open_library,
)
from mediatop.cli.numbers import MAX_BATCH_LINES, whole_number
from mediatop.cli.output import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UserError, info, print_json
from mediatop.errors import NotScannedError
from mediatop.textsafe import visible


def register(subparsers: Subcommands) -> None:
    ingest = subparsers.add_parser("ingest", help="read access logs (plain or .gz) into the store")
    add_root_arguments(ingest)
    ingest.add_argument("logs", metavar="LOG", nargs="+", type=Path, help="access log files")
    ingest.add_argument(
        "--format",
        dest="log_format",
        default="combined",
        help="combined (default), common, or an nginx log_format string",
    )
    ingest.add_argument("--follow", action="store_true", help="keep reading new lines (tail -F)")
    add_node_argument(ingest)
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.add_argument(
        "--batch-lines",
        type=whole_number(1, MAX_BATCH_LINES),
        default=25_000,
        help=argparse.SUPPRESS,
    )
    ingest.set_defaults(run=run_ingest)

    track = subparsers.add_parser("track", help="record one usage or video event")
    add_root_arguments(track)
    track.add_argument("--media", required=True, help="media file id, path under ROOT or URL")
    track.add_argument("--event", required=True, help="view, download, click or share")
    for name in ("user", "session", "referrer", "user-agent", "country", "device"):
        track.add_argument(f"--{name}")
    track.add_argument("--json", action="store_true", help="print the stored event as JSON")
    track.set_defaults(run=run_track)

    events = subparsers.add_parser("import-events", help="load usage and video events (JSONL)")
    add_root_arguments(events)
    events.add_argument("file", metavar="FILE.jsonl", type=Path)
    add_node_argument(events)
    events.add_argument("--json", action="store_true", help="print the summary as JSON")
    events.set_defaults(run=run_import_events)

    # `refs` was this command's first name; scripts that use it keep working
    locations = subparsers.add_parser(
        "locations", aliases=["refs"], help="where files are used: scan content or import"
    )
    locations_sub = locations.add_subparsers(dest="locations_command", metavar="ACTION")
    scan = locations_sub.add_parser("scan", help="find media references in exported content")
    add_root_arguments(scan)
    scan.add_argument("content_dir", metavar="CONTENT_DIR", type=Path)
    scan.add_argument("--json", action="store_true", help="print the summary as JSON")
    scan.set_defaults(run=run_locations_scan)
    imp = locations_sub.add_parser("import", help="load usage locations from a CMS export")
    add_root_arguments(imp)
    imp.add_argument("file", metavar="FILE", type=Path, help=".csv or .jsonl")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")
    imp.set_defaults(run=run_locations_import)


@contextlib.contextmanager
def _naming_the_root(args: argparse.Namespace) -> Iterator[None]:
    """A root never scanned is refused with exit 2, naming the command that fixes it."""
    try:
        yield
    except NotScannedError:
        root = visible(str(args.root))
        same_db = " with the same --db" if args.db else ""
        raise UserError(
            f"the store has never scanned {root}, so nothing was read (every event would "
            f"count as a miss): scan {root} first (`mediatop scan {root}`{same_db})",
            EXIT_USAGE,
        ) from None


def run_ingest(args: argparse.Namespace) -> int:
    library = open_library(args)
    stopping = {"now": False}
    # Following, told to stop or its terminal gone, it stops after its batch.
    stop_on_signals = (
        leaving.handling_signals(lambda *_: stopping.update(now=True))
        if args.follow
        else contextlib.nullcontext()
    )

    def progress(tally: Any) -> None:
        if args.follow and not args.json:
            info(f"{tally.lines} lines, {tally.accepted} accepted")

    try:
        with _naming_the_root(args), stop_on_signals:
            tally = library.ingest_log(
                args.logs, log_format=args.log_format, follow=args.follow,
                stop=lambda: stopping["now"], batch_lines=args.batch_lines, on_batch=progress,
            )  # fmt: skip
    except KeyboardInterrupt:
        info("stopped; everything read so far is stored")
        return EXIT_OK
    if args.json:
        print_json(tally.as_dict())
        return EXIT_OK
    malformed = ", ".join(f"{k} {v}" for k, v in sorted(tally.malformed.items())) or "none"
    info(
        f"{tally.lines} lines read from {len(tally.files)} log(s) of node "
        f"{visible(tally.node)}: {tally.accepted} accepted "
        f"({tally.bots} from crawlers), {tally.misses} misses (media not in the library: "
        f"{tally.misses - tally.bot_misses} by people, {tally.bot_misses} by crawlers; "
        f"{tally.served_misses} answered below 400), {tally.not_media} not media, "
        f"{tally.not_get} not GET/HEAD; malformed: {malformed}"
    )
    if tally.incomplete_tail:
        info(f"{tally.incomplete_tail} bytes of an unfinished last line left for next time")
    return EXIT_OK


def run_track(args: argparse.Namespace) -> int:
    fields = {
        "media": args.media, "eventType": args.event, "userId": args.user,
        "sessionId": args.session, "referrer": args.referrer, "userAgent": args.user_agent,
        "country": args.country, "device": args.device,
    }  # fmt: skip
    with _naming_the_root(args):
        event = open_library(args).record_event(fields)
    if args.json:
        print_json({"mediaId": getattr(event, "media_id", getattr(event, "video_id", None)),
                    "eventType": event.event_type, "timestamp": event.timestamp})  # fmt: skip
    else:
        info(f"recorded {event.event_type}")
    return EXIT_OK


def run_import_events(args: argparse.Namespace) -> int:
    with _naming_the_root(args):
        report = open_library(args).import_events(args.file)
    if args.json:
        print_json(report.as_dict())
    else:
        for number, error in report.errors[:20]:
            info(f"{args.file}:{number}: {error}")
        if len(report.errors) > 20:
            info(f"... and {len(report.errors) - 20} more bad lines")
        info(
            f"{report.lines} lines: {report.usage_events} usage events, {report.video_events} "
            f"video events stored, {len(report.errors)} bad lines skipped"
        )
    return (
        EXIT_OK if report.usage_events + report.video_events or not report.errors else EXIT_FAILURE
    )


def _locations_output(args: argparse.Namespace, report: Any) -> int:
    if args.json:
        print_json(report.as_dict())
    else:
        for where, error in report.errors[:20]:
            info(f"{where}: {error}")
        info(
            f"{report.references} references stored from {report.files} file(s), "
            f"{report.unmatched} to files not in the library"
        )
    # as import-events: a run that stored nothing but bad lines failed
    return EXIT_OK if report.references or not report.errors else EXIT_FAILURE


def run_locations_scan(args: argparse.Namespace) -> int:
    return _locations_output(args, open_library(args).scan_locations(args.content_dir))


def run_locations_import(args: argparse.Namespace) -> int:
    return _locations_output(args, open_library(args).import_locations(args.file))
