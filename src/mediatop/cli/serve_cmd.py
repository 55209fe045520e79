"""`mediatop serve ROOT`: the HTTP API (`mediatop.serve`) on the library at ROOT."""

from __future__ import annotations

import argparse
from pathlib import Path

from mediatop.cli.common import Subcommands, add_root_arguments, open_library
from mediatop.cli.numbers import whole_number
from mediatop.cli.output import EXIT_USAGE, UserError
from mediatop.errors import InputError, NotScannedError
from mediatop.serve.options import DEFAULT_MAX_BODY
from mediatop.textsafe import visible


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the HTTP API (analytics and tracking beacons)",
        description="Serve the seed's HTTP API under /api/analytics/media on ROOT's store: the "
        "reports as JSON, and tracking beacons from pages. Binds 127.0.0.1 unless told "
        "otherwise; any other address needs --token-file.",
    )
    add_root_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=whole_number(0, 65535), default=8765, help="port (default 8765; 0: any)"
    )
    parser.add_argument(
        "--token-file", type=Path, help="file holding the API token (needed off loopback)"
    )
    parser.add_argument(
        "--public-beacons",
        action="store_true",
        help="let anyone POST tracking beacons without the token, rate-limited per address",
    )
    parser.add_argument(
        "--cors-origin",
        dest="cors_origins",
        action="append",
        default=[],
        help="an origin whose pages may call the API, e.g. https://example.com (repeatable)",
    )
    parser.add_argument(
        "--max-body",
        type=whole_number(1024, 64 * 1024 * 1024),
        default=DEFAULT_MAX_BODY,
        help="largest POST body in bytes (default 65536)",
    )
    parser.set_defaults(run=run)


def _token(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"cannot read the token file {visible(str(path))}: {exc}", EXIT_USAGE
        ) from None
    if not token:
        raise UserError(f"the token file {visible(str(path))} is empty", EXIT_USAGE)
    return token


def run(args: argparse.Namespace) -> int:
    from mediatop.serve.access import check_options
    from mediatop.serve.app import build_app
    from mediatop.serve.options import ServeOptions
    from mediatop.serve.server import bind, serve

    options = ServeOptions(
        host=args.host, port=args.port, token=_token(args.token_file),
        public_beacons=args.public_beacons, cors_origins=tuple(args.cors_origins),
        max_body=args.max_body,
    )  # fmt: skip
    try:
        check_options(options)
    except InputError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    library = open_library(args)
    if not library.has_store():  # refused before anything, a store file included, is made
        raise _not_scanned(args.root)
    library.check()
    sock = bind(options.host, options.port)
    try:
        app = build_app(library, options)
    except NotScannedError:
        sock.close()
        raise _not_scanned(args.root) from None
    serve(app, sock, options)
    return 0


def _not_scanned(root: Path) -> UserError:
    shown = visible(str(root))
    return UserError(
        f"the store has never scanned {shown}: scan it first (`mediatop scan {shown}`)",
        EXIT_USAGE,
    )
