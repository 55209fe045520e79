"""`mediatop serve` as a user runs it, in a process of its own: an accepted beacon
survives SIGKILL of the server, SIGTERM stops it cleanly, and bad requests leave no
traceback on its console."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediatop.library import MediaLibrary
from serve_support import traffic_library

MEDIA = "/api/analytics/media"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


@pytest.fixture
def library(tmp_path: Path) -> MediaLibrary:
    return traffic_library(tmp_path)


@pytest.fixture
def server(library: MediaLibrary) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    root, db = str(library.settings.root), str(library.settings.db_path)
    command = [sys.executable, "-m", "mediatop", "serve", root, "--db", db, "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    assert process.stderr is not None
    found = re.search(rb"listening on (http://127\.0\.0\.1:\d+)", process.stderr.readline())
    assert found, "the server did not start"
    try:
        yield process, found.group(1).decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stored(library: MediaLibrary) -> int:
    conn = sqlite3.connect(library.settings.db_path)
    try:
        return int(conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0])
    finally:
        conn.close()


def test_every_accepted_beacon_survives_a_sigkill(
    library: MediaLibrary, server: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, base = server
    before = _stored(library)
    accepted = [0] * 4
    started = threading.Barrier(5)

    def send(worker: int) -> None:
        body = json.dumps({"mediaId": "2024/05/logo.png", "eventType": "click"})
        with httpx.Client(headers={"user-agent": BROWSER}) as client:
            started.wait()
            for _ in range(2000):
                try:
                    answer = client.post(base + MEDIA + "/track", content=body)
                except httpx.HTTPError:
                    return  # killed
                accepted[worker] += answer.status_code == 202

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    while sum(accepted) < 300:  # mid-stream: the clients are still sending
        threading.Event().wait(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    for thread in threads:
        thread.join()
    # Each 202 was sent after its commit; a few more may be stored than answered
    # (committed, then killed before the answer went out), never fewer.
    assert 300 <= sum(accepted) < 8000
    assert _stored(library) - before >= sum(accepted)


def test_bad_requests_leave_no_traceback_and_sigterm_stops_it(
    library: MediaLibrary, server: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, base = server
    bad = [
        httpx.post(base + MEDIA + "/track", content=b"{", headers={"content-type": "text/plain"}),
        httpx.post(base + MEDIA + "/track", content=b'{"eventType": "view", "mediaId": "x"}'),
        httpx.get(base + MEDIA + "/%FF%FE%00"),
        httpx.get(base + MEDIA + "/usage?range=" + "9" * 5000 + "d"),
        httpx.get(base + MEDIA + "/1?from=0000-00-00"),
    ]
    assert [r.status_code for r in bad] == [400, 404, 400, 400, 400]
    assert all("error" in r.json() for r in bad)
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully (the writer answers what is queued), and the
    # command exits 0, as a service manager expects of a server it told to stop
    assert process.wait(timeout=15) == 0
    assert process.stderr is not None
    console = process.stderr.read().decode()
    assert "Traceback" not in console and 'File "' not in console


def test_a_client_gone_mid_body_stores_nothing_and_is_not_logged(
    library: MediaLibrary, server: tuple[subprocess.Popen[bytes], str]
) -> None:
    """A page closed while its beacon was on the way: the 100 bytes that came are a
    whole event, but the body was to be 10000, so nothing is stored, and the console
    gets no "internal error" for what the client did."""
    process, base = server
    before = _stored(library)
    event = json.dumps({"mediaId": "2024/05/logo.png", "eventType": "click"}).encode()
    head = (b"POST " + MEDIA.encode() + b"/track HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n")  # fmt: skip
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + event.ljust(100))
    assert httpx.get(base + MEDIA + "/usage").status_code == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    assert _stored(library) == before
    assert process.stderr is not None
    assert process.stderr.read().decode() == ""


def test_beacons_are_stored_while_mediatop_ingest_writes_the_same_store(
    library: MediaLibrary, tmp_path: Path
) -> None:
    """WAL and one writer thread: while `mediatop ingest` commits batch after batch in
    another process, every beacon gets its 202, never a 503 or "database is locked"."""
    from serve_support import running_server

    line = ('198.51.100.7 - - [14/Mar/2026:10:{m:02d}:{s:02d} +0000] "GET /uploads/2024/05/'
            'logo.png HTTP/1.1" 200 1000 "-" "{agent}"\n')  # fmt: skip
    log = tmp_path / "big.log"
    log.write_text("".join(line.format(m=n // 60 % 60, s=n % 60, agent=BROWSER)
                           for n in range(60_000)))  # fmt: skip
    root, db = str(library.settings.root), str(library.settings.db_path)
    with running_server(library) as base, httpx.Client() as client:
        command = [sys.executable, "-m", "mediatop", "ingest", root, "--db", db, str(log)]
        # small batches: many write transactions while the beacons come in
        ingest = subprocess.Popen([*command, "--batch-lines", "500"], stderr=subprocess.PIPE)
        statuses = []
        body = json.dumps({"mediaId": "2024/05/logo.png", "eventType": "share"})
        while ingest.poll() is None or len(statuses) < 50:
            statuses.append(client.post(base + MEDIA + "/track", content=body).status_code)
        _out, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err
    assert b"60000 lines read" in err
    assert set(statuses) == {202}


def test_a_hang_up_stops_the_server_as_sigterm_does(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base = server
    assert httpx.get(base + MEDIA + "/usage").status_code == 200
    process.send_signal(signal.SIGHUP)
    assert process.wait(timeout=15) == 0
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read().decode()
