"""Access-log line formats: `combined`, `common`, or any nginx `log_format` string.

A format turns a line into a `Fields` tuple, or None when the line does not fit.
combined and common use a split-on-quotes fast path (about 4x a regex) with a regex
fallback for lines the fast path cannot take (escaped quotes, extra fields). A custom
nginx format is compiled to one anchored regex; the variables mediatop understands
are picked up when present (request time, upstream time, cache status, X-Cache,
CDN country, Content-Disposition) and the rest are matched and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mediatop.errors import LogFormatError

# (ip, time, request, status, bytes, referrer, user_agent, request_time, cache_status,
#  country, content_disposition); absent fields are None.
Fields = tuple[
    str, str, str, str, str, str | None, str | None, str | None, str | None, str | None,
    str | None,
]  # fmt: skip

COMBINED = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent"'
)
COMMON = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'

_QUOTED = r'((?:[^"\\]|\\.)*)'
_COMBINED_RE = re.compile(
    r'^(\S+) \S+ \S+ \[([^\]]*)\] "' + _QUOTED + r'" (\S+) (\S+)'
    r'(?: "' + _QUOTED + r'" "' + _QUOTED + r'")?(?: .*)?$'
)
# $name or ${name}: a "}" closes only a brace the variable opened (`"status":$status}`)
_VARIABLE = re.compile(r"\$(\{)?([A-Za-z0-9_]+)(?(1)\})")
# field index in Fields for each understood variable (first one present wins)
_TARGETS = {
    "remote_addr": 0, "http_x_forwarded_for": 0, "binary_remote_addr": 0,
    "time_local": 1, "time_iso8601": 1, "msec": 1,
    "request": 2, "status": 3, "body_bytes_sent": 4, "bytes_sent": 4,
    "http_referer": 5, "http_user_agent": 6, "request_time": 7,
    "upstream_cache_status": 8, "http_x_cache": 8, "sent_http_x_cache": 8,
    "upstream_http_x_cache": 8, "http_cf_cache_status": 8, "upstream_http_cf_cache_status": 8,
    "http_cf_ipcountry": 9, "geoip_country_code": 9, "geoip2_data_country_code": 9,
    "http_cloudfront_viewer_country": 9,
    "sent_http_content_disposition": 10, "upstream_http_content_disposition": 10,
}  # fmt: skip
_FALLBACK_TIME = {"upstream_response_time": 7}


@dataclass(frozen=True)
class LogFormat:
    """A compiled format: `parse(line)` gives Fields or None; `time_kind` says how the
    time field is written ('local' = [10/Oct/2024:13:55:36 +0000], 'iso', 'msec')."""

    name: str
    parse: Callable[[str], Fields | None]
    time_kind: str
    has_request_time: bool
    has_cache_status: bool


def _parse_combined_regex(line: str) -> Fields | None:
    match = _COMBINED_RE.match(line)
    if match is None:
        return None
    ip, time_local, request, status, size, referrer, agent = match.groups()
    return (ip, time_local, request, status, size, referrer, agent, None, None, None, None)


def _parse_fast(line: str) -> Fields | None:
    """combined (and common, which is combined without the last two fields)."""
    parts = line.split('"')
    count = len(parts)
    if count == 7 or (count > 7 and count % 2 == 1 and parts[6].startswith(" ")):
        if parts[4] != " ":
            return _parse_combined_regex(line)
        referrer: str | None = parts[3]
        agent: str | None = parts[5]
    elif count == 3:
        referrer = agent = None
    else:
        return _parse_combined_regex(line)
    head = parts[0]
    left = head.find(" [")
    right = head.find("] ", left)
    tail = parts[2].split()
    if left < 1 or right < 0 or len(tail) != 2 or right != len(head) - 2:
        return _parse_combined_regex(line)
    ip = head[: head.find(" ")]
    return (ip, head[left + 2 : right], parts[1], tail[0], tail[1], referrer, agent,
            None, None, None, None)  # fmt: skip


def _compile_custom(text: str) -> LogFormat:
    pattern = ["^"]
    targets: list[int | None] = []
    position = 0
    variables = list(_VARIABLE.finditer(text))
    if not variables:
        raise LogFormatError("the log format has no $variables")
    seen: set[int] = set()
    for index, match in enumerate(variables):
        literal = text[position : match.start()]
        pattern.append(re.escape(literal))
        following = (
            text[match.end() : variables[index + 1].start()]
            if index + 1 < len(variables)
            else text[match.end() :]
        )
        name = match.group(2)
        if literal.endswith('"') and following.startswith('"'):
            pattern.append(_QUOTED)
        elif literal.endswith("[") and following.startswith("]"):
            pattern.append(r"([^\]]*)")
        elif not following or following[0] in " \t":
            pattern.append(r"(\S*)")
        else:
            pattern.append(r"(.*?)")
        target = _TARGETS.get(name, _FALLBACK_TIME.get(name))
        if target is not None:
            seen.add(target)
        targets.append(target)
        position = match.end()
    pattern.append(re.escape(text[position:]) + "$")
    for required, label in ((0, "$remote_addr"), (1, "$time_local"), (2, "$request"),
                            (3, "$status")):  # fmt: skip
        if required not in seen:
            raise LogFormatError(f"the log format needs {label} (or an equivalent)")
    compiled = re.compile("".join(pattern))
    slots = [(group + 1, target) for group, target in enumerate(targets) if target is not None]
    time_name = next(v.group(2) for v in variables if _TARGETS.get(v.group(2)) == 1)
    time_kind = {"time_iso8601": "iso", "msec": "msec"}.get(time_name, "local")

    def parse(line: str) -> Fields | None:
        match = compiled.match(line)
        if match is None:
            return None
        values: list[str | None] = [None] * 11
        for group, target in slots:
            current = values[target]
            # several variables may feed one field ($upstream_cache_status, $http_x_cache):
            # the first one with a value wins
            if current is None or current == "-" or current == "":
                values[target] = match.group(group)
        if values[4] is None:
            values[4] = "0"
        return tuple(values)  # type: ignore[return-value]

    return LogFormat("custom", parse, time_kind, 7 in seen, 8 in seen)


def compile_format(spec: str | None) -> LogFormat:
    """'combined' (default), 'common', or an nginx log_format string."""
    name = ("combined" if spec is None else spec).strip()  # "" names no format: refused
    if name in ("combined", "common"):
        return LogFormat(name, _parse_fast, "local", False, False)
    if name in (COMBINED, COMMON):
        return LogFormat("combined", _parse_fast, "local", False, False)
    if "$" not in name:
        raise LogFormatError(
            f"unknown log format {name!r}: use combined, common or an nginx log_format "
            "string such as '$remote_addr - $remote_user [$time_local] \"$request\" ...'"
        )
    return _compile_custom(name)
