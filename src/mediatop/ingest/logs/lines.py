"""Turning access-log lines into raw event rows, rollup deltas, misses and rejects.

One `LineBatch` collects what a batch of lines becomes; nothing here touches the
store, so the same code runs in the ingesting process or in a parse worker. Per line:
parse with the format, keep GET/HEAD requests under a media URL prefix, map the URL
to a file (misses and refused paths are counted, not dropped), classify the user
agent, and make the session key: a salted blake2b of IP + UA (the IP is never kept).
Every accepted line becomes one `UsageRow`, whichever path read it, and the batch's
rows are accounted by the one `UsageRollup.add`. A miss is counted per path and day,
people and crawlers apart, and apart by whether the server answered it below 400 (it
served the file from outside the library). Malformed lines are counted per reason with
a few samples; they never raise.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.fields import (
    MAX_RESPONSE_BYTES,
    MINUTE_SECONDS,
    BadLine,
    Clock,
    cache_status,
    mask_addresses,
    seconds_to_ms,
)
from mediatop.ingest.logs.logformat import LogFormat
from mediatop.ingest.logs.reading import MAX_LINE_BYTES
from mediatop.ingest.logs.urlmap import Mapped, UrlMapper
from mediatop.store.rollups import HEAD, UsageRollup, hour_of
from mediatop.store.storable import storable_text
from mediatop.store.usage_row import UsageRow

SAMPLES_PER_REASON = 5
# A miss's key: (path, hour slot "YYYY-MM-DDTHH", is_bot 0/1, served 0/1: answered below 400)
MissKey = tuple[bytes, str, int, int]
_SPACED_STATUSES = {f" {status} ": status for status in range(100, 600)}
# A size of this many digits or more may be over MAX_RESPONSE_BYTES: the general path checks it.
_SIZE_DIGITS = len(str(MAX_RESPONSE_BYTES))
_MEDIA_ID, _IS_BOT = itemgetter(0), itemgetter(10)
# A line cut short when read (over MAX_LINE_BYTES) keeps at least this many characters,
# however its bytes decode; no server writes a line this long.
LONGEST_LINE = MAX_LINE_BYTES // 4


@dataclass
class ParsedBatch:
    """What a batch of lines became, ready to be written in one transaction."""

    rows: list[UsageRow]
    rollup: UsageRollup
    kinds: dict[int, str]
    misses: Counter[MissKey]
    miss_status: dict[tuple[bytes, str], int]
    rejects: Counter[str]
    samples: dict[str, list[str]]
    counts: Counter[str]
    # whether any row has one of the optional fields (user, country, timing, cache)
    optional_fields: bool

    def summary(self) -> ParsedBatch:
        """Only the tallies (counts and rejects) of a batch that has been written: what a
        worker process sends back."""
        return ParsedBatch(
            [], UsageRollup(), {}, Counter(), {}, self.rejects, {}, self.counts, False
        )


class LineBatch:
    """Everything one batch of lines becomes (see the module docstring)."""

    def __init__(self, fmt: LogFormat, mapper: UrlMapper, salt: bytes) -> None:
        self.fmt = fmt
        self.mapper = mapper
        self.salt = salt
        self.clock = Clock()
        # user agent -> ip -> session key (hashing the two apart is cheaper than joining)
        self._sessions: dict[str, dict[str, str]] = {}
        self._strings: dict[str, str] = {}
        # hot path caches: request line -> where it leads, user agent -> what it is
        self._requests: dict[str, Mapped] = {}
        self._agents: dict[str, tuple[str, str, int, dict[str, str]]] = {}
        self._hot_sessions = 0
        self._time = {"local": self.clock.local, "iso": Clock.iso, "msec": Clock.msec}[
            fmt.time_kind
        ]
        self.reset()

    def reset(self) -> None:
        """Start a new batch (keeps the caches)."""
        self.rows: list[UsageRow] = []
        self.optional_fields = False
        self.rollup = UsageRollup()
        self.kinds: dict[int, str] = {}
        self.misses: Counter[MissKey] = Counter()
        self.miss_status: dict[tuple[bytes, str], int] = {}
        self.rejects: Counter[str] = Counter()
        self.samples: dict[str, list[str]] = {}
        self.counts: Counter[str] = Counter()

    def result(self) -> ParsedBatch:
        """The current batch's outcome (call `reset` before the next batch)."""
        return ParsedBatch(
            self.rows, self.rollup, self.kinds, self.misses, self.miss_status, self.rejects,
            self.samples, self.counts, self.optional_fields,
        )  # fmt: skip

    def session_of(self, ip: str, agent: str) -> str:
        by_ip = self._sessions.get(agent)
        if by_ip is None:
            if len(self._sessions) > 20_000:
                self._sessions.clear()
            by_ip = self._sessions[agent] = {}
        found = by_ip.get(ip)
        if found is None:
            if len(by_ip) > 50_000:
                by_ip.clear()
            key = ip + "\x00" + agent
            digest = hashlib.blake2b(
                key.encode("utf-8", "surrogateescape"), digest_size=8, key=self.salt
            )
            found = by_ip[ip] = digest.hexdigest()
        return found

    def reject(self, reason: str, line: str) -> None:
        self.rejects[reason] += 1
        kept = self.samples.setdefault(reason, [])
        if len(kept) < SAMPLES_PER_REASON:
            kept.append(storable_text(mask_addresses(line)) or "")

    def add_lines(self, lines: list[str]) -> None:
        """Account a list of lines (without their newlines): their rows, then the rows'
        rollup deltas."""
        self.counts["lines"] += len(lines)
        if lines and max(map(len, lines)) >= LONGEST_LINE:
            lines = self._without_too_long(lines)
        if len(self._strings) > 20_000:
            self._strings.clear()
        first = len(self.rows)
        if self.fmt.name == "combined":
            self._add_plain_combined(lines)
        else:
            self._add_general(lines)
        rows = self.rows[first:]
        all_kinds = self.mapper.kinds
        for media_id in set(map(_MEDIA_ID, rows)):
            self.kinds[media_id] = all_kinds[media_id]
        self.rollup.add(rows, all_kinds)
        self.counts["accepted"] += len(rows)
        self.counts["bots"] += sum(map(_IS_BOT, rows))

    def _without_too_long(self, lines: list[str]) -> list[str]:
        """The lines shorter than LONGEST_LINE. A longer one is unparsable and never
        parsed: cut short, its head may still look like a line, with a field of a MiB."""
        kept = []
        for line in lines:
            if len(line) < LONGEST_LINE:
                kept.append(line)
            else:
                self.reject("unparsable", line)
        return kept

    def _add_plain_combined(self, lines: list[str]) -> None:
        """The fast path: takes only lines whose every field is plain (a 7-part quote
        split, a GET/HEAD request seen before, ASCII status and size, a valid time) and
        makes the row `_add` would make. Hands the others to `_add`, in line order, so a
        batch's rows do not depend on what the caches have seen (a worker process starts
        with cold caches)."""
        requests, agents, append = self._requests, self._agents, self.rows.append
        not_media, last_hour, last_zone, last_epoch = 0, "\x00", "\x00", 0  # no time has NUL
        for line in lines:
            parts = line.split('"')
            if len(parts) != 7 or parts[4] != " " or parts[6]:
                self._add_general((line,))
                continue
            head, request, tail, referrer, _, agent, _ = parts
            mapped = requests.get(request) or self._request_of(request)
            if mapped is None:
                self._add_general((line,))
                continue
            if mapped.status == "other":
                not_media += 1  # most lines of a site's log: pages, scripts, styles
                continue
            # ' 200 1234 ' and '... [time] ' (the general path takes the rest)
            status = _SPACED_STATUSES.get(tail[:5])
            size_text = tail[5:-1]
            left = head.find(" [")
            if (
                status is None or tail[-1] != " " or not size_text.isdigit() or left < 1
                or len(size_text) >= _SIZE_DIGITS or not head.endswith("] ") or not line.isascii()
            ):  # fmt: skip
                self._add_general((line,))
                continue
            # Clock.local inlined, on the time [left + 2 : -2] within the head; a log is
            # in time order, so most lines share the previous line's hour and zone
            seconds = MINUTE_SECONDS.get(head[left + 16 : left + 22])
            if (
                seconds is not None and len(head) == left + 30
                and head.startswith(last_hour, left + 2) and head.endswith(last_zone)
            ):  # fmt: skip
                ts = last_epoch + seconds
            elif (found := self._time_of_head(head, left, seconds)) is not None:
                ts, last_hour, last_zone, last_epoch = found
            else:
                self._add_general((line,))
                continue
            known = agents.get(agent) or self._agent_of(agent)
            if mapped.status == "miss":
                self._miss(mapped.path, ts, status, known[2])
                continue
            # sessions by 'ip ident user', which is the IP but for a rare ident or user
            client = head[:left]
            session = known[3].get(client)
            if session is None:
                session = self._hot_session(known[3], client, head[: head.find(" ")], agent)
            append(
                (mapped.media_id, mapped.event_type, session,
                 referrer if referrer != "-" and referrer else None, known[0], ts,
                 "log", status, int(size_text), known[1], known[2], None, None, None, None,
                 None)
            )  # fmt: skip
        self.counts["not_media"] += not_media

    def _time_of_head(
        self, head: str, left: int, seconds: int | None
    ) -> tuple[int, str, str, int] | None:
        """The time of a plain line whose hour or zone is not the previous line's, and the
        shortcut for the lines after it (its hour text, its zone text and the hour's
        epoch); None when the time is not valid (the general path rejects the line)."""
        hour_key = head[left + 2 : left + 16] + head[left + 22 : -2]
        hour = self.clock.hours.get(hour_key)
        ts = hour + seconds if hour is not None and seconds is not None else None
        if ts is None and (ts := self._new_hour(head[left + 2 : -2])) is None:
            return None
        if seconds is None or len(head) != left + 30:  # not the usual 26-character time
            return ts, "\x00", "\x00", 0
        return ts, hour_key[:14], head[-8:], ts - seconds

    def _new_hour(self, text: str) -> int | None:
        """The time of a line whose hour the clock has not cached yet (it caches it now),
        or None when it is not a valid time (the general path rejects the line)."""
        try:
            return self.clock.local(text)
        except BadLine:
            return None

    def _request_of(self, request: str) -> Mapped | None:
        """Where a request line leads, when the hot path can take it: a GET/HEAD for a URL
        the mapper has seen, to a library file, a file it does not have, or off the media
        prefixes. Cached."""
        first = request.find(" ")
        last = request.rfind(" ")
        method = request[:first]
        if first < 1 or last <= first or (method != "GET" and method != "HEAD"):
            return None
        mapped = self.mapper.cache.get(request[first + 1 : last])
        if (
            mapped is None
            or mapped.status not in ("media", "miss", "other")
            or not request.isascii()
        ):
            return None
        if method == "HEAD" and mapped.status == "media":
            mapped = replace(mapped, event_type=HEAD)
        if len(self._requests) > 50_000:
            self._requests.clear()
        self._requests[request] = mapped
        return mapped

    def _hot_session(self, by_client: dict[str, str], client: str, ip: str, agent: str) -> str:
        """The session key of an IP and agent, remembered for the hot path (at most
        100,000 in all, then they are forgotten)."""
        self._hot_sessions += 1
        if self._hot_sessions > 100_000:
            self._hot_sessions = 0
            for known in self._agents.values():
                known[3].clear()
        found = by_client[client] = self.session_of(ip, agent)
        return found

    def _agent_of(self, agent: str) -> tuple[str, str, int, dict[str, str]]:
        """(the agent as stored, device class, is_bot as 0/1, its session keys by
        'ip ident user'). Cached."""
        if len(self._agents) > 20_000:
            self._agents.clear()
        device, is_bot = device_of(agent)
        shown = self._strings.setdefault(agent, agent)
        found = self._agents[agent] = (shown, device, int(is_bot), {})
        return found

    def _add_general(self, lines: Iterable[str]) -> None:
        counts = self.counts
        parse = self.fmt.parse
        for line in lines:
            fields = parse(line)
            if fields is None:
                if line.strip():
                    self.reject("unparsable", line)
                else:
                    counts["blank"] += 1
                continue
            try:
                self._add(fields)
            except BadLine as exc:
                self.reject(str(exc.args[0]), line)

    def _add(self, fields: Any) -> None:
        ip, when, request, status_text, size_text, referrer, agent, rtime, cache, country, cd = (
            fields
        )
        target = self._target(request, status_text, size_text)
        if target is None:
            return
        method, mapped, status, size = target
        ts = self._time(when)
        strings = self._strings
        if agent is not None:
            shown = storable_text(agent) or ""
            agent = strings.setdefault(shown, shown)
        device, is_bot = device_of(agent)
        if mapped.status == "miss":
            self._miss(mapped.path, ts, status, is_bot)
            return
        if referrer == "-" or referrer == "":
            referrer = None
        elif referrer is not None:
            shown = storable_text(referrer) or ""
            referrer = strings.setdefault(shown, shown)
        etype = mapped.event_type
        if method == "HEAD":
            etype = HEAD
        elif cd is not None and "attachment" in cd.lower():
            etype = "download"
        server_ms = seconds_to_ms(rtime) if rtime is not None else None
        cache_value = cache_status(cache) if cache is not None else None
        if country is not None and (country in ("-", "") or len(country) > 8):
            country = None
        if country is not None or server_ms is not None or cache_value is not None:
            self.optional_fields = True
        self.rows.append(
            (mapped.media_id, etype, self.session_of(ip, agent or ""), referrer, agent, ts,
             "log", status, size, device, int(is_bot), None, country, server_ms, None,
             cache_value)
        )  # fmt: skip

    def _target(
        self, request: str, status_text: str, size_text: str
    ) -> tuple[str, Mapped, int, int] | None:
        """(method, where the URL leads, status, bytes) of a request for a library file or
        a miss; None (counted) for another method or a URL off the media prefixes.
        Raises BadLine for what cannot be used."""
        method, _, rest = request.partition(" ")
        url = rest.rpartition(" ")[0] if rest.count(" ") else rest
        if not url or not method.isalpha():
            raise BadLine("bad_request")
        if method != "GET" and method != "HEAD":
            self.counts["not_get"] += 1
            return None
        mapped = self.mapper.lookup(url)
        if mapped.status == "other":
            self.counts["not_media"] += 1
            return None
        if mapped.status == "refused":
            raise BadLine("refused_path")
        if not (len(status_text) == 3 and status_text.isascii() and status_text.isdigit()) or (
            status_text[0] not in "12345"
        ):
            raise BadLine("bad_status")
        if size_text == "-":
            return method, mapped, int(status_text), 0
        if size_text.isascii() and size_text.isdigit() and len(size_text) <= _SIZE_DIGITS:
            size = int(size_text)
            if size <= MAX_RESPONSE_BYTES:
                return method, mapped, int(status_text), size
        raise BadLine("bad_bytes")

    def _miss(self, path: bytes, ts: int, status: int, is_bot: bool | int) -> None:
        """Count a request for a media path the library does not have."""
        slot = hour_of(ts)
        served = int(status < 400)
        self.misses[(path, slot, int(is_bot), served)] += 1
        self.miss_status[(path, slot)] = status
        self.counts["misses"] += 1
        self.counts["bot_misses"] += int(is_bot)
        self.counts["served_misses"] += served
