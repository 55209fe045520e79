"""The app factory `mediatop serve` and the tests share: routes, access rules, CORS,
the beacons' writer, JSON errors, and no traceback ever shown.

`build_app(library, options)` opens the beacons' writer on the library's store (so a
store that cannot take events stops the start) and returns the ASGI app; its lifespan
starts the writer thread and, on shutdown, answers what is queued and closes it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mediatop.library import MediaLibrary
from mediatop.serve.access import RateLimiter, verdict
from mediatop.serve.beacons import Beacons
from mediatop.serve.group_commit import GroupCommitWriter
from mediatop.serve.openapi import openapi_document
from mediatop.serve.options import ServeOptions
from mediatop.serve.reads import (
    MEDIA_PREFIX,
    MEDIA_ROUTE,
    PLACE_ROUTE,
    REPORT_ENDPOINTS,
    Reader,
)
from mediatop.serve.responses import ApiError, error_response, json_response

log = logging.getLogger("mediatop.serve")

Handler = Callable[[Request], Awaitable[Response]]


class _Guard:
    """Wraps a handler with the access rules and turns ApiError into its JSON answer."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.limiter = RateLimiter(options.beacon_rate, options.beacon_burst)

    def __call__(self, handler: Handler, *, beacon: bool = False, open_: bool = False) -> Handler:
        async def guarded(request: Request) -> Response:
            try:
                if not open_:
                    self._check(request, beacon)
                return await handler(request)
            except ApiError as exc:
                return error_response(exc)

        return guarded

    def _check(self, request: Request, beacon: bool) -> None:
        rule = verdict(
            self.options, beacon=beacon, authorization=request.headers.get("authorization")
        )
        if not rule.allowed:
            raise ApiError(
                401, "a token is required: Authorization: Bearer TOKEN",
                field="Authorization", headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        client = request.client.host if request.client else "?"
        if rule.rate_limited and not self.limiter.allow(client):
            raise ApiError(429, "too many beacons from this address", headers={"Retry-After": "1"})


def build_app(library: MediaLibrary, options: ServeOptions) -> ASGIApp:
    """The API on `library` with `options` (see the package's docstring)."""
    writer = GroupCommitWriter(library)
    reader = Reader(library)
    beacons = Beacons(writer, options.max_body)
    guard = _Guard(options)
    document = openapi_document()

    async def openapi(request: Request) -> Response:
        return json_response(document)

    post = ["POST"]
    # The beacons first: Starlette tries the routes in order, and they are the busy ones.
    routes = [
        Route(MEDIA_PREFIX + "/track", guard(beacons.track, beacon=True), methods=post),
        Route(MEDIA_PREFIX + "/engagement", guard(beacons.engagement, beacon=True), methods=post),
        Route("/api/openapi.json", guard(openapi, open_=True), methods=["GET"]),
    ]
    routes += [
        Route(MEDIA_PREFIX + path, guard(reader.report), methods=["GET"])
        for path in REPORT_ENDPOINTS
    ]
    routes.append(Route(MEDIA_ROUTE, guard(reader.media_file), methods=["GET"]))
    routes.append(Route(PLACE_ROUTE, guard(reader.place), methods=["GET"]))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            writer.stop()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(ApiError(exc.status_code, exc.detail, headers=exc.headers))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response(ApiError(500, "internal error"))

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: internal_error},
        middleware=_cors(options.cors_origins),
    )
    return NoTraceback(app)


def _cors(origins: tuple[str, ...]) -> list[Middleware]:
    """CORS for the configured origins; none at all without one (a page of another
    origin then cannot read an answer, and no request pays for the check)."""
    if not origins:
        return []
    return [
        Middleware(
            JsonCors,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    ]


class JsonCors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered as a JSON error like the rest."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        message = bytes(response.body).decode("utf-8", "replace")
        headers = {k: v for k, v in response.headers.items() if k.startswith("access-control")}
        return error_response(ApiError(response.status_code, message, headers=headers))


class NoTraceback:
    """The outermost layer: an exception that escaped everything else answers 500 with
    a JSON error and is logged as one line, never as a traceback. A client that went
    away in the middle of its request is no error: it is not logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ClientDisconnect:
            # A page closed while its beacon was on the way, say: the client's doing,
            # nothing an admin can act on, and nobody left to answer.
            return
        except Exception as exc:
            log.error("internal error on %s: %r", scope.get("path", "?"), exc)
            if scope["type"] == "http" and not started:
                response = error_response(ApiError(500, "internal error"))
                await response(scope, receive, send)
