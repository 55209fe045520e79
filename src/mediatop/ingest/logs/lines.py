"""Turning access-log lines into raw event rows, rollup deltas, misses and rejects.

One `LineBatch` collects what a batch of lines becomes; nothing here touches the
store, so the same code runs in the ingesting process or in a parse worker. Per line:
parse with the format, keep GET/HEAD requests under a media URL prefix, map the URL
to a file (misses and refused paths are counted, not dropped), classify the user
agent, and make the session key: a salted blake2b of IP + UA (the IP is never kept).
A miss is counted per path and day, people and crawlers apart, and apart by whether
the server answered it below 400 (it served the file from outside the library).
Malformed lines are counted per reason with a few samples; they never raise.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.logformat import LogFormat
from mediatop.ingest.logs.urlmap import Mapped, UrlMapper
from mediatop.store.events import LogRow, PlainLogRow
from mediatop.store.rollups import HEAD, UsageRollup, hour_of

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
)}  # fmt: skip
_HIT = frozenset(("hit", "stale", "updating", "revalidated"))
_MISS = frozenset(("miss", "expired", "bypass", "dynamic"))
SAMPLES_PER_REASON = 5
# A miss's key: (path, hour slot "YYYY-MM-DDTHH", is_bot 0/1, served 0/1: answered below 400)
MissKey = tuple[bytes, str, int, int]
_SPACED_STATUSES = {f" {status} ": status for status in range(100, 600)}
# ':MM:SS' -> seconds into the hour (SS may be 60, a leap second)
MINUTE_SECONDS = {f":{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(61)}


class BadLine(Exception):
    """A line that cannot be used; args[0] is the reason."""


def cache_status(value: str | None) -> str | None:
    """'hit', 'miss', another raw value lower-cased, or None when the log has no evidence."""
    if not value or value == "-":
        return None
    lowered = value.strip().lower()
    if lowered in _HIT or "hit" in lowered:
        return "hit"
    if lowered in _MISS or "miss" in lowered:
        return "miss"
    return lowered[:40]


class Clock:
    """Log time strings to UTC epoch seconds, caching the per-day and per-hour parts."""

    def __init__(self) -> None:
        self._days: dict[str, int] = {}
        # '10/Oct/2024:13 +0200' -> epoch of that hour; read directly by the hot path
        self.hours: dict[str, int] = {}

    def local(self, text: str) -> int:
        """'10/Oct/2024:13:55:36 +0200' (nginx $time_local, Apache %t)."""
        # Only 26-character times are cached, so a text of another length never finds
        # a key of its own length here (the zone part would be longer or shorter).
        hour = self.hours.get(text[:14] + text[20:])
        seconds = MINUTE_SECONDS.get(text[14:20])
        if hour is not None and seconds is not None:
            return hour + seconds
        return self._local_slow(text)

    def _local_slow(self, text: str) -> int:
        if len(text) != 26 or text[11] != ":" or text[20] != " ":
            raise BadLine("bad_time")
        key = text[:11] + text[20:]
        base = self._days.get(key)
        if base is None:
            try:
                day = datetime(int(text[7:11]), _MONTHS[text[3:6]], int(text[0:2]), tzinfo=UTC)
                sign = 1 if text[21] == "+" else -1
                if text[21] not in "+-":
                    raise ValueError(text)
                offset = sign * (int(text[22:24]) * 3600 + int(text[24:26]) * 60)
            except (KeyError, ValueError) as exc:
                raise BadLine("bad_time") from exc
            base = self._days[key] = int(day.timestamp()) - offset
        try:
            hours, minutes, seconds = int(text[12:14]), int(text[15:17]), int(text[18:20])
        except ValueError as exc:
            raise BadLine("bad_time") from exc
        if hours > 23 or minutes > 59 or seconds > 60 or text[14] != ":" or text[17] != ":":
            raise BadLine("bad_time")
        if len(self.hours) > 4_096:
            self.hours.clear()
        hour = self.hours[text[:14] + text[20:]] = base + hours * 3600
        return hour + minutes * 60 + seconds

    @staticmethod
    def iso(text: str) -> int:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise BadLine("bad_time") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())

    @staticmethod
    def msec(text: str) -> int:
        try:
            return int(float(text))
        except (ValueError, OverflowError) as exc:
            raise BadLine("bad_time") from exc


def _seconds_to_ms(text: str | None) -> float | None:
    """nginx $request_time ('0.123', '-', or '0.1, 0.2' for several upstreams) in ms."""
    if not text or text == "-":
        return None
    try:
        total = sum(float(part) for part in text.replace(" ", "").split(",") if part != "-")
    except ValueError:
        return None
    return total * 1000.0 if total >= 0 and total == total and total < 1e9 else None


_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?:::?[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


def mask_addresses(line: str) -> str:
    """A line with IPv4 and IPv6 addresses replaced by '<ip>' (for reject samples:
    raw IPs are never stored). Clock times like 13:55:36 are left alone."""
    line = _IPV4.sub("<ip>", line)
    return _IPV6.sub(
        lambda m: "<ip>" if "::" in m.group() or m.group().count(":") >= 4 else m.group(), line
    )


def storable_text(text: str | None) -> str | None:
    """Text as it came, except what SQLite cannot store: an undecodable byte (kept as a
    surrogate) becomes \\xNN, and any other lone surrogate (a JSON "\\ud800") \\uXXXX."""
    if text is None or text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class ParsedBatch:
    """What a batch of lines became, ready to be written in one transaction."""

    rows: list[LogRow]
    plain_rows: list[PlainLogRow]
    rollup: UsageRollup
    kinds: dict[int, str]
    misses: Counter[MissKey]
    miss_status: dict[tuple[bytes, str], int]
    rejects: Counter[str]
    samples: dict[str, list[str]]
    counts: Counter[str]

    def summary(self) -> ParsedBatch:
        """Only the tallies (counts and rejects) of a batch that has been written: what a
        worker process sends back."""
        return ParsedBatch([], [], UsageRollup(), {}, Counter(), {}, self.rejects, {}, self.counts)


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
        self.rows: list[LogRow] = []
        self.plain_rows: list[PlainLogRow] = []
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
            self.rows, self.plain_rows, self.rollup, self.kinds, self.misses,
            self.miss_status, self.rejects, self.samples, self.counts,
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
        """Account a list of lines (without their newlines)."""
        self.counts["lines"] += len(lines)
        if len(self._strings) > 20_000:
            self._strings.clear()
        if self.fmt.name == "combined":
            self._add_plain_combined(lines)
        else:
            self._add_general(lines)

    def _add_plain_combined(self, lines: list[str]) -> None:
        """The hot path: ordinary combined lines for media URLs, inlined.

        Takes only lines whose every field is plain (a 7-part quote split, a GET/HEAD
        request seen before, ASCII status and size, a valid time) and accounts them
        exactly as `_add` would; hands the others to the general path. Rows are made in
        line order whichever path takes a line, so a batch's rows do not depend on what
        the caches have seen (a worker process starts with cold caches).
        """
        requests = self._requests
        agents = self._agents
        hours = self.clock.hours
        to_ts = self.clock.local
        rows: list[PlainLogRow] = []
        append = rows.append
        not_media = missed = bot_missed = served_missed = 0
        misses, miss_status = self.misses, self.miss_status

        def general(line: str) -> None:
            if rows:
                self._account_plain(rows)
                rows.clear()
            self._add_general((line,))

        for line in lines:
            parts = line.split('"')
            if len(parts) != 7 or parts[4] != " " or parts[6]:
                general(line)
                continue
            head, request, tail, referrer, _, agent, _ = parts
            mapped = requests.get(request) or self._request_of(request)
            if mapped is None:
                general(line)
                continue
            if mapped.status == "other":
                not_media += 1  # most lines of a site's log: pages, scripts, styles
                continue
            # ' 200 1234 ' (the general path takes any other spacing) and '... [time] '
            status = _SPACED_STATUSES.get(tail[:5])
            size_text = tail[5:-1]
            left = head.find(" [")
            if (
                status is None or tail[-1] != " " or not size_text.isdigit() or left < 1
                or not head.endswith("] ") or not line.isascii()
            ):  # fmt: skip
                general(line)
                continue
            # Clock.local inlined, on the time [left + 2 : -2] within the head
            hour = hours.get(head[left + 2 : left + 16] + head[left + 22 : -2])
            seconds = MINUTE_SECONDS.get(head[left + 16 : left + 22])
            if hour is not None and seconds is not None:
                ts = hour + seconds
            else:
                try:
                    ts = to_ts(head[left + 2 : -2])
                except BadLine:
                    general(line)
                    continue
            known = agents.get(agent) or self._agent_of(agent)
            if mapped.status == "miss":
                slot = hour_of(ts)[0]
                served = int(status < 400)
                misses[(mapped.path, slot, known[2], served)] += 1
                miss_status[(mapped.path, slot)] = status
                missed += 1
                bot_missed += known[2]
                served_missed += served
                continue
            # sessions by 'ip ident user', which is the IP but for a rare ident or user
            client = head[:left]
            session = known[3].get(client)
            if session is None:
                session = self._hot_session(known[3], client, head[: head.find(" ")], agent)
            append(
                (mapped.media_id, mapped.event_type, session,
                 referrer if referrer != "-" and referrer else None, known[0], ts, status,
                 int(size_text), known[1], known[2])
            )  # fmt: skip
        self._account_plain(rows)
        self.counts["not_media"] += not_media
        self.counts["misses"] += missed
        self.counts["bot_misses"] += bot_missed
        self.counts["served_misses"] += served_missed

    def _account_plain(self, rows: list[PlainLogRow]) -> None:
        """Add rows made by the hot path to the batch, with their rollup deltas."""
        all_kinds = self.mapper.kinds
        for media_id in {row[0] for row in rows}:
            self.kinds[media_id] = all_kinds[media_id]
        self.plain_rows.extend(rows)
        self.rollup.add_plain_log_rows(rows, all_kinds)
        self.counts["accepted"] += len(rows)
        self.counts["bots"] += sum(row[9] for row in rows)

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
        method, _, rest = request.partition(" ")
        url = rest.rpartition(" ")[0] if rest.count(" ") else rest
        if not url or not method.isalpha():
            raise BadLine("bad_request")
        if method != "GET" and method != "HEAD":
            self.counts["not_get"] += 1
            return
        mapped = self.mapper.lookup(url)
        if mapped.status == "other":
            self.counts["not_media"] += 1
            return
        if mapped.status == "refused":
            raise BadLine("refused_path")
        if not (len(status_text) == 3 and status_text.isascii() and status_text.isdigit()) or (
            status_text[0] not in "12345"
        ):
            raise BadLine("bad_status")
        status = int(status_text)
        if size_text == "-":
            size = 0
        elif size_text.isascii() and size_text.isdigit():
            size = int(size_text)
        else:
            raise BadLine("bad_bytes")
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
        session = self.session_of(ip, agent or "")
        etype = mapped.event_type
        if method == "HEAD":
            etype = HEAD
        elif cd is not None and "attachment" in cd.lower():
            etype = "download"
        server_ms = _seconds_to_ms(rtime) if rtime is not None else None
        cache_value = cache_status(cache) if cache is not None else None
        if country is not None and (country in ("-", "") or len(country) > 8):
            country = None
        media_id = mapped.media_id
        self.kinds[media_id] = mapped.kind
        if country is None and server_ms is None and cache_value is None:
            self.plain_rows.append(
                (media_id, etype, session, referrer, agent, ts, status, size, device, int(is_bot))
            )
        else:
            self.rows.append(
                (media_id, etype, session, referrer, agent, ts, status, size, device,
                 int(is_bot), country, server_ms, cache_value)
            )  # fmt: skip
        self.rollup.add(
            media_id, mapped.kind, etype, ts, "log", status, size, device, is_bot, referrer,
            country, None, server_ms, None, cache_value, session,
        )  # fmt: skip
        self.counts["accepted"] += 1
        if is_bot:
            self.counts["bots"] += 1

    def _miss(self, path: bytes, ts: int, status: int, is_bot: bool) -> None:
        """Count a request for a media path the library does not have."""
        slot = hour_of(ts)[0]
        served = int(status < 400)
        self.misses[(path, slot, int(is_bot), served)] += 1
        self.miss_status[(path, slot)] = status
        self.counts["misses"] += 1
        self.counts["bot_misses"] += int(is_bot)
        self.counts["served_misses"] += served
