"""The GET endpoints: the reports of `mediatop report NAME --json`, and one file's.

Each takes `?range=` (24h, 7d, 30d, 90d, Nd, Nh, all; 30d by default) or
`?from=YYYY-MM-DD&to=YYYY-MM-DD` and answers the same JSON as the CLI's report for the
same range. A report runs in a worker thread (two at a time: they are CPU work), so the
event loop keeps taking beacons meanwhile.

`/api/analytics/media/{mediaId}` names one file by its id, its path under the root or
the URL a page requested it by; `{mediaId}` is one percent-encoded path segment
(`encodeURIComponent`), and an unencoded `/` is read as part of a path. A last segment
`usage` or `engagement` asks for that part of the file's report.

`/api/analytics/places/{placeType}/{placeId}` is one place's report (`report place`):
the type and id the references give a page or post, each percent-encoded (the id may
hold a `/`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from mediatop.errors import (
    InputError,
    ReportError,
    StoreError,
    TimeRangeError,
    UnknownMediaError,
    UnknownPlaceError,
)
from mediatop.library import MediaLibrary
from mediatop.serve.responses import ApiError, json_response
from mediatop.timerange import TimeRange, parse_range

MEDIA_PREFIX = "/api/analytics/media"
# endpoint under MEDIA_PREFIX -> the report it answers with
REPORT_ENDPOINTS: dict[str, str] = {
    "": "media",
    "/usage": "usage",
    "/performance": "performance",
    "/optimization": "optimization",
    "/images": "images",
    "/videos": "videos",
    "/documents": "documents",
    "/audio": "audio",
    "/duplicates": "duplicates",
    "/insights": "insights",
    "/misses": "misses",
    "/ingest": "ingest",
}


class _NameConvertor(PathConvertor):
    """A route's last part as it came, `/` and newlines included: Starlette's `path`
    (`.*`) stops at a newline, which a file name or a place id may hold."""

    regex = "(?s:.*)"


register_url_convertor("name", _NameConvertor())

PLACE_PATH = "/api/analytics/places/{placeType}/{placeId}"
PLACE_ROUTE = PLACE_PATH.removesuffix("}") + ":name}"  # the id may hold a `/`
MEDIA_ROUTE = MEDIA_PREFIX + "/{media:name}"  # a file by id, path or URL, then a part
# a file's endpoint -> the part of its report it answers with (None: the whole report)
FILE_PARTS: dict[str, str | None] = {"": None, "usage": "usage", "engagement": "engagement"}
RANGE_PARAMETERS = ("range", "from", "to")
REPORTS_AT_ONCE = 2


class Reader:
    """Runs reports for the GET endpoints on `library`, a few at a time."""

    def __init__(self, library: MediaLibrary) -> None:
        self.library = library
        self.limiter = anyio.CapacityLimiter(REPORTS_AT_ONCE)

    async def _call(self, func: Callable[[], Any]) -> Any:
        try:
            return await anyio.to_thread.run_sync(func, limiter=self.limiter)
        except UnknownMediaError as exc:
            raise ApiError(404, str(exc), field=exc.field) from None
        except TimeRangeError as exc:
            raise ApiError(400, str(exc), field=exc.flag) from None
        except UnknownPlaceError as exc:
            raise ApiError(404, str(exc), field="placeId") from None
        except (InputError, ReportError) as exc:
            raise ApiError(400, str(exc), field=getattr(exc, "field", None)) from None
        except StoreError as exc:
            raise ApiError(503, str(exc)) from None

    async def report(self, request: Request) -> Response:
        name = REPORT_ENDPOINTS[request.url.path[len(MEDIA_PREFIX) :].rstrip("/")]
        time_range = range_of(request.query_params)
        data = await self._call(partial(self.library.report_data, name, time_range))
        return json_response(data)

    async def media_file(self, request: Request) -> Response:
        ref, part = media_reference(request)
        time_range = range_of(request.query_params)
        found = await self._call(partial(self.library.find_media, ref))
        options = {"file": str(found.id)}
        data = await self._call(partial(self.library.report_data, "file", time_range, options))
        return json_response(data if part is None else data[part])

    async def place(self, request: Request) -> Response:
        place = f"{request.path_params['placeType']}:{request.path_params['placeId']}"
        time_range = range_of(request.query_params)
        options = {"place": place}
        data = await self._call(partial(self.library.report_data, "place", time_range, options))
        return json_response(data)


def range_of(query: QueryParams, now: datetime | None = None) -> TimeRange:
    """The range `?range=` or `?from=&to=` asks for; ApiError 400 naming the parameter
    (one given twice too: which of the two was meant is not for the server to guess)."""
    for name in ("range", "from", "to"):
        if len(query.getlist(name)) > 1:
            raise ApiError(400, f"{name} is given more than once", field=name)
    try:
        return parse_range(
            query.get("range"),  # absent: the default; empty: refused
            now=now or datetime.now(UTC),
            start=query.get("from") or None,
            end=query.get("to") or None,
        )
    except TimeRangeError as exc:
        raise ApiError(400, str(exc), field=exc.flag) from None


def media_reference(request: Request) -> tuple[bytes, str | None]:
    """(the file's reference as bytes, the part asked for) from the request's raw path,
    so that a percent-encoded name that is not UTF-8 reaches the lookup as its bytes."""
    raw = request.scope.get("raw_path") or request.url.path.encode("utf-8", "surrogateescape")
    rest = raw.partition(b"?")[0][len(MEDIA_PREFIX) + 1 :]
    segments = rest.split(b"/")
    part: str | None = None
    if len(segments) > 1 and segments[-1].decode("ascii", "replace") in FILE_PARTS:
        part = FILE_PARTS[segments.pop().decode("ascii")]
    ref = unquote_to_bytes(b"/".join(segments))
    if not ref:
        raise ApiError(404, "no media file named", field="mediaId")
    return ref, part
