"""Benchmark: tracking beacons into `mediatop serve`, and none lost to a SIGKILL.

Scans a small library (300 files) into a fresh store, starts `mediatop serve` on a free
loopback port as a user would, and drives it from a second process: 8 keep-alive HTTP
clients POST one beacon each at a time (`/api/analytics/media/track`, a browser's user
agent, a view with its client time) for a fixed number of requests. Prints requests per
second and the latency percentiles, beside the same clients against a reference served
in the same run: a Starlette endpoint on the same uvicorn that reads the body and
answers 202 without storing anything (what the HTTP stack alone costs).

Then it checks durability: a second round of the same clients is cut short by SIGKILL
of the server, and the events in the store are counted against the 202 answers both
rounds received. Every accepted event must be stored (a few more may be: committed,
but killed before the answer went out).

Targets: >= 3,000 requests/s, p99 <= 25 ms, no accepted event lost.

    .venv/bin/python bench/beacons.py [--requests 20000] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h11
from user_shell import as_a_user

FILES = 300
TARGET_RPS = 3000.0
TARGET_P99_MS = 25.0
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"
PATH = "/api/analytics/media/track"
LISTENING = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


# -- the client process -------------------------------------------------------------------


async def _client(port: int, count: int, latencies: list[float], accepted: list[int]) -> None:
    """One keep-alive connection sending `count` beacons, one at a time."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    conn = h11.Connection(h11.CLIENT)
    try:
        for n in range(count):
            body = json.dumps(
                {"mediaId": f"f{n % FILES:03d}.jpg", "eventType": "view", "clientTimeMs": 42}
            ).encode()
            headers = [
                ("Host", f"127.0.0.1:{port}"),
                ("Content-Type", "text/plain;charset=UTF-8"),
                ("Content-Length", str(len(body))),
                ("User-Agent", AGENT),
            ]
            start = time.perf_counter()
            writer.write(conn.send(h11.Request(method="POST", target=PATH, headers=headers)))
            writer.write(conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
            status = await _response(conn, reader)
            latencies.append(time.perf_counter() - start)
            if status == 202:
                accepted[0] += 1
            conn.start_next_cycle()
    except (OSError, h11.ProtocolError, asyncio.IncompleteReadError):
        pass  # the server was killed
    finally:
        writer.close()


async def _response(conn: h11.Connection, reader: asyncio.StreamReader) -> int:
    status = 0
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            if not data:
                raise asyncio.IncompleteReadError(b"", None)
            conn.receive_data(data)
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            return status


async def _drive(port: int, requests: int, clients: int) -> dict[str, object]:
    latencies: list[float] = []
    accepted = [0]
    share = requests // clients
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, share, latencies, accepted) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return {
        "answered": len(latencies),
        "accepted": accepted[0],
        "seconds": elapsed,
        "latencies": sorted(latencies),
    }


def run_client(port: int, requests: int, clients: int) -> None:
    print(json.dumps(asyncio.run(_drive(port, requests, clients))), flush=True)


# -- the reference server -----------------------------------------------------------------


