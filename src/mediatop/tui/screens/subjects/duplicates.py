"""Duplicates: groups of exact copies (same content) and near duplicates (images that
look alike), and which copy of each group is kept (`mediatop report duplicates`)."""

from __future__ import annotations

from typing import Any

from mediatop.tui.screens.marking import MarkingListScreen
from mediatop.tui.screens.subjects.columns import FILE, SIZE
from mediatop.tui.view import Column, Figure, ListSpec, Record, lookup


def _members(groups_key: str) -> Any:
    """One row per file of every group, numbered by group, the kept copy marked."""

    def members(report: Any) -> list[Record]:
        rows: list[Record] = []
        for number, group in enumerate(lookup(report, groups_key) or [], start=1):
            for member in group.get("files", []):
                rows.append(
                    {**member, "group": number, "keep": "keep" if member.get("keep") else "copy"}
                )
        return rows

    return members


COLUMNS = (
    Column("Group", "group", "count", 6),
    Column("Keep", "keep", "text", 5),
    FILE,
    Column("Uses", "uses", "count", 6),
    SIZE,
)


class DuplicatesScreen(MarkingListScreen):
    """Exact and near duplicate groups, the kept copy of each marked."""

    NAME, LABEL, REPORT = "duplicates", "Duplicates", "duplicates"
    CLEANUP_KIND = "duplicates"
    FIGURES = (
        Figure("Exact groups", "exactGroupCount"),
        Figure("Copies to remove", "exactDuplicateFiles"),
        Figure("Wasted", "exactWastedBytes", "size"),
        Figure("Near groups", "nearGroupCount"),
        Figure("Near copies", "nearDuplicateFiles"),
        Figure("Near wasted", "nearWastedBytes", "size"),
        Figure("Not hashed yet", "pendingContentHashes"),
    )
    LISTS = (
        ListSpec("Exact copies", "exactGroups", COLUMNS, records=_members("exactGroups")),
        ListSpec("Near duplicates", "nearGroups", COLUMNS, records=_members("nearGroups")),
    )

    def notes(self, report: Any) -> list[str]:
        return [f"Kept copy: the {lookup(report, 'keepRule')}."]
