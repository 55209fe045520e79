"""A cleanup or optimise plan: each file with its path (bytes), size, mtime, inode and
ctime at planning time and why it is in the plan; written to and read from JSON
losslessly.

A path is kept twice in the file: `path`, readable (valid Unicode, each undecodable
byte a U+FFFD), and `pathBytes`, the exact bytes percent-encoded (as every JSON output
gives a name's bytes, `mediatop.json_text`), which is what is read back. A plan read
from a file is checked: every path must be relative, with no `.` or `..` part, so an
edited plan cannot name a file outside the root.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mediatop.errors import InputError
from mediatop.json_text import bytes_of, percent_encoded_bytes, readable

PLAN_FORMAT = 1


class PlanError(InputError):
    """A plan file that cannot be used (not JSON, not a plan, a path that is not safe)."""


@dataclass(frozen=True)
class Candidate:
    """One file the analytics propose (unused, or a duplicate copy), as the plan needs it."""

    media_id: int
    path: bytes
    size: int
    reason: str  # 'unused' | 'duplicate'
    risk: str  # 'low' | 'medium' | 'high'
    confidence: float | None
    evidence: tuple[str, ...]
    kept_copy: bytes | None = None  # a duplicate's kept copy
    references: int = 0  # at planning time (the group's, for an unused file)
    last_requested: int | None = None  # the last person's request at planning time


@dataclass(frozen=True)
class Encoding:
    """How an optimise entry re-encodes its image (a measured encode target)."""

    target: str  # 'resize:1600', 'jpeg:85', 'webp', 'avif'
    format: str  # Pillow's format name
    quality: int | None
    lossless: bool
    width: int | None  # resize to this width; None keeps the pixel size
    output: bytes  # relative path written: the original's, or a sibling .webp/.avif
    bytes_after: int  # measured when planned


@dataclass(frozen=True)
class PlanEntry:
    """One file of a plan, as it was when the plan was made."""

    candidate: Candidate
    mtime_ns: int
    inode: int
    encoding: Encoding | None = None  # optimise plans only
    # The inode's change time: a rewrite that puts the size and mtime back (`touch -r`,
    # `rsync -t`) still moves it. None in a plan written before it was recorded.
    ctime_ns: int | None = None


@dataclass(frozen=True)
class Plan:
    """A reviewable plan: nothing is touched until it is applied."""

    plan_id: str
    kind: str  # 'cleanup' | 'optimize'
    root: bytes
    created_at: int
    criteria: dict[str, Any]
    entries: tuple[PlanEntry, ...]
    left_out_by_risk: int = 0
    not_found: tuple[bytes, ...] = field(default=())  # candidates no longer on disk
    # duplicate copies left out because the copy they duplicate is planned
    kept_as_last_copy: tuple[bytes, ...] = field(default=())

    @property
    def total_bytes(self) -> int:
        """What applying would free: file sizes for a cleanup, sizes saved for optimise."""
        if self.kind == "optimize":
            return sum(e.candidate.size - e.encoding.bytes_after for e in self.entries
                       if e.encoding)  # fmt: skip
        return sum(e.candidate.size for e in self.entries)


def new_plan_id(now: int) -> str:
    """A plan id that sorts by time and cannot collide: 20261206T183000-3f9a."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{secrets.token_hex(2)}"


def _path_json(raw: bytes) -> dict[str, str]:
    return {"path": readable(os.fsdecode(raw)), "pathBytes": percent_encoded_bytes(raw)}


def _path_from(obj: Any, where: str) -> bytes:
    try:
        return bytes_of(obj["pathBytes"])
    except (KeyError, TypeError, ValueError):
        raise PlanError(f"{where}: no valid pathBytes") from None


