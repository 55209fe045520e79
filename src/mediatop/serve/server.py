"""Running the app on uvicorn: the listening socket, one-line logs, the start message.

The socket is bound here, before uvicorn starts, so an address in use is one clear
error (and `--port 0` learns the port the system chose). uvicorn's own logs go through
`OneLineFormatter`: a message and its exception's text on one line, never a traceback.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from types import FrameType
from typing import Any

from mediatop.errors import MediatopError
from mediatop.serve.options import ServeOptions


class OneLineFormatter(logging.Formatter):
    """`mediatop serve: MESSAGE[: EXCEPTION]`, on one line whatever was logged."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}: {record.exc_info[1]!r}"
        return "mediatop serve: " + " ".join(message.split())


LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": OneLineFormatter}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.error": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "mediatop.serve": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (MediatopError naming the address if it cannot)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise MediatopError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise MediatopError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def make_server(app: Any) -> Any:
    """A uvicorn server for `app` (not started)."""
    import uvicorn

    from mediatop.serve.http_protocol import JsonErrorsProtocol

    config = uvicorn.Config(
        app,
        http=JsonErrorsProtocol,
        log_config=LOGGING,
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(app: Any, sock: socket.socket, options: ServeOptions) -> None:
    """Serve until SIGINT, SIGTERM or a hang-up, each a graceful stop (the beacons
    queued are answered), after which this returns: the command exits 0, as a service
    manager expects of a server it told to stop."""
    from mediatop import leaving
    from mediatop.serve.access import describe

    server = make_server(app)

    def stop_or_let_pass(signum: int, frame: FrameType | None) -> None:
        # uvicorn handles SIGTERM itself and, once stopped, raises it again for the
        # handler it found: it passes here. A hang-up stops it as SIGTERM does.
        if signum == signal.SIGHUP:
            server.handle_exit(signum, frame)

    sys.stderr.write(f"mediatop serve: listening on {address_of(sock)} ({describe(options)})\n")
    sys.stderr.flush()
    with leaving.handling_signals(stop_or_let_pass):  # (a hang-up nohup ignores stays so)
        server.run(sockets=[sock])
