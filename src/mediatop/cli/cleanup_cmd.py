"""`mediatop cleanup plan|show|apply|undo|list|purge`: free space safely.

A plan lists what would be moved and why (nothing is touched); apply moves the files
into a quarantine beside the store after a confirmation, journalling every move; undo
puts them back; purge deletes quarantined files for good after a confirmation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from mediatop.cli import cleanup_text as text
from mediatop.cli.common import (
    Subcommands,
    add_readonly_argument,
    add_root_arguments,
    open_library,
    settings_from,
)
from mediatop.cli.output import EXIT_FAILURE, EXIT_USAGE, UserError, info, print_json
from mediatop.config import parse_size
from mediatop.errors import ConfigError
from mediatop.json_text import bytes_of
from mediatop.library import MediaLibrary
from mediatop.textsafe import visible


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "cleanup",
        help="plan, apply, undo and purge the removal of unused and duplicate files",
        description="Free space safely: `plan` lists what would go and why, `apply` moves "
        "it into a quarantine beside the store, `undo` puts it back, `purge` deletes it.",
    )
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _register_plan(commands)
    register_show(commands)
    register_apply(commands, "cleanup")
    _register_undo(commands)
    listing = commands.add_parser(
        "list",
        help="list the plans in quarantine",
        description="Plans with files in quarantine, newest first.",
    )
    add_root_arguments(listing)
    listing.add_argument("--json", action="store_true", help="JSON on stdout")
    listing.set_defaults(run=run_list)
    purge = commands.add_parser(
        "purge", help="delete quarantined files for good",
        description="Delete for good the files quarantined longer ago than --older-than, "
        "after a confirmation (or --yes).",
    )  # fmt: skip
    add_root_arguments(purge)
    purge.add_argument("--older-than", type=text.days, required=True, metavar="DAYS",
                       help="only files quarantined longer ago than this, e.g. 30d")  # fmt: skip
    purge.add_argument("--yes", action="store_true", help="do not ask for a confirmation")
    purge.add_argument("--json", action="store_true", help="JSON on stdout")
    add_readonly_argument(purge)
    purge.set_defaults(run=run_purge)


def _register_plan(commands: Any) -> None:
    plan = commands.add_parser(
        "plan", help="write a plan of unused (and duplicate) files to remove",
        description="List the unused files and, with --duplicates, the exact duplicate "
        "copies (--duplicates alone: the copies alone), with their evidence, size, mtime "
        "and inode. Nothing is touched. Without -o the plan is printed on stdout as JSON.",
    )  # fmt: skip
    add_root_arguments(plan)
    plan.add_argument(
        "--unused",
        type=text.unused_days,
        metavar="DAYS",
        help="no use in this many days, e.g. 90d (default: the unused days)",
    )
    plan.add_argument(
        "--risk",
        choices=("low", "medium", "high"),
        default="low",
        help="the highest risk included (default low)",
    )
    plan.add_argument(
        "--duplicates",
        action="store_true",
        help="also the exact duplicate copies (each group keeps one)",
    )
    plan.add_argument("--min-size", default="0", help="only files this big, e.g. 1MB")
    plan.add_argument("-o", "--output", type=Path, help="write the plan to this file")
    plan.set_defaults(run=run_plan)  # fmt: skip


def register_show(commands: Any) -> None:
    """`show PLAN [--json]`, for cleanup and optimise plans alike."""
    show = commands.add_parser("show", help="print a plan file", description="Print a plan.")
    show.add_argument("plan", metavar="PLAN", type=Path, help="the plan file")
    show.add_argument("--json", action="store_true", help="the plan as JSON")
    show.set_defaults(run=run_show)


def register_apply(commands: Any, kind: str) -> None:
    what = "optimised images written, originals" if kind == "optimize" else "files moved"
    apply = commands.add_parser(
        "apply", help=f"apply a plan ({what} into quarantine)",
        description=f"Apply a plan: {what} into the quarantine beside the store, every "
        "move journalled; files changed since the plan are skipped, with the reason.",
    )  # fmt: skip
    apply.add_argument("plan", metavar="PLAN", type=Path, help="the plan file")
    apply.add_argument(
        "--db", help="the store: a file, or postgresql://USER@HOST/DB (default: a file per root)"
    )
    apply.add_argument("--yes", action="store_true", help="do not ask for a confirmation")
    apply.add_argument("--json", action="store_true", help="the result as JSON")
    add_readonly_argument(apply)
    apply.set_defaults(run=run_apply)


def _register_undo(commands: Any) -> None:
    undo = commands.add_parser(
        "undo", help="put the files of a plan (or of all plans) back",
        description="Put quarantined files back where they were; a file that has appeared "
        "in their place is never overwritten.",
    )  # fmt: skip
    add_root_arguments(undo)
    undo.add_argument("plan_id", metavar="PLAN_ID", nargs="?", help="the plan to undo")
    undo.add_argument("--all", action="store_true", help="every plan still in quarantine")
    undo.add_argument("--json", action="store_true", help="the result as JSON")
    add_readonly_argument(undo)
    undo.set_defaults(run=run_undo)


def _library_for_plan(args: argparse.Namespace) -> Any:
    """The library a plan file was made for (its root), with --db and --readonly."""
    data = _plan_json(args.plan)
    try:
        root = Path(os.fsdecode(bytes_of(data["root"]["pathBytes"])))
    except (TypeError, ValueError):
        raise UserError(f"{args.plan} is not a mediatop plan", EXIT_USAGE) from None
    ns = argparse.Namespace(root=root, db=args.db, quota=None, url_prefixes=None,
                            readonly=args.readonly)  # fmt: skip
    library = MediaLibrary(settings_from(ns))
    return library, library.load_plan(args.plan)


def _plan_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data["root"]["pathBytes"], str):  # a plan names its root
            raise TypeError
    except OSError as exc:
        raise UserError(f"cannot read the plan {path}: {exc.strerror}", EXIT_USAGE) from None
    except (ValueError, TypeError, KeyError):
        raise UserError(f"{path} is not a mediatop plan", EXIT_USAGE) from None
    return dict(data)


def run_plan(args: argparse.Namespace) -> int:
    try:
        min_size = parse_size(args.min_size)
    except ConfigError as exc:
        raise UserError(f"--min-size: {exc}", EXIT_USAGE) from None
    library = open_library(args)
    # --duplicates alone plans the copies alone; --unused (or neither) the unused files
    unused = args.unused is not None or not args.duplicates
    plan = library.plan_cleanup(
        unused=unused, unused_days=args.unused, duplicates=args.duplicates,
        max_risk=args.risk, min_size=min_size,
    )  # fmt: skip
    data = library.plan_data(plan)
    if args.output is None:
        print_json(data)
    else:
        library.save_plan(plan, args.output)
        info(f"plan {plan.plan_id} written to {visible(str(args.output))}")
    info(text.plan_lines(data)[-1] if not data["leftOutByRisk"] else
         "; ".join(text.plan_lines(data)[-2:]))  # fmt: skip
    return 0


def run_show(args: argparse.Namespace) -> int:
    data = _plan_json(args.plan)
    if args.json:
        print_json(data)
    else:
        try:
            sys.stdout.write("\n".join(text.plan_lines(data)) + "\n")
        except (KeyError, TypeError, ValueError):
            raise UserError(f"{args.plan} is not a mediatop plan", EXIT_USAGE) from None
    return 0


def run_apply(args: argparse.Namespace) -> int:
    library, plan = _library_for_plan(args)
    refused = library.changing_files_refused()
    if refused is not None:
        raise UserError(f"{refused}: nothing was moved")
    data = library.plan_data(plan)
    where = visible(str(library.quarantine_folder()))
    if plan.kind == "optimize":
        question = (
            f"Optimise {data['fileCount']} image(s), saving about "
            f"{text.size(data['totalBytes'])}, with the originals kept in {where}"
        )
    else:
        question = (f"Move {data['fileCount']} file(s) ({text.size(data['totalBytes'])}) "
                    f"into the quarantine {where}")  # fmt: skip
    text.confirm(question, args.yes)
    result = text.apply_data(library.apply_plan(plan))
    if args.json:
        print_json(result)
    else:
        text.print_skips(result["skipped"], "skipped")
        sys.stdout.write(f"plan {result['planId']}: {result['moved']} file(s), "
                         f"{text.size(result['bytes'])}, into {visible(result['quarantine'])}; "
                         f"{len(result['skipped'])} skipped\n")  # fmt: skip
    return 0


def run_undo(args: argparse.Namespace) -> int:
    if (args.plan_id is None) == (not args.all):
        raise UserError("name one PLAN_ID (see `mediatop cleanup list`) or --all", EXIT_USAGE)
    library = open_library(args)
    result = library.undo_cleanup(None if args.all else args.plan_id)
    refused = text.refused_data(result.refused)
    if args.json:
        print_json({"restored": result.restored, "bytes": result.bytes_restored,
                    "plans": list(result.plans), "refused": refused})  # fmt: skip
    else:
        text.print_skips(refused, "not put back")
        sys.stdout.write(f"{result.restored} file(s) put back ({text.size(result.bytes_restored)})"
                         f"; {len(refused)} refused\n")  # fmt: skip
    return EXIT_FAILURE if refused else 0


def run_list(args: argparse.Namespace) -> int:
    library = open_library(args, readonly=True)
    plans = library.quarantined_plans()
    rows: list[dict[str, Any]] = [
        {"planId": p.plan_id, "action": p.action, "files": p.files, "bytes": p.bytes,
         "firstMoved": p.first_moved.isoformat(), "ageDays": round(p.age_days, 1)}
        for p in plans
    ]  # fmt: skip
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        sys.stdout.write(f"{row['planId']}  {row['action']}  {row['files']} file(s)  "
                         f"{text.size(row['bytes'])}  {row['ageDays']} days old\n")  # fmt: skip
    if not rows:
        info("nothing in quarantine")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    library = open_library(args)
    refused = library.changing_files_refused()
    if refused is not None:
        raise UserError(f"{refused}: nothing was deleted")
    text.confirm(f"Delete for good the files quarantined over {args.older_than} days ago "
                 f"from {visible(str(library.quarantine_folder()))}", args.yes)  # fmt: skip
    result = library.purge_quarantine(args.older_than * 86400)
    problems = text.refused_data(result.refused)
    if args.json:
        print_json({"deleted": result.deleted, "bytes": result.bytes_deleted,
                    "plans": list(result.plans), "refused": problems})  # fmt: skip
    else:
        text.print_skips(problems, "not deleted")
        sys.stdout.write(f"{result.deleted} file(s) deleted for good "
                         f"({text.size(result.bytes_deleted)})\n")  # fmt: skip
    return EXIT_FAILURE if problems else 0