def safe_relative(raw: bytes) -> bytes:
    """`raw` when it is a relative path with no empty, `.` or `..` part (PlanError if not)."""
    parts = raw.split(b"/")
    if not raw or raw.startswith(b"/") or any(p in (b"", b".", b"..") for p in parts):
        raise PlanError(f"the plan names an unsafe path: {os.fsdecode(raw)!r}")
    if b"\0" in raw:
        raise PlanError("the plan names a path with a NUL byte")
    return raw


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON its file holds (and `cleanup show --json` prints)."""
    return {
        "format": PLAN_FORMAT,
        "planId": plan.plan_id,
        "kind": plan.kind,
        "root": _path_json(plan.root),
        "createdAt": datetime.fromtimestamp(plan.created_at, UTC).isoformat(),
        "createdAtEpoch": plan.created_at,
        "criteria": plan.criteria,
        "files": [_entry_json(e) for e in plan.entries],
        "fileCount": len(plan.entries),
        "totalBytes": plan.total_bytes,
        "leftOutByRisk": plan.left_out_by_risk,
        "notFound": [_path_json(p) for p in plan.not_found],
        "keptAsLastCopy": [_path_json(p) for p in plan.kept_as_last_copy],
    }


def _entry_json(entry: PlanEntry) -> dict[str, Any]:
    c = entry.candidate
    found: dict[str, Any] = {
        **_path_json(c.path),
        "mediaId": c.media_id,
        "size": c.size,
        "mtimeNs": entry.mtime_ns,
        "inode": entry.inode,
        "ctimeNs": entry.ctime_ns,
        "reason": c.reason,
        "risk": c.risk,
        "confidence": c.confidence,
        "evidence": list(c.evidence),
        "references": c.references,
        "lastRequested": c.last_requested,
        "keptCopy": None if c.kept_copy is None else _path_json(c.kept_copy),
    }
    if entry.encoding is not None:
        e = entry.encoding
        found["optimize"] = {
            "target": e.target, "format": e.format, "quality": e.quality,
            "lossless": e.lossless, "width": e.width, "output": _path_json(e.output),
            "bytesBefore": c.size, "bytesAfter": e.bytes_after,
        }  # fmt: skip
    return found


def write_plan(plan: Plan, path: Path) -> None:
    """Write the plan file (a new file replaces an old one only once it is complete)."""
    text = json.dumps(plan_to_json(plan), indent=2, ensure_ascii=True) + "\n"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="ascii")
    partial.replace(path)


def read_plan(path: Path) -> Plan:
    """The plan in `path` (PlanError when it is not a usable plan)."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise PlanError(f"cannot read the plan {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise PlanError(f"{path} is not a plan (not JSON: {exc})") from None
    try:
        return _plan_from(data)
    except PlanError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"{path} is not a mediatop plan ({type(exc).__name__}: {exc})") from None


def _plan_from(data: dict[str, Any]) -> Plan:
    if data.get("format") != PLAN_FORMAT or data.get("kind") not in ("cleanup", "optimize"):
        raise PlanError("not a mediatop plan of a known format")
    entries = tuple(_entry_from(item, n) for n, item in enumerate(data["files"], 1))
    return Plan(
        plan_id=_plan_id(data["planId"]),
        kind=data["kind"],
        root=_path_from(data["root"], "root"),
        created_at=int(data["createdAtEpoch"]),
        criteria=dict(data.get("criteria") or {}),
        entries=entries,
        left_out_by_risk=int(data.get("leftOutByRisk", 0)),
    )


def _plan_id(value: Any) -> str:
    text = str(value)
    if not text or not all(ch.isalnum() or ch in "-_" for ch in text) or len(text) > 64:
        raise PlanError(f"not a plan id: {text!r}")
    return text


def _entry_from(item: dict[str, Any], number: int) -> PlanEntry:
    where = f"file {number}"
    kept = item.get("keptCopy")
    candidate = Candidate(
        media_id=int(item["mediaId"]),
        path=safe_relative(_path_from(item, where)),
        size=int(item["size"]),
        reason=str(item["reason"]),
        risk=str(item["risk"]),
        confidence=item.get("confidence"),
        evidence=tuple(str(s) for s in item.get("evidence") or ()),
        kept_copy=None if kept is None else safe_relative(_path_from(kept, where)),
        references=int(item.get("references") or 0),
        last_requested=item.get("lastRequested"),
    )
    encoding = None
    if (opt := item.get("optimize")) is not None:
        encoding = Encoding(
            target=str(opt["target"]), format=str(opt["format"]),
            quality=None if opt.get("quality") is None else int(opt["quality"]),
            lossless=bool(opt["lossless"]),
            width=None if opt.get("width") is None else int(opt["width"]),
            output=safe_relative(_path_from(opt["output"], where)),
            bytes_after=int(opt["bytesAfter"]),
        )  # fmt: skip
    ctime = item.get("ctimeNs")
    return PlanEntry(candidate, int(item["mtimeNs"]), int(item["inode"]), encoding,
                     None if ctime is None else int(ctime))  # fmt: skip
