"""Making a plan: the analytics' candidates filtered, checked on disk and frozen.

Each candidate is stat'ed through its folder's descriptor (no link followed) so the
plan records the size, mtime and inode the file has *now*; a candidate that is gone,
a symlink, or no longer as the last scan saw it is left out and listed as not found
(a scan brings the store up to date). `--risk` is the highest risk included; the plan
counts the candidates it left out. A file both unused and a duplicate copy is planned
once, as unused. A copy whose kept copy is itself planned (as unused) stays, so the
library keeps its content, and the plan lists it (`kept_as_last_copy`). Its references
and last request at planning time are recorded, so apply can tell whether it was
referenced or requested since.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from mediatop.cleanup.fsops import Folders, Skip, folders
from mediatop.cleanup.optimize import Opportunity
from mediatop.cleanup.plan import Candidate, Plan, PlanEntry, new_plan_id
from mediatop.store.queries.cleanup import FileActivity, file_activity

RISK_ORDER = {"low": 0, "medium": 1, "high": 2}


def build_cleanup_plan(
    conn: sqlite3.Connection,
    root: bytes,
    candidates: Sequence[Candidate],
    *,
    max_risk: str,
    min_size: int,
    criteria: dict[str, Any],
    now: int,
    recent_since: int,
) -> Plan:
    """The plan of the candidates within `max_risk` and at least `min_size` bytes.
    A duplicate copy's risk is judged here: high when content references it, medium
    when a person requested it since `recent_since`, else low."""
    sized = [c for c in candidates if c.size >= min_size]
    activity = file_activity(conn, [c.media_id for c in sized])
    sized = [_judged(c, activity.get(c.media_id), recent_since) for c in sized]
    wanted = [c for c in sized if RISK_ORDER[c.risk] <= RISK_ORDER[max_risk]]
    unique = list({c.path: c for c in reversed(wanted)}.values())[::-1]  # first one wins
    entries: list[PlanEntry] = []
    not_found: list[bytes] = []
    with folders(root) as tree:
        for candidate in unique:
            seen = _stat(tree, candidate.path, candidate.size)
            act = activity.get(candidate.media_id)
            if seen is None or act is None:
                not_found.append(candidate.path)
                continue
            group = candidate.reason == "unused"
            candidate = replace(
                candidate,
                references=act.group_references if group else act.references,
                last_requested=act.group_last_requested if group else act.last_requested,
            )
            entries.append(PlanEntry(candidate, seen.st_mtime_ns, seen.st_ino,
                                     ctime_ns=seen.st_ctime_ns))  # fmt: skip
    planned = {entry.candidate.path for entry in entries}
    last_copies = [e for e in entries if e.candidate.kept_copy in planned]
    return Plan(
        plan_id=new_plan_id(now), kind="cleanup", root=root, created_at=now,
        criteria=criteria, entries=tuple(e for e in entries if e not in last_copies),
        left_out_by_risk=len(sized) - len(wanted), not_found=tuple(not_found),
        kept_as_last_copy=tuple(e.candidate.path for e in last_copies),
    )  # fmt: skip


def build_optimize_plan(
    root: bytes, opportunities: Sequence[Opportunity], *, criteria: dict[str, Any], now: int
) -> Plan:
    """The plan of the measured opportunities whose files are still as measured."""
    entries: list[PlanEntry] = []
    not_found: list[bytes] = []
    with folders(root) as tree:
        for found in opportunities:
            seen = _stat(tree, found.candidate.path, found.candidate.size)
            if seen is None or seen.st_mtime_ns != found.mtime_ns:
                not_found.append(found.candidate.path)
                continue
            entries.append(PlanEntry(found.candidate, seen.st_mtime_ns, seen.st_ino,
                                     found.encoding, seen.st_ctime_ns))  # fmt: skip
    return Plan(
        plan_id=new_plan_id(now), kind="optimize", root=root, created_at=now,
        criteria=criteria, entries=tuple(entries), not_found=tuple(not_found),
    )  # fmt: skip


def _judged(candidate: Candidate, act: FileActivity | None, recent_since: int) -> Candidate:
    if candidate.reason != "duplicate" or act is None:
        return candidate
    if act.references:
        risk, said = "high", f"this copy is referenced in {act.references} place(s)"
    elif act.last_requested is not None and act.last_requested >= recent_since:
        risk, said = "medium", "this copy was requested recently"
    else:
        risk, said = "low", "this copy is neither referenced nor requested recently"
    return replace(candidate, risk=risk, evidence=(*candidate.evidence, said))


def _stat(tree: Folders, path: bytes, size: int) -> os.stat_result | None:
    """The file's stat when it is a regular file of the stored size, else None."""
    tree.close_if_many()  # nothing holds them: each is used right away
    try:
        fd, name = tree.parent_of(path)
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except (Skip, OSError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size != size:
        return None
    return st
