"""The PostgreSQL server the benches time: tests/pg_server.py's PgServer on a data folder
kept under bench/.data/ (so a 10M-event store is built once), with durable settings.

The tests' server turns durability off (fsync, synchronous_commit, full_page_writes):
right for a server that lives one session, wrong for a timing. This one keeps
PostgreSQL's own defaults for those (fsync on, synchronous_commit on, full_page_writes
on) and for memory (shared_buffers 128 MB), listens on 127.0.0.1 only, and, as the
tests' server does, runs initdb and postgres as `nobody` when started as root.
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent / "tests"))

from pg_server import SUPERUSER, UNPRIVILEGED_USER, PgServer, binaries

# Only what differs from a packaged server's defaults: loopback TCP, no socket file.
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class KeptServer(PgServer):
    """A durable postgres on `folder`/data, made by initdb the first time; `stop` shuts
    it down cleanly and keeps the folder."""

    def __init__(self, folder: Path) -> None:
        # Not PgServer.__init__: that makes a temporary folder, removed by its stop().
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._log = folder / "postgres.log"
        self._user = UNPRIVILEGED_USER if os.geteuid() == 0 else None

    def start(self) -> KeptServer:
        bin_dir = binaries()
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._user is not None:  # postgres may not run as root
            record = pwd.getpwnam(self._user)
            os.chown(self.folder, record.pw_uid, record.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                [str(bin_dir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                 "--auth=trust", "-E", "UTF8", "--locale=C"]
            )  # fmt: skip
        args = [str(bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for name, value in SETTINGS.items():
            args += ["-c", f"{name}={value}"]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, user=self._user, cwd=self.folder
            )
        self._wait_ready()
        return self

    def fresh_database(self, name: str) -> str:
        """An empty database `name` (dropped first if it was there); its URL."""
        with self.admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def has_database(self, name: str) -> bool:
        with self.admin() as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return found.fetchone() is not None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()  # SIGTERM: smart shutdown, a checkpoint, data kept
            try:
                self._process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
