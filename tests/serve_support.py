"""The real HTTP server for tests: `mediatop serve`'s app on uvicorn, in a thread, on a
free loopback port, and a library with traffic for it to serve.

The app is the one `mediatop serve` builds (`build_app`), on a socket bound by the same
code (`bind`); only the thread is the test's, so a test can pass any options (a bind
address of 0.0.0.0 for the token rules, say) while every request stays on loopback.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from media_factory import write_bytes_name
from mediatop.library import MediaLibrary
from mediatop.serve.app import build_app
from mediatop.serve.options import ServeOptions
from mediatop.serve.server import address_of, bind, make_server
from tui_fixtures import build_library, ingest, write_access_log

# a file whose name is Latin-1, not UTF-8: "café.jpg" with é as the one byte 0xE9
LATIN1_NAME = b"2025/02/caf\xe9.jpg"


def traffic_library(tmp_path: Path, db: Path | str | None = None) -> MediaLibrary:
    """The snapshot library (tui_fixtures.build_library) plus a Latin-1-named JPEG,
    scanned, with the snapshot access log (the week before 2026-03-15) ingested, in the
    store `db` (default: tmp_path/store.sqlite3)."""
    root, db = tmp_path / "uploads", db or tmp_path / "store.sqlite3"
    build_library(root)
    jpeg = (root / "2024/03/hero-banner-300x169.jpg").read_bytes()
    write_bytes_name(root / "2025/02", b"caf\xe9.jpg", jpeg)
    library = MediaLibrary.open(root, db=db)
    library.scan()
    ingest(library.settings, write_access_log(tmp_path / "access.log"))
    return library


@contextlib.contextmanager
def running_server(library: MediaLibrary, options: ServeOptions | None = None) -> Iterator[str]:
    """The API on `library`, served until the block ends; yields its base URL."""
    options = options or ServeOptions()
    app = build_app(library, options)
    sock = bind("127.0.0.1", 0)
    server = make_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield address_of(sock)
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