def run_reference(port_file: Path) -> None:
    """A Starlette endpoint on uvicorn that reads the body and answers 202, storing nothing."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def track(request: Request) -> JSONResponse:
        json.loads(await request.body())
        return JSONResponse({"accepted": 1}, 202)

    from mediatop.serve.server import bind

    sock = bind("127.0.0.1", 0)
    port_file.write_text(str(sock.getsockname()[1]))
    app = Starlette(routes=[Route(PATH, track, methods=["POST"])])
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


# -- the bench ----------------------------------------------------------------------------


def _library(folder: Path) -> tuple[Path, Path]:
    root, db = folder / "media", folder / "store.sqlite3"
    root.mkdir()
    for n in range(FILES):
        (root / f"f{n:03d}.jpg").write_bytes(b"\xff\xd8" + n.to_bytes(2, "big"))
    mediatop = [sys.executable, "-m", "mediatop"]
    subprocess.run(
        [*mediatop, "scan", str(root), "--db", str(db), "--quiet", "--no-probe"], check=True
    )
    return root, db


def _start_server(root: Path, db: Path) -> tuple[subprocess.Popen[bytes], int]:
    command = [sys.executable, "-m", "mediatop", "serve", str(root), "--db", str(db), "--port", "0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE)
    assert server.stderr is not None
    line = server.stderr.readline()
    found = LISTENING.search(line)
    if not found:
        server.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return server, int(found.group(1))


def _start_reference(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port_file = folder / "reference.port"
    server = subprocess.Popen([sys.executable, __file__, "--reference", str(port_file)])
    for _ in range(200):
        if port_file.exists() and port_file.read_text():
            return server, int(port_file.read_text())
        time.sleep(0.05)
    server.kill()
    raise SystemExit("the reference server did not start")


def _clients(port: int, requests: int, clients: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, __file__, "--client", str(port), str(requests), str(clients)]
    return subprocess.Popen(command, stdout=subprocess.PIPE)


def _result(process: subprocess.Popen[bytes]) -> dict[str, object]:
    out, _ = process.communicate(timeout=600)
    result: dict[str, object] = json.loads(out)
    return result


def _percentile(latencies: list[float], q: float) -> float:
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0


def _line(name: str, result: dict[str, object]) -> float:
    latencies = result["latencies"]
    assert isinstance(latencies, list)
    rps = float(result["answered"]) / float(result["seconds"])  # type: ignore[arg-type]
    print(
        f"{name:<34} {rps:>8,.0f} req/s   p50 {_percentile(latencies, 0.50):6.1f} ms   "
        f"p99 {_percentile(latencies, 0.99):6.1f} ms   ({result['answered']} answered)"
    )
    return rps


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stored(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0])
    finally:
        conn.close()


def bench(requests: int, clients: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mediatop-beacons-") as tmp:
        folder = Path(tmp)
        root, db = _library(folder)
        reference, ref_port = _start_reference(folder)
        try:
            ref = _result(_clients(ref_port, requests, clients))
        finally:
            reference.terminate()
            reference.wait()
        server, port = _start_server(root, db)
        try:
            cpu_before = _cpu_seconds(server.pid)
            timed = _result(_clients(port, requests, clients))
            cpu_used = _cpu_seconds(server.pid) - cpu_before
            # Round two: cut short by SIGKILL while the clients still send.
            killed = _clients(port, requests, clients)
            time.sleep(0.5)
            server.send_signal(signal.SIGKILL)
            server.wait()
            cut = _result(killed)
        finally:
            if server.poll() is None:
                server.kill()
        print(
            f"{clients} keep-alive clients in a second process, {requests} beacons, on loopback "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        ref_rps = _line("reference (uvicorn, nothing stored)", ref)
        rps = _line("mediatop serve", timed)
        latencies = timed["latencies"]
        assert isinstance(latencies, list)
        p99 = _percentile(latencies, 0.99)
        print(f"ratio to the reference: {rps / ref_rps:.2f}x")
        if cpu_used > 0:  # what a beacon costs the server, whatever else the machine runs
            print(f"server CPU per beacon: {cpu_used / int(timed['answered']) * 1e6:.0f} us")  # type: ignore[call-overload]
        print(
            f"requests/s {rps:,.0f} (target >= {TARGET_RPS:,.0f}) "
            f"{'✓' if rps >= TARGET_RPS else '✗'}"
        )
        print(
            f"p99 {p99:.1f} ms (target <= {TARGET_P99_MS:.0f} ms) "
            f"{'✓' if p99 <= TARGET_P99_MS else '✗'}"
        )
        accepted = int(timed["accepted"]) + int(cut["accepted"])  # type: ignore[call-overload]
        stored = _stored(db)
        verdict = "✓ none lost" if stored >= accepted else f"✗ LOST {accepted - stored}"
        print(
            f"SIGKILL during round two ({cut['accepted']} accepted before it): "
            f"202 answers {accepted}, events stored {stored} {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--client", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reference", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        run_client(*args.client)
    elif args.reference:
        run_reference(args.reference)
    else:
        bench(args.requests, args.clients)


if __name__ == "__main__":
    as_a_user()
    main()
