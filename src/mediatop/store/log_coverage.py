"""Beacons and tracked views beside the access log: one request is counted once.

The rule (README, "Events: what is recorded and what counts"): an hour (UTC) in which an
ingested access log recorded a request for a library file, by a person or a crawler, is
*covered*, and there the log is the count. A tracked or beacon `view` in a covered hour
was one of the log's requests (a beacon carries no IP, so it cannot be matched to its
line): it brings its client time and marks the file as used, but no view, request,
bytes, error or breakdown entry. Outside covered hours it counts as the log would have
counted it. A crawler's tracked view is a crawler request under the same rule: in a
covered hour the log has it already. Tracked downloads, clicks and shares are actions
the site recorded, not requests: they always count. So does a tracked view of a document
as a view: the site's viewer opened it, which the log cannot tell from a download (it
counts every document request as one); in a covered hour it brings no request or bytes.

The state lives in the store, as the video collapse keeps its windows there:
`log_hours` holds the covered hours, `uncovered_uses` what tracked uses added while
their hour was not covered. The first log batch that covers such an hour subtracts that
again, so the figures are the same whichever source arrives first and however the
sources are split into runs. Everything runs in the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence, Set
from itertools import chain

from mediatop.store.dialect import is_postgres
from mediatop.store.held_writes import drop_since, mark, run_or_hold_many
from mediatop.store.lock_order import in_key_order
from mediatop.store.rollups import UsageRollup, hour_of
from mediatop.store.rollups_vector import (
    BOT,
    BYTES,
    DOWNLOADS,
    ERRORS,
    NOT_MOD,
    REQ,
    VIEWS,
    WIDTH,
)

# A tracked use waiting for the rule: (ts, media_id, kind, event_type, device, referrer
# host, country, user_type, requests, bytes, status)
TrackedUse = tuple[int, int, str, str, str, str, str | None, str, int, int, int | None]
# uncovered_uses' key: (hour, media_id, event_type, device, referrer host, country or '',
# user_type)
_UseKey = tuple[int, int, str, str, str, str, str]

_ADD_UNCOVERED = (
    "INSERT INTO uncovered_uses AS stored (hour, media_id, event_type, device, referrer_host, "
    "country, "
    "user_type, kind, uses, requests, bytes, errors, not_modified) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(hour, media_id, event_type, device, referrer_host, country, user_type) "
    "DO UPDATE SET uses = stored.uses + excluded.uses, "
    "requests = stored.requests + excluded.requests, "
    "bytes = stored.bytes + excluded.bytes, errors = stored.errors + excluded.errors, "
    "not_modified = stored.not_modified + excluded.not_modified"
)


def stored_log_hours(conn: sqlite3.Connection, hours: Collection[int]) -> set[int]:
    """Which of `hours` an earlier log batch covered."""
    if not hours:
        return set()
    return {
        hour
        for (hour,) in conn.execute(
            "SELECT hour FROM log_hours WHERE hour BETWEEN ? AND ?", (min(hours), max(hours))
        )
        if hour in hours
    }


# Hours claimed per statement (one multi-row VALUES; far below any bound-values limit).
CLAIM_HOURS = 500


def claim_log_hours(conn: sqlite3.Connection, hours: Collection[int]) -> set[int]:
    """Record `hours` as covered; the ones this transaction recorded first. Another
    ingester that recorded one at the same moment (two nodes' logs cover the same
    hours) keeps it: only the first takes back what tracked uses added there."""
    claimed: set[int] = set()
    ordered = sorted(hours)  # in key order, as every writer (store.lock_order)
    for start in range(0, len(ordered), CLAIM_HOURS):
        chunk = ordered[start : start + CLAIM_HOURS]
        claimed.update(
            hour
            for (hour,) in conn.execute(
                f"INSERT INTO log_hours (hour) VALUES {', '.join(['(?)'] * len(chunk))} "
                "ON CONFLICT (hour) DO NOTHING RETURNING hour",
                chunk,
            ).fetchall()
        )
    return claimed


# The first key of the two-key advisory locks on hours (any fixed number; the one-key
# space, where the migrations' lock lives, does not overlap it).
_HOUR_LOCKS = 19_001


def lock_hours(conn: sqlite3.Connection, *, claimed: Set[int], watched: Set[int]) -> None:
    """On PostgreSQL, lock the hours a batch is about to claim (exclusive) and those
    whose tracked uses it is about to count as uncovered (shared), in hour order, until
    its commit. Under READ COMMITTED a batch cannot see another's uncommitted work:
    without the locks a log batch could claim an hour and read uncovered_uses while a
    beacon batch, having read the hour as uncovered, adds to it, and the view would be
    counted twice. With them the later batch waits for the earlier's commit and reads
    after it. Only an hour's first claim, and tracked uses in uncovered hours, lock.
    SQLite needs none: BEGIN IMMEDIATE already runs writers one at a time."""
    if not is_postgres(conn):
        return
    ordered = sorted(claimed | watched)  # in key order, as every writer
    for start in range(0, len(ordered), CLAIM_HOURS):
        chunk = ordered[start : start + CLAIM_HOURS]
        # one statement a chunk: a VALUES list is scanned in the order it is written
        conn.execute(
            "SELECT count(CASE WHEN claimed = 1 THEN pg_advisory_xact_lock(?, hour) "
            "ELSE pg_advisory_xact_lock_shared(?, hour) END) "
            f"FROM (VALUES {', '.join(['(?, ?)'] * len(chunk))}) AS hours (hour, claimed)",
            [_HOUR_LOCKS, _HOUR_LOCKS, *chain.from_iterable((h, h in claimed) for h in chunk)],
        ).fetchone()


def resolve_coverage(conn: sqlite3.Connection, rollup: UsageRollup) -> None:
    """Apply the rule to one batch: record the hours its log rows cover, take back what
    tracked uses added in hours covered now for the first time, then count the batch's
    tracked uses whose hour no log covers."""
    hours = {use[0] // 3600 for use in rollup.tracked}
    covered = stored_log_hours(conn, rollup.log_hours | hours)
    fresh = rollup.log_hours - covered
    lock_hours(conn, claimed=fresh, watched=hours - rollup.log_hours - covered)
    new_hours = claim_log_hours(conn, fresh)
    if new_hours:
        _take_back(conn, rollup, new_hours)
    if not rollup.tracked:
        return
    covered = rollup.log_hours | stored_log_hours(conn, hours)
    added: dict[_UseKey, list[int]] = {}
    for use in rollup.tracked:
        ts, media_id, kind, etype, device, ref_host, country, user, requests, nbytes, status = use
        hour = ts // 3600
        error = int(status is not None and status >= 400)
        if hour in covered:
            preview = kind == "document" and not error and user != "bot"
            if preview:  # the site's viewer opened it: a view beside the log's download
                _add_use_delta(rollup, ts, media_id, etype, device, ref_host, country, user,
                               [1, 0, 0, 0, 0])  # fmt: skip
            continue
        deltas = _counted_whole(user, requests, nbytes, status)
        _add_use_delta(rollup, ts, media_id, etype, device, ref_host, country, user, deltas)
        total = added.setdefault((hour, media_id, etype, device, ref_host, country or "", user),
                                 [0, 0, 0, 0, 0])  # fmt: skip
        for index, delta in enumerate(deltas):
            total[index] += delta
        rollup.kinds_touched[media_id] = kind
    rollup.tracked = []
    conn.executemany(
        _ADD_UNCOVERED,
        [
            (*key[:7], rollup.kinds_touched[key[1]], *total)
            for key, total in in_key_order(conn, added)
        ],
    )


def claim_hours_last(
    conn: sqlite3.Connection, rollup: UsageRollup, write: Callable[[], None]
) -> None:
    """`resolve_coverage` for a batch of log rows alone whose writes are held
    (store.held_writes, PostgreSQL): `write()` stages its rollup rows first, and only
    then are its new hours locked and claimed, just before the held writes run, so
    another ingester covering the same hours waits for this one's last statements, not
    its whole writing. If a claimed hour holds tracked uses to take back (beacons came
    first), the staged rows are dropped and written again with the take-back."""
    fresh = rollup.log_hours - stored_log_hours(conn, rollup.log_hours)
    before = mark(conn)
    write()
    lock_hours(conn, claimed=fresh, watched=set())
    new_hours = claim_log_hours(conn, fresh)
    if new_hours and _take_back(conn, rollup, new_hours):
        drop_since(conn, before)
        write()


def count_as_before(rollup: UsageRollup) -> None:
    """Count each of the batch's tracked uses whole, as stores written before this rule
    did: the hourly rebuild of such a store (store.hourly_rebuild) then agrees with the
    daily rows it already has."""
    for use in rollup.tracked:
        ts, media_id, _kind, etype, device, ref_host, country, user, requests, nbytes, status = use
        deltas = _counted_whole(user, requests, nbytes, status)
        _add_use_delta(rollup, ts, media_id, etype, device, ref_host, country, user, deltas)
    rollup.tracked = []


def _counted_whole(user_type: str, requests: int, nbytes: int, status: int | None) -> list[int]:
    """A tracked use's deltas (uses, requests, bytes, errors, not_modified) when it counts
    as the log would have counted it: an error is no use; a crawler's is one crawler
    request and nothing else."""
    if user_type == "bot":
        return [0, 1, 0, 0, 0]
    error = int(status is not None and status >= 400)
    return [1 - error, requests, nbytes, error, int(status == 304)]


def _take_back(conn: sqlite3.Connection, rollup: UsageRollup, hours: Collection[int]) -> bool:
    """Subtract what tracked uses added in `hours` (now covered by a log) and forget it;
    whether there was any."""
    found = [
        row
        for row in conn.execute(
            "SELECT hour, media_id, event_type, device, referrer_host, country, user_type, "
            "kind, uses, requests, bytes, errors, not_modified FROM uncovered_uses "
            "WHERE hour BETWEEN ? AND ?",
            (min(hours), max(hours)),
        )
        if row[0] in hours
    ]
    for hour, media_id, etype, device, ref_host, country, user, kind, *totals in found:
        deltas = [-value for value in totals]
        if kind == "document":
            deltas[0] = 0  # the view of a document preview stays (see the module docstring)
        _add_use_delta(
            rollup, hour * 3600, media_id, etype, device, ref_host, country or None, user, deltas
        )
        rollup.kinds_touched[media_id] = kind
        rollup.took_back = True
    if found:
        conn.executemany(
            "DELETE FROM uncovered_uses WHERE hour = ?", [(hour,) for hour in sorted(hours)]
        )
    return bool(found)


def _add_use_delta(
    rollup: UsageRollup,
    ts: int,
    media_id: int,
    etype: str,
    device: str,
    ref_host: str,
    country: str | None,
    user_type: str,
    deltas: Sequence[int],
) -> None:
    """Add (or, negative, take back) a tracked use's counts to the batch's rollup:
    `deltas` is (uses, requests, bytes, errors, not_modified). First and last use are
    not touched: a tracked use marks its file as used whether it counts or not. A
    crawler's `requests` are crawler requests (and its breakdown's user_type 'bot')."""
    uses, requests, nbytes, errors, not_modified = deltas
    slot = hour_of(ts)
    vector = rollup.metrics.get((media_id, slot))
    if vector is None:
        vector = rollup.metrics[(media_id, slot)] = [0] * WIDTH
    if user_type == "bot":
        vector[BOT] += requests
        rollup.breakdown[(media_id, slot, "user_type", "bot")] += requests
        return
    vector[REQ] += requests
    vector[BYTES] += nbytes
    vector[ERRORS] += errors
    vector[NOT_MOD] += not_modified
    vector[DOWNLOADS if etype == "download" else VIEWS] += uses
    if uses:
        rollup.uses[(media_id, slot, device, ref_host, country, user_type)] += uses


def prune_emptied_breakdowns(
    conn: sqlite3.Connection,
    breakdown: Mapping[tuple[int, str, str, str], int],
    kinds: Mapping[int, str],
    kind_rows: Mapping[tuple[str, str, str, str], int],
) -> None:
    """Delete the breakdown rows a take-back left at 0, so that a figure reads the same
    as if the tracked use had never counted (no 'FR: 0' country row). `kind_rows` are
    the batch's rows kept per kind only (hour, weekday)."""
    emptied = [key for key, count in in_key_order(conn, breakdown) if count <= 0]
    emptied_kinds = {key for key, count in kind_rows.items() if count <= 0}
    emptied_kinds |= {
        (kinds.get(media_id, "other"), day, dimension, value)
        for media_id, day, dimension, value in emptied
    }
    # after the upserts, which a scope may hold back (store.held_writes)
    run_or_hold_many(
        conn,
        "DELETE FROM usage_breakdown WHERE media_id = ? AND date = ? AND dimension = ? "
        "AND value = ? AND count <= 0",
        emptied,
    )
    run_or_hold_many(
        conn,
        "DELETE FROM kind_breakdown WHERE kind = ? AND date = ? AND dimension = ? "
        "AND value = ? AND count <= 0",
        sorted(emptied_kinds),
    )
