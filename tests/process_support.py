"""Telling whether a process has ended, for the tests that kill a parent and check
that its workers went with it."""

from __future__ import annotations

from pathlib import Path


def process_gone(pid: int) -> bool:
    """True once `pid` has exited (gone, or a zombie its parent has not reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def children(pid: int) -> list[int]:
    """The processes `pid` started that are still its children (Linux: /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found
