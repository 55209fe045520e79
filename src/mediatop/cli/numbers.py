"""Whole numbers typed on the command line, checked against their range by argparse.

A value out of range is refused with a message that says the range, before anything
runs: beyond it a number would overflow (SQLite integers, dates) or be quietly bent
into another one (`--top 0` read as one row).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

# The largest SQLite INTEGER: a file id beyond it names no row.
MAX_FILE_ID = 2**63 - 1
MAX_TOP = 1_000_000
MAX_BATCH_LINES = 10_000_000


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse `type` accepting whole numbers from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number from {low:,} to {high:,}"
            )
        return value

    parse.__name__ = "whole number"  # what argparse names in its own messages
    return parse


def file_id_or_path(text: str) -> str:
    """A file id (ASCII digits) from 1 to the largest an id can be, or a path, kept as
    typed; an empty one is no file."""
    if not text:
        raise argparse.ArgumentTypeError("give the file's id or its path under ROOT")
    # int() refuses numbers over 4,300 digits: the length alone says those are too big.
    if (text.isascii() and text.isdigit()) and (
        len(text) > len(str(MAX_FILE_ID)) or not 1 <= int(text) <= MAX_FILE_ID
    ):
        raise argparse.ArgumentTypeError(
            f"{text} is not a file id (ids run from 1 to {MAX_FILE_ID:,}); "
            "give the id or the path under ROOT"
        )
    return text
