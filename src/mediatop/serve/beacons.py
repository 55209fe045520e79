"""The POST endpoints: `/api/analytics/media/track` and `/api/analytics/media/engagement`.

A body is one event (the seed's MediaUsageEvent or VideoEngagementEvent, as JSON) or an
array of them, sent as `application/json` or as `text/plain` (what
`navigator.sendBeacon` sends for a string, with no CORS preflight). `track` takes
usage events (view, download, click, share), `engagement` player events (play, pause,
seek, progress, complete, stop, quality_change). An event without `userAgent` or
`referrer` takes the request's User-Agent and Referer headers. The answer is 202
`{"accepted": N}` once the events are committed, or an error naming the field (and the
event's `index` in an array); a request's events are stored all or none.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mediatop.model import USAGE_EVENT_TYPES, VIDEO_EVENT_TYPES
from mediatop.serve.group_commit import GroupCommitWriter
from mediatop.serve.responses import ApiError, json_response

USAGE_EVENTS = USAGE_EVENT_TYPES
PLAYER_EVENTS = VIDEO_EVENT_TYPES
BODY_TYPES = ("application/json", "text/plain", "")


class Beacons:
    """The two POST endpoints, storing through `writer`; bodies up to `max_body` bytes."""

    def __init__(self, writer: GroupCommitWriter, max_body: int) -> None:
        self.writer = writer
        self.max_body = max_body

    async def track(self, request: Request) -> Response:
        return await self._accept(request, USAGE_EVENTS)

    async def engagement(self, request: Request) -> Response:
        return await self._accept(request, PLAYER_EVENTS)

    async def _accept(self, request: Request, kinds: tuple[str, ...]) -> Response:
        events = events_of(await self._body(request))
        agent, referrer = request.headers.get("user-agent"), request.headers.get("referer")
        for event in events:
            if agent and "userAgent" not in event and "user_agent" not in event:
                event["userAgent"] = agent
            if referrer and not {"referrer", "referer"} & event.keys():
                event["referrer"] = referrer
        accepted = await self.writer.submit(events, kinds)
        return json_response({"accepted": accepted}, 202)

    async def _body(self, request: Request) -> bytes:
        kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if kind not in BODY_TYPES:
            raise ApiError(415, f"send the events as application/json or text/plain, not {kind}")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise self._too_large()
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body:
                raise self._too_large()
        return bytes(body)

    def _too_large(self) -> ApiError:
        # The rest of the body is left unread: on a kept-alive connection the server
        # would go on taking it in, however long, before the next request. Closed, the
        # connection ends with the answer.
        message = f"the body is over {self.max_body} bytes"
        return ApiError(413, message, headers={"Connection": "close"})


def events_of(body: bytes) -> list[dict[str, Any]]:
    """The events of a body: one JSON object or a non-empty array of them."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the body is not UTF-8 (byte {exc.start})", field="body") from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"the body is not JSON: {str(exc)[:200]}", field="body") from None
    events = data if isinstance(data, list) else [data]
    if not events:
        raise ApiError(400, "the array holds no event", field="body")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            at = index if isinstance(data, list) else None
            raise ApiError(400, "an event must be a JSON object", field="body", index=at)
    return events
