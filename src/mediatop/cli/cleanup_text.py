"""What `cleanup` and `optimize` print: plans, apply, undo and purge results as text or
JSON, the confirmation they ask for, and the days they take.

Every path shown comes from outside (file names), so it is made visible
(`textsafe.visible`): a name cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable
from typing import Any

from mediatop.cli.output import EXIT_USAGE, UserError, info
from mediatop.json_text import bytes_of
from mediatop.textsafe import visible

_DAYS = re.compile(r"^\s*(\d{1,5})\s*d?\s*$")
MAX_DAYS = 36_500


def days(text: str) -> int:
    """An argparse `type`: `90d` or `90`, a whole number of days from 0 to 36,500."""
    match = _DAYS.match(text)
    if match is None or int(match.group(1)) > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days such as 30d")
    return int(match.group(1))


def unused_days(text: str) -> int:
    """An argparse `type` for --unused: `days`, from 1 (no use in 0 days is every file)."""
    value = days(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: unused means at least 1 day (such as 30d)")
    return value


def confirm(question: str, yes: bool) -> None:
    """Go on only with `--yes` or a `y` typed at a terminal; without a terminal, a
    usage error rather than a wait for an answer that cannot come."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UserError(f"{question}: pass --yes to confirm (no terminal to ask)", EXIT_USAGE)
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise UserError("nothing was done (not confirmed)")


def size(value: int) -> str:
    import humanize  # not at the top: `--help` stays instant

    return humanize.naturalsize(value, binary=False)


def show_path(item: dict[str, Any]) -> str:
    """A plan entry's path from its exact bytes (`path` has U+FFFD for bytes that are
    not UTF-8), made visible."""
    return visible(os.fsdecode(bytes_of(item["pathBytes"])))


def plan_lines(plan: dict[str, Any]) -> list[str]:
    """A plan as text: its files with the reason and evidence, then the totals."""
    kind = plan["kind"]
    lines = [f"plan {plan['planId']} ({kind}) of {show_path(plan['root'])}, "
             f"made {plan['createdAt']}"]  # fmt: skip
    for item in plan["files"]:
        lines.append(f"  {show_path(item)}  {size(item['size'])}  {_why(item)}")
        lines += [f"      - {visible(said)}" for said in item["evidence"]]
    verb = "saves" if kind == "optimize" else "frees"
    lines.append(f"{plan['fileCount']} file(s); applying it {verb} {size(plan['totalBytes'])}")
    if plan["leftOutByRisk"]:
        lines.append(f"{plan['leftOutByRisk']} candidate(s) above --risk "
                     f"{plan['criteria'].get('risk')} left out")  # fmt: skip
    if plan["notFound"]:
        lines.append(f"{len(plan['notFound'])} candidate(s) gone or changed since the last "
                     "scan left out")  # fmt: skip
    if plan.get("keptAsLastCopy"):  # absent from plans written before it was
        lines.append(f"{len(plan['keptAsLastCopy'])} duplicate(s) kept: the copy they "
                     "duplicate is planned as unused")  # fmt: skip
    if note := plan["criteria"].get("note"):
        lines.append(note)
    return lines


def _why(item: dict[str, Any]) -> str:
    if (opt := item.get("optimize")) is not None:
        return f"{opt['target']} -> {size(opt['bytesAfter'])} ({show_path(opt['output'])})"
    confidence = item.get("confidence")
    sure = f", confidence {confidence:.2f}" if confidence is not None else ""
    return f"{item['reason']}, risk {item['risk']}{sure}"


def apply_data(result: Any) -> dict[str, Any]:
    return {
        "planId": result.plan_id,
        "moved": result.moved,
        "bytes": result.bytes_moved,
        "quarantine": _text(result.quarantine),
        "skipped": [{"path": _text(s.path), "reason": s.reason} for s in result.skipped],
    }


def refused_data(items: Iterable[Any]) -> list[dict[str, str]]:
    return [{"path": _text(r.path), "reason": r.reason} for r in items]


def _text(raw: bytes) -> str:
    import os

    return os.fsdecode(raw)


def print_skips(items: list[dict[str, str]], what: str) -> None:
    for item in items:
        info(f"{what} {visible(item['path'])}: {visible(item['reason'])}")
