"""The library surface's cleanup side: plans, apply, undo, list and purge, for any face.

`MediaLibrary` inherits these. A face makes a plan (`plan_cleanup`, `plan_optimize`),
shows it (the `Plan` value, or `plan_data` as JSON), asks for a confirmation, then
`apply_plan` with a progress callback (each file moved or skipped, with the reason),
and later `undo_cleanup`, `quarantined_plans` and `purge_quarantine`. The analytics
decide what is unused or duplicated; this module hands their candidates to
`mediatop.cleanup`, which does the moving. Methods that change files raise
ReadOnlyLibraryError when the library is read-only (`--readonly`, MEDIATOP_READONLY,
`readonly = true` in mediatop.toml, or a library opened read-only), before anything
is touched; `changing_files_refused` tells a face in advance, to hide its actions.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mediatop.config import Settings
from mediatop.errors import InputError, MediatopError, StoreReadOnlyError

if TYPE_CHECKING:
    from mediatop.cleanup.apply import ApplyProgress, ApplyResult, Skipped
    from mediatop.cleanup.plan import Candidate, Plan
    from mediatop.cleanup.undo import PurgeResult, UndoResult


class ReadOnlyLibraryError(StoreReadOnlyError):
    """A command that changes files was refused: the library is read-only."""


@dataclass(frozen=True)
class QuarantinedPlan:
    """A plan with files in quarantine (or written by optimise) that can be undone."""

    plan_id: str
    action: str  # 'quarantine' | 'optimize' | 'sibling'
    files: int
    bytes: int
    first_moved: datetime
    age_days: float


class CleanupLibrary:
    """The cleanup methods of `MediaLibrary`; its connection helpers back them."""

    settings: Settings
    readonly: bool

    def _reader(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # MediaLibrary's

    def _writer(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # MediaLibrary's

    def has_store(self) -> bool:
        raise NotImplementedError  # MediaLibrary's

    # -- what may be done ---------------------------------------------------------

    def changing_files_refused(self) -> str | None:
        """Why this library may not move, write or delete files, or None when it may."""
        if self.settings.readonly_source is not None:
            return f"mediatop is read-only ({self.settings.readonly_source})"
        if self.readonly:
            return f"the library {self.settings.root} was opened read-only"
        return None

    def quarantine_folder(self) -> Path:
        """Where quarantined files are kept: a folder beside the store."""
        from mediatop.store.connection import QUARANTINE_SUFFIX

        return Path(os.fsdecode(os.fsencode(self.settings.db_path) + QUARANTINE_SUFFIX))

    def _refuse_if_readonly(self, doing: str) -> None:
        why = self.changing_files_refused()
        if why is not None:
            raise ReadOnlyLibraryError(f"{why}: nothing was {doing}")

    # -- plans ---------------------------------------------------------------------

    def plan_cleanup(
        self,
        *,
        unused: bool = True,
        unused_days: int | None = None,
        duplicates: bool = False,
        max_risk: str = "low",
        min_size: int = 0,
        now: datetime | None = None,
    ) -> Plan:
        """A plan of the unused files (with `unused`: no use in `unused_days`, the
        settings' days when None) and, with `duplicates`, the exact duplicate copies;
        nothing is touched."""
        from mediatop.cleanup.planning import RISK_ORDER, build_cleanup_plan

        if max_risk not in RISK_ORDER:
            raise InputError(f"--risk must be low, medium or high, not {max_risk!r}")
        moment = now or datetime.now(UTC)
        days = self.settings.unused_days if unused_days is None else unused_days
        self._require_store()
        candidates = self._unused(days, moment) if unused else []
        if duplicates:
            candidates += self._duplicates(moment)
        criteria: dict[str, Any] = {
            "unusedDays": days if unused else None, "duplicates": duplicates, "risk": max_risk,
            "minSize": min_size,
        }  # fmt: skip
        with self._reader() as conn:
            return build_cleanup_plan(
                conn, self._plan_root(), candidates, max_risk=max_risk,
                min_size=min_size, criteria=criteria, now=int(moment.timestamp()),
                recent_since=int(moment.timestamp()) - days * 86400,
            )  # fmt: skip

    def plan_optimize(
        self, *, convert: bool = False, measure: str = "16", now: datetime | None = None
    ) -> Plan:
        """A plan of the measured image savings (see `mediatop.cleanup.optimize`);
        `measure` images without a measurement are measured first (a number, `all`, or
        `cached`: none), unless the store cannot be written."""
        from mediatop.cleanup.optimize import optimize_opportunities
        from mediatop.cleanup.planning import build_optimize_plan
        from mediatop.measure.for_reports import savings_for_images

        moment = now or datetime.now(UTC)
        self._require_store()
        with self._reader() as conn:
            savings_for_images(conn, self.settings, {"measure": measure}, moment)
            found = optimize_opportunities(conn, convert=convert)
        criteria: dict[str, Any] = {"convert": convert}
        if convert and (note := _avif_note()):
            criteria["note"] = note
        return build_optimize_plan(
            self._plan_root(), found, criteria=criteria,
            now=int(moment.timestamp()),
        )  # fmt: skip

    def load_plan(self, path: Path) -> Plan:
        """The plan in `path`, made for this library's root (PlanError if not)."""
        from mediatop.cleanup.plan import PlanError, read_plan

        plan = read_plan(path)
        if os.path.realpath(plan.root) != os.path.realpath(os.fsencode(self.settings.root)):
            raise PlanError(
                f"the plan was made for {os.fsdecode(plan.root)}, not {self.settings.root}"
            )
        return plan

    @staticmethod
    def save_plan(plan: Plan, path: Path) -> None:
        from mediatop.cleanup.plan import write_plan

        try:
            write_plan(plan, path)
        except OSError as exc:
            raise MediatopError(f"cannot write the plan {path}: {exc.strerror or exc}") from None

    @staticmethod
    def plan_data(plan: Plan) -> dict[str, Any]:
        """The plan as JSON (what its file holds)."""
        from mediatop.cleanup.plan import plan_to_json

        return plan_to_json(plan)

    def would_skip(self, plan: Plan) -> list[Skipped]:
        """The plan's files that applying it now would skip, with the reason; nothing
        is touched (what a preview shows before its confirmation)."""
        from mediatop.cleanup.apply import would_skip

        with self._reader() as conn:
            return would_skip(conn, plan)

    # -- changing files ------------------------------------------------------------

    def apply_plan(
        self, plan: Plan, *, progress: Callable[[ApplyProgress], None] | None = None
    ) -> ApplyResult:
        """Carry the plan out: a cleanup moves its files into the quarantine, an
        optimise writes smaller images (originals into the quarantine); every move
        journalled, every skip reported with its reason."""
        self._refuse_if_readonly("moved")
        from mediatop.cleanup.apply import apply_cleanup
        from mediatop.cleanup.optimize_apply import apply_optimize

        self._require_store()  # a plan is the store's word: no store, nothing to apply

        base = os.fsencode(self.quarantine_folder())
        with self._writer() as conn:
            if plan.kind == "optimize":
                return apply_optimize(conn, plan, base, progress=progress,
                                      workers=self.settings.probe_workers)  # fmt: skip
            return apply_cleanup(conn, plan, base, progress=progress)

    def undo_cleanup(
        self, plan_id: str | None, *, progress: Callable[[int, int], None] | None = None
    ) -> UndoResult:
        """Put back the files of plan `plan_id` (every plan's when None), refusing to
        overwrite any file that has appeared in their place."""
        self._refuse_if_readonly("put back")
        from mediatop.cleanup.undo import undo_moves
        from mediatop.store.queries.cleanup import open_moves, plan_ids

        self._require_store()
        with self._writer() as conn:
            if plan_id is not None and plan_id not in plan_ids(conn):
                raise InputError(f"no plan {plan_id!r} was applied to this library")
            return undo_moves(conn, open_moves(conn, plan_id),
                              os.fsencode(self.quarantine_folder()), progress=progress)  # fmt: skip

    def quarantined_plans(self, *, now: datetime | None = None) -> list[QuarantinedPlan]:
        """The plans that can still be undone or purged, newest first (by their first
        move), the one order every face lists them in."""
        from mediatop.store.queries.cleanup import quarantined_plans

        if not self.has_store():
            return []
        moment = (now or datetime.now(UTC)).timestamp()
        with self._reader() as conn:
            rows = quarantined_plans(conn)
        return [
            QuarantinedPlan(plan_id, action, files, size or 0,
                            datetime.fromtimestamp(first, UTC), (moment - first) / 86400)
            for plan_id, action, files, size, first, _last in rows
        ]  # fmt: skip

    def purge_quarantine(self, older_than_s: int, *, now: datetime | None = None) -> PurgeResult:
        """Delete for good the quarantined files moved more than `older_than_s` ago."""
        self._refuse_if_readonly("deleted")
        from mediatop.cleanup.undo import purge_moves
        from mediatop.store.queries.cleanup import open_moves

        self._require_store()
        cutoff = (now or datetime.now(UTC)).timestamp() - older_than_s
        with self._writer() as conn:
            rows = [r for r in open_moves(conn) if r.moved_at <= cutoff]
            return purge_moves(conn, rows, os.fsencode(self.quarantine_folder()))

    # -- helpers ---------------------------------------------------------------------

    def _plan_root(self) -> bytes:
        """The root as a plan records it: absolute, so that applying the plan from
        another folder (and undoing it from the journal) acts on the same files."""
        return os.path.abspath(os.fsencode(self.settings.root))

    def _require_store(self) -> None:
        from mediatop.errors import NotScannedError

        if not self.has_store():
            raise NotScannedError(f"the store has never scanned {self.settings.root}")

    def _unused(self, days: int, moment: datetime) -> list[Candidate]:
        from mediatop.analytics.context import ReportContext
        from mediatop.analytics.usage.unused import unused_candidates
        from mediatop.cleanup.plan import Candidate
        from mediatop.timerange import parse_range

        with self._reader() as conn:
            ctx = ReportContext(conn, self.settings, parse_range("all", now=moment), moment,
                                {"unused_days": str(days)})  # fmt: skip
            found = unused_candidates(ctx)
        return [
            Candidate(int(u.id), u.filename, u.size, "unused", u.risk_level, u.confidence,
                      tuple(u.evidence))
            for u in found
        ]  # fmt: skip

    def _duplicates(self, moment: datetime) -> list[Candidate]:
        from mediatop.analytics.context import ReportContext
        from mediatop.analytics.duplicates.report import duplicates_report
        from mediatop.cleanup.plan import Candidate
        from mediatop.measure.for_reports import measure_before
        from mediatop.timerange import parse_range

        options = {"top": str(10**9), "hash": "all", "phash": "0"}
        with self._reader() as conn:
            measured = measure_before("duplicates", conn, self.settings, options, moment)
            ctx = ReportContext(conn, self.settings, parse_range("all", now=moment), moment,
                                options, measured)  # fmt: skip
            report = duplicates_report(ctx)
        found = []
        for group in report.exact_groups:
            kept = next(f for f in group.files if f.keep)
            evidence = (
                f"an exact copy (same size and xxh3-128 hash) of {os.fsdecode(kept.filename)}, "
                f"the copy kept: {report.keep_rule}",
            )
            found += [
                Candidate(int(f.id), f.filename, f.size, "duplicate", "low", None, evidence,
                          kept_copy=kept.filename)
                for f in group.files if not f.keep
            ]  # fmt: skip
        return found


def _avif_note() -> str | None:
    from mediatop.cleanup.optimize import avif_note

    return avif_note()
