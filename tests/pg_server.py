"""A real PostgreSQL server for the tests: `initdb` in a temporary folder, `postgres` on a
free loopback port, one server per test session and one database per test.

The binaries come from the `pgserver` wheel (the test extra: it ships PostgreSQL for
this platform), else from PATH. PostgreSQL refuses to run as root, and CI runs as root:
then the data folder is given to `nobody` and initdb and postgres run as that user.
Durability is off (fsync, synchronous_commit): a test server lives for one session.
A server that cannot start raises `PgServerError` with what it said: the PostgreSQL
tests then fail with that message, never skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

START_TIMEOUT_S = 30.0
UNPRIVILEGED_USER = "nobody"
SUPERUSER = "mediatop"


class PgServerError(RuntimeError):
    """The test server could not be started; the message says why."""


def binaries() -> Path:
    """The folder with initdb and postgres: the pgserver wheel's, else PATH's."""
    try:
        import pgserver
    except ImportError:
        found = shutil.which("initdb")
        if found is None:
            raise PgServerError(
                "no PostgreSQL binaries: install the test extra (pip install -e '.[test]', "
                "which brings the pgserver wheel) or put initdb and postgres on PATH"
            ) from None
        return Path(found).parent
    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgServer:
    """One running postgres; `url(name)` names a database on it."""

    def __init__(self, kept_folder: Path | None = None) -> None:
        """A server in a temporary folder, removed by `stop`; or in `kept_folder`, made by
        initdb the first time and kept (a benchmark's store is built once)."""
        self.kept = kept_folder is not None
        self.folder = (kept_folder or Path(tempfile.mkdtemp(prefix="mediatop-pg-"))).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._log = self.folder / "postgres.log"
        self._user = UNPRIVILEGED_USER if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self, **overrides: str) -> PgServer:
        """initdb, then postgres; `overrides` replace the test settings (a benchmark
        wants durable commits back, say)."""
        bin_dir = binaries()
        if self._user is not None:
            # postgres may not run as root: the folder becomes the unprivileged user's.
            record = pwd.getpwnam(self._user)
            os.chown(self.folder, record.pw_uid, record.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                [str(bin_dir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                 "-E", "UTF8", "--locale=C", "--no-sync"]
            )  # fmt: skip
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": "",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            **overrides,
        }
        args = [str(bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for name, value in settings.items():
            args += ["-c", f"{name}={value}"]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, user=self._user, cwd=self.folder
            )
        self._wait_ready()
        return self

    def _run(self, args: list[str]) -> None:
        done = subprocess.run(
            args, capture_output=True, user=self._user, cwd=self.folder, check=False
        )
        if done.returncode != 0:
            said = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise PgServerError(f"{Path(args[0]).name} failed ({done.returncode}): {said}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise PgServerError(f"postgres exited at start: {self._log_tail()}")
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    self.stop()
                    raise PgServerError(
                        f"postgres did not answer in {START_TIMEOUT_S:.0f} s ({exc}): "
                        f"{self._log_tail()}"
                    ) from exc
                time.sleep(0.05)

    def log_text(self, since: int = 0) -> tuple[str, int]:
        """What the server logged from byte `since` on, and the byte it ends at (a test
        that turns on `log_statement` reads the statements it made)."""
        with self._log.open("rb") as log:
            log.seek(since)
            data = log.read()
        return data.decode(errors="replace"), since + len(data)

    def _log_tail(self) -> str:
        try:
            return " | ".join(self._log.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return "(no log)"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the maintenance database (CREATE/DROP DATABASE)."""
        return psycopg.connect(self.url(), autocommit=True)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()  # SIGTERM: postgres's smart shutdown (a checkpoint)
            try:
                self._process.wait(timeout=120 if self.kept else 10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)
