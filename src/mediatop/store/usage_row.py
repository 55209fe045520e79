"""The one row type of a usage event, as every source hands it to the store.

Access-log ingest, `mediatop track`, JSONL import, beacons, the demo and the hourly
rebuild all make `UsageRow` tuples: the same tuple is inserted as a raw row of
media_usage_events and accounted by `UsageRollup.add`. A tuple, not a dataclass: ingest
makes a million of them a minute. The fields every request has come first; the last
five (`OPTIONAL_COLUMNS`) are None for a plain access-log line, so a batch without them
binds only the first `REQUEST_WIDTH` (each bound parameter costs insert time).
"""

from __future__ import annotations

from mediatop.model import UsageEvent

# (media_id, event_type, session_id, referrer, user_agent, timestamp, source, status,
#  bytes, device, is_bot 0/1, user_id, country, server_time_ms, client_time_ms,
#  cache_status): the columns of media_usage_events, in USAGE_COLUMNS order.
UsageRow = tuple[
    int, str, str | None, str | None, str | None, int, str, int | None, int | None,
    str | None, int, str | None, str | None, float | None, float | None, str | None,
]  # fmt: skip

REQUEST_COLUMNS = (
    "media_id", "event_type", "session_id", "referrer", "user_agent", "timestamp", "source",
    "status", "bytes", "device", "is_bot",
)  # fmt: skip
OPTIONAL_COLUMNS = ("user_id", "country", "server_time_ms", "client_time_ms", "cache_status")
USAGE_COLUMNS = REQUEST_COLUMNS + OPTIONAL_COLUMNS
REQUEST_WIDTH = len(REQUEST_COLUMNS)
NO_OPTIONAL_FIELDS = (None,) * len(OPTIONAL_COLUMNS)


def row_of_event(e: UsageEvent) -> UsageRow:
    """The row of a usage event."""
    return (
        e.media_id, e.event_type, e.session_id, e.referrer, e.user_agent, e.timestamp,
        e.source, e.status, e.bytes, e.device, int(e.is_bot), e.user_id, e.country,
        e.server_time_ms, e.client_time_ms, e.cache_status,
    )  # fmt: skip
