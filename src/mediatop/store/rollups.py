"""Usage rollups: per-batch deltas aggregated in memory, then upserted in one transaction.

What counts (DESIGN.md "Domain notes"); every raw event row is kept, these rules only
decide what the rollups say:

- Crawlers (`is_bot`) count in `bot_requests` only: never in requests, views,
  downloads, bytes, latency or breakdowns (except the breakdown user_type 'bot').
- `requests` are human HTTP requests (sources 'log' and 'beacon'); tracked clicks,
  shares and views (sources 'track', 'import') are interactions, not requests.
- A status >= 400 is an `error`, never a view or download.
- A HEAD request (event type 'head') is a request, never a view, download or use.
- A 304 is a view (or download) served from the browser's cache: `not_modified` + 1,
  0 bytes.
- For video, audio and documents from the access log, a visitor's (session key)
  successful requests for one file collapse into ONE view or download while each
  follows the previous one within 30 minutes (players and PDF viewers fetch a file in
  many 206 range requests). The last-seen time per (session, file) is kept in
  `view_windows`, so the count does not depend on how the log was split into batches
  or runs (as long as it is read in time order).
- A tracked or beacon view counts only in an hour no access log covers;
  in a covered hour it was the log's request and brings only its client time
  (`mediatop.store.log_coverage` keeps that state in the store).
- Server time (`$request_time`) and client time (Resource Timing beacons) are summed
  and bucketed apart (latency_histogram source 'server' / 'client').
- Cache hits/misses come only from evidence (`cache_status` 'hit' / 'miss'); with none,
  both stay 0 and `cache_hit_rate` stays NULL.
- `file_totals.last_used` / `first_used` = latest / earliest counted human view,
  download, click or share, or tracked view (counted or not).
- usage_breakdown counts counted uses (after collapse) by device, referrer host,
  country and user_type (anonymous / known); kind_breakdown sums those per kind and
  adds hour (UTC) and weekday (0 = Monday), which no report reads per file.
- Deltas are kept per UTC hour; `flush` writes them to the hourly rollups
  (`mediatop.store.rollup_hourly`) and, summed per day, to the daily ones.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mediatop.store.dialect import is_postgres
from mediatop.store.held_writes import holds_writes
from mediatop.store.histogram import bucket_of
from mediatop.store.lock_order import in_key_order
from mediatop.store.rollup_hourly import (
    counts_by_day,
    ranges_by_day,
    split_uses,
    times_by_kind,
    upsert_hourly,
    vectors_by_day,
)
from mediatop.store.rollup_upserts import (
    upsert_kind_breakdown,
    upsert_kind_daily,
    upsert_latency,
    upsert_metrics,
    upsert_totals,
)
from mediatop.store.rollups_vector import (
    BOT,
    BYTES,
    CLICKS,
    CT_N,
    CT_SUM,
    DOWNLOADS,
    ERRORS,
    HITS,
    MISSES,
    NOT_MOD,
    REQ,
    SHARES,
    ST_N,
    ST_SUM,
    VIEWS,
    WIDTH,
)  # fmt: skip
from mediatop.store.upsert_many import upsert_many, upsert_rows
from mediatop.store.usage_row import UsageRow
from mediatop.store.window_prune import delete_stale_windows, delete_windows_before

if TYPE_CHECKING:
    from mediatop.store.log_coverage import TrackedUse

VIEW_WINDOW_S = 30 * 60
COLLAPSED_KINDS = frozenset(("video", "audio", "document"))
HEAD = "head"  # the event type of a HEAD request: a request, never a view or download
REQUEST_SOURCES = frozenset(("log", "beacon"))
# what a tracked event or beacon may double: the view the log counted for its request
TRACKED_USES = frozenset(("view",))

_USE_INDEX = {"view": VIEWS, "download": DOWNLOADS, "click": CLICKS, "share": SHARES}

_HOURS: dict[int, str] = {}
_HOSTS: dict[str | None, str] = {}


def hour_of(ts: int) -> str:
    """The rollup slot of a timestamp: 'YYYY-MM-DDTHH', its UTC hour, cached per hour.
    Deltas are kept per hour; `flush` writes them to the hourly rollups and, summed per
    day, to the daily ones."""
    number = ts // 3600
    found = _HOURS.get(number)
    if found is None:
        found = _HOURS[number] = datetime.fromtimestamp(number * 3600, UTC).strftime("%Y-%m-%dT%H")
    return found


def referrer_host(referrer: str | None) -> str:
    """The host of a referrer URL, '(direct)' when there is none, '(other)' if unparsable."""
    found = _HOSTS.get(referrer)
    if found is None:
        if not referrer or referrer == "-":
            found = "(direct)"
        else:
            try:
                found = (urlsplit(referrer).hostname or "(other)")[:200]
            except ValueError:
                found = "(other)"
        if len(_HOSTS) > 50_000:
            _HOSTS.clear()
        _HOSTS[referrer] = found
    return found


class UsageRollup:
    """Rollup deltas for one batch of usage events (see the module docstring)."""

    def __init__(self) -> None:
        self.metrics: dict[tuple[int, str], list[float]] = {}
        self.first_used: dict[int, int] = {}
        self.last_used: dict[int, int] = {}
        self.breakdown: Counter[tuple[int, str, str, str]] = Counter()
        # (media_id, hour slot, device, referrer host, country, user type): the hour of
        # day and weekday follow from the slot, and are split out at flush
        self.uses: Counter[tuple[int, str, str, str, str | None, str]] = Counter()
        self.latency: Counter[tuple[int, str, str, int]] = Counter()
        # the same keys -> (smallest, largest) ms seen: percentiles stay inside them
        self.latency_range: dict[tuple[int, str, str, int], tuple[float, float]] = {}
        # (ts, session, media_id, etype, device, ref_host, country, user_type): video,
        # audio and document log uses waiting for the collapse rule, resolved in time order.
        self.pending: list[tuple[int, str, int, str, str, str, str | None, str]] = []
        # hours (epoch // 3600) this batch's log rows cover, and tracked views waiting
        # for the rule on covered hours (store.log_coverage)
        self.log_hours: set[int] = set()
        self.tracked: list[TrackedUse] = []
        self.kinds_touched: dict[int, str] = {}
        self.took_back = False
        # (before, keys): the view windows older than `before` that resolve_collapse found,
        # in key order, for prune_windows
        self.stale_windows: tuple[int, list[tuple[str, int]]] = (0, [])

    def add(self, rows: Iterable[UsageRow], kinds: Mapping[int, str]) -> None:
        """Account raw event rows by the rules above: the one way every source's events
        reach the rollups (`kinds` maps each media_id to its kind). One loop without a
        call per ordinary row: ingest runs it for every accepted log line."""
        metrics, uses, breakdown, pending = self.metrics, self.uses, self.breakdown, self.pending
        last_used, first_used = self.last_used, self.first_used
        add_hour, hours, hosts = self.log_hours.add, _HOURS, _HOSTS
        log_hour = -1  # the last hour added to log_hours: a log's rows come in time order
        for row in rows:
            (media_id, etype, session, referrer, _agent, ts, source, status, nbytes, device,
             bot, user_id, country, server_ms, client_ms, cache) = row  # fmt: skip
            hour = ts // 3600
            slot = hours.get(hour) or hour_of(ts)
            vector = metrics.get((media_id, slot))
            if vector is None:
                vector = metrics[(media_id, slot)] = [0] * WIDTH
            if source == "log":
                if hour != log_hour:
                    add_hour(hour)
                    log_hour = hour
            elif etype in TRACKED_USES:
                # counted or not by resolve_coverage, once the covered hours are known
                self._track(row, kinds.get(media_id, "other"), slot, vector)
                continue
            if bot:
                vector[BOT] += 1
                breakdown[(media_id, slot, "user_type", "bot")] += 1
                continue
            if server_ms is not None or client_ms is not None or cache is not None:
                self._add_timing(media_id, slot, vector, server_ms, client_ms, cache)
            if source == "log" or source in REQUEST_SOURCES:
                vector[REQ] += 1
            if nbytes:
                vector[BYTES] += nbytes
            if status is not None and status >= 400:
                vector[ERRORS] += 1
                continue
            if etype == HEAD:
                continue
            if status == 304:
                vector[NOT_MOD] += 1
            ref_host = hosts.get(referrer) or referrer_host(referrer)
            user_type = "known" if user_id else "anonymous"
            if session and source == "log" and kinds.get(media_id) in COLLAPSED_KINDS:
                pending.append((ts, session, media_id, etype, device or "other", ref_host,
                                country, user_type))  # fmt: skip
                continue
            vector[VIEWS if etype == "view" else _USE_INDEX.get(etype, VIEWS)] += 1
            # first_used <= last_used always: a later use moves only the last
            last = last_used.get(media_id, -1)
            if ts > last:
                last_used[media_id] = ts
                if last < 0 and ts < first_used.get(media_id, 1 << 62):
                    first_used[media_id] = ts
            elif ts < first_used.get(media_id, 1 << 62):
                first_used[media_id] = ts
            key = (media_id, slot, device or "other", ref_host, country, user_type)
            uses[key] = uses.get(key, 0) + 1  # not +=: a new key would call Counter.__missing__

    def _track(self, row: UsageRow, kind: str, slot: str, vector: list[float]) -> None:
        """Hold a tracked or beacon view for `resolve_coverage`, keeping its timing and
        marking the file used (an error marks nothing). A crawler's is held too, as a
        crawler request the log may already have counted: no timing, no use."""
        (media_id, etype, _session, referrer, _agent, ts, source, status, nbytes, device,
         bot, user_id, country, server_ms, client_ms, cache) = row  # fmt: skip
        user_type = "bot" if bot else "known" if user_id else "anonymous"
        self.tracked.append((ts, media_id, kind, etype, device or "other",
                             referrer_host(referrer), country, user_type,
                             int(source in REQUEST_SOURCES), nbytes or 0, status))  # fmt: skip
        if bot:
            return
        self._add_timing(media_id, slot, vector, server_ms, client_ms, cache)
        if status is None or status < 400:
            self._mark_used(media_id, ts)

    def _add_timing(
        self,
        media_id: int,
        slot: str,
        vector: list[float],
        server_ms: float | None,
        client_ms: float | None,
        cache: str | None,
    ) -> None:
        """Server and client time and cache evidence: kept from every human event."""
        if server_ms is not None:
            vector[ST_SUM] += server_ms
            vector[ST_N] += 1
            self._time((media_id, slot, "server", bucket_of(server_ms)), server_ms)
        if client_ms is not None:
            vector[CT_SUM] += client_ms
            vector[CT_N] += 1
            self._time((media_id, slot, "client", bucket_of(client_ms)), client_ms)
        if cache == "hit":
            vector[HITS] += 1
        elif cache == "miss":
            vector[MISSES] += 1

    def _time(self, key: tuple[int, str, str, int], ms: float) -> None:
        """Count one duration in its latency bucket and widen the bucket's range."""
        self.latency[key] += 1
        seen = self.latency_range.get(key)
        self.latency_range[key] = (ms, ms) if seen is None else (min(seen[0], ms), max(seen[1], ms))

    def _count_uses(
        self, counted: list[tuple[int, str, int, str, str, str, str | None, str]]
    ) -> None:
        """Count uses that the collapse let through: (ts, session, media_id, event type,
        device, referrer host, country, user type), as `add` counts any other use."""
        metrics, uses, last_used, first_used = (
            self.metrics, self.uses, self.last_used, self.first_used
        )  # fmt: skip
        for ts, _session, media_id, etype, device, ref_host, country, user_type in counted:
            slot = _HOURS.get(ts // 3600) or hour_of(ts)
            metrics[(media_id, slot)][_USE_INDEX.get(etype, VIEWS)] += 1
            if ts > last_used.get(media_id, -1):
                last_used[media_id] = ts
            if ts < first_used.get(media_id, 1 << 62):
                first_used[media_id] = ts
            # one counter per combination; split into the breakdown dimensions at flush
            key = (media_id, slot, device, ref_host, country, user_type)
            uses[key] = uses.get(key, 0) + 1

    def _mark_used(self, media_id: int, ts: int) -> None:
        """Widen the file's first and last use to `ts`."""
        if ts > self.last_used.get(media_id, -1):
            self.last_used[media_id] = ts
        if ts < self.first_used.get(media_id, 1 << 62):
            self.first_used[media_id] = ts

    def breakdown_rows(self) -> Counter[tuple[int, str, str, str]]:
        """usage_breakdown deltas per file and day: bot counts plus every use split by
        dimension."""
        return split_uses(self.uses, self.breakdown)

    def resolve_collapse(self, conn: sqlite3.Connection) -> None:
        """Apply the 30-minute collapse to pending video/audio/document uses, in time order.

        Reads and writes view_windows in the caller's transaction. The entries older than
        one window before the newest time seen go: on SQLite at once, in that transaction
        (one writer at a time); on PostgreSQL `prune_windows` deletes them after it, in key
        order (see `mediatop.store.lock_order`).
        """
        if not self.pending:
            return
        self.pending.sort()
        keys = {(p[1], p[2]) for p in self.pending}
        cutoff = self.pending[-1][0] - VIEW_WINDOW_S  # a window before the newest use
        last_seen: dict[tuple[str, int], int] = {}
        stale: list[tuple[str, int]] = []
        for session, media_id, last_at in conn.execute(
            "SELECT session_id, media_id, last_at FROM view_windows"
        ):
            if (session, media_id) in keys:
                last_seen[(session, media_id)] = last_at
            elif last_at < cutoff:
                stale.append((session, media_id))
        counted = []
        for use in self.pending:
            ts, key = use[0], (use[1], use[2])
            previous = last_seen.get(key)
            if previous is None:
                last_seen[key] = ts
            else:
                if ts > previous:
                    last_seen[key] = ts
                if 0 <= ts - previous <= VIEW_WINDOW_S or ts < previous:
                    # within the window of the last request, or an out-of-order line
                    # inside a window already counted
                    continue
            counted.append(use)
        self._count_uses(counted)
        self.pending = []
        kept = [(s, m, t) for (s, m), t in in_key_order(conn, last_seen) if t >= cutoff]
        upsert_rows(
            conn,
            "INSERT INTO view_windows AS stored (session_id, media_id, last_at) VALUES (?, ?, ?) "
            "ON CONFLICT(session_id, media_id) DO UPDATE SET "
            "last_at = CASE WHEN excluded.last_at > stored.last_at THEN excluded.last_at "
            "ELSE stored.last_at END",
            kept,
        )
        # the batch's own keys too, when even their newest use is a window old
        stale += [key for key, t in last_seen.items() if t < cutoff]
        if is_postgres(conn):  # after the batch's transaction, in key order: prune_windows
            self.stale_windows = (cutoff, sorted(stale))
        elif stale:
            delete_windows_before(conn, cutoff)

    def prune_windows(self, conn: sqlite3.Connection) -> None:
        """Delete the view windows `resolve_collapse` left for later: on PostgreSQL, in the
        caller's transaction, which should be one of its own (a prune in the batch's
        transaction would lock view_windows rows in a second pass, out of key order); on
        SQLite there are none."""
        before, stale = self.stale_windows
        self.stale_windows = (0, [])
        delete_stale_windows(conn, stale, before)

    def flush(self, conn: sqlite3.Connection, kinds: Mapping[int, str], now: int) -> None:
        """Upsert every delta into the rollup tables (caller's transaction).

        Resolves the collapse and the tracked views (`store.log_coverage`) first; a
        batch of log rows alone whose writes are held (store.held_writes) claims its
        hours last instead. `kinds` maps each media_id to its kind.
        """
        # imported here: log_coverage builds on this module
        from mediatop.store.log_coverage import claim_hours_last, resolve_coverage

        self.resolve_collapse(conn)
        if self.tracked or not holds_writes(conn):
            resolve_coverage(conn, self)
            self._write(conn, kinds, now)
        else:
            claim_hours_last(conn, self, lambda: self._write(conn, kinds, now))

    def _write(self, conn: sqlite3.Connection, kinds: Mapping[int, str], now: int) -> None:
        """Upsert the deltas, as they stand, into every rollup table (key order)."""
        from mediatop.store.log_coverage import prune_emptied_breakdowns

        if self.kinds_touched:  # files whose tracked uses were counted or taken back
            kinds = {**kinds, **self.kinds_touched}
        # Deltas are per hour slot: the daily rollups get them summed per day.
        daily = vectors_by_day(self.metrics)
        upsert_metrics(conn, daily, now)
        upsert_totals(conn, daily, self.first_used, self.last_used)
        upsert_kind_daily(conn, daily, kinds)
        upsert_latency(conn, counts_by_day(self.latency), ranges_by_day(self.latency_range), kinds)
        breakdown = self.breakdown_rows()
        upsert_many(
            conn,
            "INSERT INTO usage_breakdown AS stored (media_id, date, dimension, value, count)",
            5,
            "ON CONFLICT(media_id, date, dimension, value) "
            "DO UPDATE SET count = stored.count + excluded.count",
            [(*key, count) for key, count in in_key_order(conn, breakdown)],
        )
        times = times_by_kind(self.uses, kinds)
        upsert_kind_breakdown(conn, breakdown, kinds, times)
        if self.took_back:
            prune_emptied_breakdowns(conn, breakdown, kinds, times)
        upsert_hourly(
            conn, self.metrics, self.latency, self.latency_range, self.uses, self.breakdown, kinds
        )
