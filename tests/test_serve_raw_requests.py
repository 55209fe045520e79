"""Requests uvicorn's parser refuses before the app sees them (a bad Content-Length, a
malformed request line or header, bytes that are not HTTP, a head without end) and
bodies over the limit get the API's JSON error and a closed connection, and the server
goes on serving: raw bytes over a socket to the real server."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from mediatop.serve.http_protocol import MAX_HEAD
from mediatop.serve.options import ServeOptions
from serve_support import running_server, traffic_library

TRACK = b"/api/analytics/media/track"
LIMIT = 1000  # the bodies' limit of the `limited_url` server


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    library = traffic_library(tmp_path_factory.mktemp("raw"))
    with running_server(library) as base:
        yield base


@pytest.fixture(scope="module")
def limited_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server taking bodies of up to LIMIT bytes: one over it is quick to send."""
    library = traffic_library(tmp_path_factory.mktemp("limited"))
    with running_server(library, ServeOptions(max_body=LIMIT)) as base:
        yield base


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _exchange(base: str, request: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Send `request` as is; the answer's status line, headers (names lower-cased) and
    body, read until the server closes the connection."""
    with _connect(base) as sock:
        sock.sendall(request)
        answer = b""
        # A server closing with bytes of the request unread resets the connection:
        # the answer before the reset is all there is.
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    return _parsed(answer)


def _one_answer(sock: socket.socket) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """The next answer on `sock`, read to its Content-Length and no further."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        assert chunk, "the connection was closed before an answer"
        answer += chunk
    status, headers, body = _parsed(answer)
    while len(body) < int(headers[b"content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "the connection was closed in the answer's body"
        body += chunk
    return status, headers, body


def _parsed(answer: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = {name.lower(): value for name, _, value in (h.partition(b": ") for h in lines)}
    return status, headers, body


def _still_serving(base: str) -> None:
    assert httpx.get(base + "/api/openapi.json").status_code == 200


@pytest.mark.parametrize(
    ("request_bytes", "named"),
    [
        (b"POST " + TRACK + b" HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
         "Content-Length"),
        (b"POST " + TRACK + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
         b"Content-Length: 2\r\n\r\nab", "Content-Length"),
        (b"GET\r\n\r\n", "method"),  # a request line with no target nor version
        (b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", "header"),
        (b"GET /api/openapi.json HTTP/1.0\r\nBad Header: 1\r\n\r\n", "header"),
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", "method"),  # TLS hello
        (b"hello there\r\n\r\n", "method"),
        (b"POST " + TRACK + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk"),
    ],
    ids=["length-abc", "two-lengths", "no-target", "bad-header", "http-1.0-bad-header",
         "tls", "not-http", "bad-chunk"],
)  # fmt: skip
def test_a_request_that_is_not_valid_http_gets_a_json_400_and_a_closed_connection(
    base_url: str, request_bytes: bytes, named: str
) -> None:
    status, headers, body = _exchange(base_url, request_bytes)
    assert status == b"HTTP/1.1 400 Bad Request"
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"connection"] == b"close"
    assert headers[b"content-length"] == str(len(body)).encode()
    error = json.loads(body)
    assert list(error) == ["error"]
    assert error["error"].startswith("malformed HTTP request: ")
    assert named.lower() in error["error"].lower()
    _still_serving(base_url)


@pytest.mark.parametrize(
    "fields",
    [
        b"X-Big: " + b"a" * MAX_HEAD + b"\r\n",  # one header over the limit
        # 12 bytes each ("X-00000: 1" and CRLF): these alone are 8 bytes over
        b"".join(b"X-%05d: 1\r\n" % n for n in range(MAX_HEAD // 12 + 1)),
    ],
    ids=["one-long-header", "many-headers"],
)
def test_a_head_over_the_limit_gets_a_json_431(base_url: str, fields: bytes) -> None:
    request = b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"
    status, headers, body = _exchange(base_url, request)
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"connection"] == b"close"
    assert json.loads(body) == {"error": f"the request line and headers are over {MAX_HEAD} bytes"}
    _still_serving(base_url)


def test_a_head_under_the_limit_and_an_http_1_0_request_are_served(base_url: str) -> None:
    cookie = b"Cookie: " + b"c" * (MAX_HEAD // 2) + b"\r\n"  # a site's cookies, generously
    request = b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    status, headers, body = _exchange(base_url, request + cookie + b"\r\n")
    assert status == b"HTTP/1.1 200 OK" and json.loads(body)["openapi"].startswith("3.")
    # HTTP/1.0 without keep-alive: answered, then the connection is closed
    status, headers, body = _exchange(base_url, b"GET /api/openapi.json HTTP/1.0\r\n\r\n")
    assert status == b"HTTP/1.1 200 OK" and headers[b"content-type"] == b"application/json"
    assert json.loads(body)["openapi"].startswith("3.")


@pytest.mark.parametrize(
    "framing",
    [
        # declared: refused on the head, with 100 of the 10000 bytes sent
        b"Content-Length: %d\r\n\r\n" % (LIMIT * 10) + b"[" + b" " * 99,
        # streamed: refused once LIMIT + 1 bytes are read, the body not ended
        b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % (LIMIT + 1) + b" " * (LIMIT + 1) + b"\r\n",
    ],
    ids=["declared", "streamed"],
)
def test_a_body_over_the_limit_gets_a_413_and_a_closed_connection(
    limited_url: str, framing: bytes
) -> None:
    """The rest of the body is never read: though the client asks to keep the
    connection, the 413 says it is closed and the server closes it."""
    request = (b"POST " + TRACK + b" HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n"
               b"Content-Type: application/json\r\n" + framing)  # fmt: skip
    with _connect(limited_url) as sock:
        sock.sendall(request)
        status, headers, body = _one_answer(sock)
        assert status.startswith(b"HTTP/1.1 413 ")
        assert headers[b"content-type"] == b"application/json"
        assert headers.get(b"connection") == b"close"
        assert json.loads(body) == {"error": f"the body is over {LIMIT} bytes"}
        assert sock.recv(65536) == b""  # closed by the server
    _still_serving(limited_url)
