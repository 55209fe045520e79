"""The HTTP/1.1 protocol `mediatop serve` runs: uvicorn's httptools one (which uvicorn
picked itself, httptools being a dependency), with the requests its parser refuses
answered as the API answers errors.

uvicorn answers a request it cannot parse (a bad `Content-Length`, a malformed request
line or header, bytes that are not HTTP) with a plain-text 400 before the app sees it,
and puts no bound on the request line and headers. Here such a request gets the API's
JSON error (`responses.error_response`) naming the parser's reason, a head over
`MAX_HEAD` bytes gets a 431, and the connection is closed after either.
"""

from __future__ import annotations

import sys

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mediatop.serve.responses import ApiError, error_response

# The request line and headers together: a page's beacon with the site's cookies fits
# many times over; a client sending headers without end is cut off here.
MAX_HEAD = 64 * 1024


class JsonErrorsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose refusals are JSON errors (see the module's docstring)."""

    head_bytes = 0

    def on_message_begin(self) -> None:
        self.head_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)  # ": " and CRLF
        super().on_header(name, value)

    def _count(self, size: int) -> None:
        # Raised in a parser callback, it comes back out of feed_data as the
        # HttpParserCallbackError uvicorn answers with send_400_response.
        self.head_bytes += size
        if self.head_bytes > MAX_HEAD:
            raise ApiError(431, f"the request line and headers are over {MAX_HEAD} bytes")

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this while handling the parser's error, and passes only a
        # generic message: the error itself, with the parser's reason, is the one
        # being handled.
        response = error_response(refusal(sys.exc_info()[1]))
        content = [STATUS_LINE[response.status_code]]
        headers = [*self.server_state.default_headers, *response.raw_headers]
        for name, value in [*headers, (b"connection", b"close")]:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([b"\r\n", bytes(response.body)])
        self.transport.write(b"".join(content))
        self.transport.close()


def refusal(error: BaseException | None) -> ApiError:
    """The API's error for a request the parser refused with `error`."""
    if isinstance(error, httptools.HttpParserCallbackError):
        if isinstance(error.__context__, ApiError):
            return error.__context__
        error = error.__context__
    reason = str(error) if error is not None else "the request could not be parsed"
    return ApiError(400, f"malformed HTTP request: {reason}")
