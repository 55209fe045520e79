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
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent / "tests"))

from pg_server import PgServer

# PostgreSQL's own defaults for durability, where the tests' server turns them off.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


class KeptServer(PgServer):
    """A durable postgres on `folder`/data, made by initdb the first time; `stop` shuts
    it down cleanly and keeps the folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(kept_folder=folder)

    def start(self, **overrides: str) -> KeptServer:
        super().start(**{**DURABLE, **overrides})
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

    def cpu_seconds(self) -> float:
        """The CPU time the server has used so far: the postmaster's, its ended backends'
        (reaped: counted in its children's time) and its running ones' (Linux /proc), so
        that a bench can tell the server's work from the time it spent waiting."""
        assert self._process is not None
        postmaster = self._process.pid

        def times(pid: int | str) -> list[int]:
            # after the name in parentheses: state, ppid, ..., utime, stime, cutime, cstime
            with open(f"/proc/{pid}/stat") as stat:
                return [int(field) for field in stat.read().rsplit(")", 1)[1].split()[1:15]]

        ticks = sum(times(postmaster)[10:14])
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = times(entry)
                except (OSError, ValueError):  # ended meanwhile
                    continue
                if fields[0] == postmaster:
                    ticks += fields[10] + fields[11]
        return ticks / os.sysconf("SC_CLK_TCK")
