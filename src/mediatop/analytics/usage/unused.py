"""Which files look unused, on what evidence, how sure we are, and how risky deleting is.

`unused_candidates(ctx)` is the one place this is decided; the usage report, the file
report, the optimisation opportunities and the insights all call it.

The rules (N = `unused_days`, from the option `unused_days`, else settings, default 90;
"now" is the report's clock, not its range):

A file is a **candidate** when all of these hold:

1. It is present (not deleted) and its kind is image, video, audio or document. Files of
   kind "other" (.htaccess, scripts, archives...) are never candidates: they are not
   media and the CMS may depend on them in ways no reference shows.
2. It was uploaded at least N days ago: a younger file cannot have gone N days unused.
3. No member of its group was requested by a person in the last N days. A group is an
   original with its generated sizes (`photo.jpg`, `photo-300x200.jpg`, ...): the group
   is used if any member is, so a thumbnail of a requested image is not a candidate
   (unrequested sizes of a used image are the image report's `unusedSizes` instead).
   Crawler requests do not count as use; they lower the confidence instead.
4. No member of its group is referenced in `usage_locations`, *unless* the access logs
   cover the whole N-day window: then a reference with no request in N days is listed
   too (the page may be unpublished or orphaned), with risk "high".

Each candidate's **risk level** (the seed's calculateDeletionRisk, adapted to evidence):

- high: the file or its group is referenced somewhere (deleting it breaks that page).
- medium: not referenced, but last requested within the last 30 days (possible only
  when N < 30), or the logs do not cover the whole N-day window (no request may just
  mean no log), or crawlers have requested it (something outside links to it), or it is
  a document (documents are often linked from emails and other sites).
- low: none of the above.

Its **confidence** (0–1) that the file really is unused is the product of:

- references: 1.0 when content has been scanned or imported (`usage_locations` has
  rows) and the group has none; 0.7 when no references are known at all (nothing was
  scanned); 0.4 when the group *is* referenced;
- traffic: 0.5 + 0.5 × (days of the N-day window with any logged request ÷ N), so 0.5
  when no access log was ingested and 1.0 when logs cover every day;
- kind: image 1.0, video and audio 0.9, document 0.8;
- crawlers: × 0.9 when crawlers have requested the file.

Each candidate carries an **evidence** trail: short factual sentences, one per rule,
so an admin can see why it was listed. `potential_savings` is the file's size.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import ts_to_datetime
from mediatop.store.queries.rollups import logged_days
from mediatop.store.queries.unused import references_known, unused_candidate_rows

RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
_KIND_CONFIDENCE = {"image": 1.0, "video": 0.9, "audio": 0.9, "document": 0.8}
_RECENT_DAYS = 30


@dataclass(frozen=True)
class UnusedFile:
    """The seed's UnusedMediaData plus the evidence and confidence behind it."""

    id: str
    filename: bytes
    type: str
    size: int
    uploaded_at: datetime
    last_used: datetime | None
    potential_savings: int
    risk_level: str  # low | medium | high
    confidence: float
    evidence: list[str]
    group_files: int  # files in its group (the original and its generated sizes)
    references: int  # references to the file or its group


@dataclass(frozen=True)
class _Evidence:
    refs_known: bool
    window_days: int
    covered_days: int
    cutoff: int
    recent_cutoff: int


def unused_days(ctx: ReportContext) -> int:
    return max(1, ctx.option_int("unused_days", ctx.settings.unused_days))


def _gather(ctx: ReportContext, days: int) -> _Evidence:
    now = ctx.now.astimezone(UTC)
    cutoff = now - timedelta(days=days)
    refs_known = references_known(ctx.conn)
    covered = logged_days(ctx.conn, cutoff.date().isoformat(), now.date().isoformat())
    return _Evidence(
        refs_known=refs_known,
        window_days=days,
        covered_days=min(covered, days),
        cutoff=int(cutoff.timestamp()),
        recent_cutoff=int((now - timedelta(days=_RECENT_DAYS)).timestamp()),
    )


def _rows(ctx: ReportContext, only: int | None) -> tuple[_Evidence, tuple[tuple[Any, ...], ...]]:
    """The evidence shared by all files and the candidate rows (`unused_candidate_rows`), read
    once per report run for the whole library (the dashboard's counts, the optimisation's
    largest and the usage report all ask); a tuple, so no caller reorders another's."""
    days = unused_days(ctx)
    if only is None:
        shared = ctx.shared(("unused rows", days), lambda: _read_rows(ctx, days, None))
        return cast(tuple[_Evidence, tuple[tuple[Any, ...], ...]], shared)
    return _read_rows(ctx, days, only)


def _read_rows(
    ctx: ReportContext, days: int, only: int | None
) -> tuple[_Evidence, tuple[tuple[Any, ...], ...]]:
    ev = _gather(ctx, days)
    return ev, unused_candidate_rows(ctx.conn, ev.cutoff, ev.covered_days >= days, only)


def _risk(ev: _Evidence, row: tuple[Any, ...]) -> str:
    """The risk level of one candidate row (module docstring)."""
    kind, last_used, bots, group_refs = row[4], row[8], row[9], row[12]
    if group_refs:
        return "high"
    if (
        (last_used is not None and last_used >= ev.recent_cutoff)
        or ev.covered_days < ev.window_days
        or bots
        or kind == "document"
    ):
        return "medium"
    return "low"


def _order(ev: _Evidence, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Lowest risk first, then largest, then by path."""
    return (RISK_ORDER[_risk(ev, row)], -row[5], bytes(row[1]))


def unused_candidates(ctx: ReportContext, *, only: int | None = None) -> list[UnusedFile]:
    """Every file that looks unused (see the module docstring), lowest risk and largest first.

    `only` restricts the answer to one file id (the file report's question).
    """
    ev, rows = _rows(ctx, only)
    return [_candidate(ctx, ev, row) for row in sorted(rows, key=lambda row: _order(ev, row))]


def largest_unused(ctx: ReportContext, limit: int) -> tuple[list[UnusedFile], int, int]:
    """The `limit` largest candidates (then by id), and the count and bytes of them all:
    what a ranking by bytes saved needs, without an evidence trail for every candidate."""
    ev, rows = _rows(ctx, None)
    largest = heapq.nsmallest(limit, rows, key=lambda row: (-row[5], row[0]))
    return [_candidate(ctx, ev, row) for row in largest], len(rows), sum(row[5] for row in rows)


@dataclass(frozen=True)
class UnusedOverview:
    """Every candidate counted by risk level, with the first `limit` in full."""

    top: list[UnusedFile]
    count_by_risk: dict[str, int]
    bytes_by_risk: dict[str, int]


def unused_overview(ctx: ReportContext, limit: int) -> UnusedOverview:
    """The counts of unused_candidates by risk and the first `limit` of them, building the
    evidence trail only for those (a library can have tens of thousands of candidates)."""
    ev, rows = _rows(ctx, None)
    counts = dict.fromkeys(RISK_ORDER, 0)
    sizes = dict.fromkeys(RISK_ORDER, 0)
    for row in rows:
        risk = _risk(ev, row)
        counts[risk] += 1
        sizes[risk] += row[5]
    first = heapq.nsmallest(limit, rows, key=lambda row: _order(ev, row)) if limit else []
    return UnusedOverview([_candidate(ctx, ev, row) for row in first], counts, sizes)


def _references_rule(ev: _Evidence, refs: int, group_refs: int) -> tuple[float, str]:
    """The references factor of the confidence and its evidence sentence."""
    if group_refs:
        places = f"{group_refs} place{'s' if group_refs != 1 else ''}"
        what = "it is referenced" if refs else "its group (another size of it) is referenced"
        return 0.4, f"{what} in {places} yet not requested"
    if ev.refs_known:
        return 1.0, "no reference in the scanned content"
    return 0.7, "no references known: content has not been scanned or imported"


def _traffic_rule(ev: _Evidence, group_last: int | None) -> tuple[float, str]:
    """The traffic factor of the confidence and its evidence sentence."""
    factor = 0.5 + 0.5 * ev.covered_days / ev.window_days
    if ev.covered_days == 0:
        return factor, f"no access log covers the last {ev.window_days} days"
    seen = "never requested" if group_last is None else (
        f"last requested {datetime.fromtimestamp(group_last, UTC).date()}"
    )  # fmt: skip
    return factor, (
        f"no request in the last {ev.window_days} days ({seen}; logs cover "
        f"{ev.covered_days} of {ev.window_days} days)"
    )


def _uploaded(ctx: ReportContext, uploaded_at: int, uploaded_source: str) -> str:
    age_days = (ctx.now.astimezone(UTC) - datetime.fromtimestamp(uploaded_at, UTC)).days
    return (
        f"uploaded {datetime.fromtimestamp(uploaded_at, UTC).date()} "
        f"({age_days} days ago, date from {uploaded_source})"
    )


def _candidate(ctx: ReportContext, ev: _Evidence, row: tuple[Any, ...]) -> UnusedFile:
    (file_id, path, group_path, variant, kind, size, uploaded_at, uploaded_source,
     last_used, bots, refs, group_last, group_refs, group_size) = row  # fmt: skip
    refs_factor, refs_said = _references_rule(ev, refs, group_refs)
    traffic_factor, traffic_said = _traffic_rule(ev, group_last)
    evidence = [_uploaded(ctx, uploaded_at, uploaded_source), refs_said, traffic_said]
    if group_size > 1:
        role = f"generated size {variant} of" if variant else "original of"
        evidence.append(
            f"{role} a group of {group_size} files "
            f"({bytes(group_path).decode(errors='replace')}); no member is used"
        )
    kind_factor = _KIND_CONFIDENCE.get(kind, 0.8)
    if kind == "document":
        evidence.append("documents are often linked from outside the site")
    crawler_factor = 1.0
    if bots:
        crawler_factor = 0.9
        evidence.append(f"requested {bots} time(s) by crawlers (all-time)")
    confidence = round(refs_factor * traffic_factor * kind_factor * crawler_factor, 2)
    return UnusedFile(
        id=str(file_id),
        filename=bytes(path),
        type=kind,
        size=size,
        uploaded_at=datetime.fromtimestamp(uploaded_at, UTC),
        last_used=ts_to_datetime(last_used),
        potential_savings=size,
        risk_level=_risk(ev, row),
        confidence=confidence,
        evidence=evidence,
        group_files=group_size,
        references=group_refs,
    )


def unused_for_file(ctx: ReportContext, file_id: int) -> UnusedFile | None:
    """The candidate entry for one file, or None when it does not look unused."""
    found = unused_candidates(ctx, only=file_id)
    return found[0] if found else None
