"""Two runs of one node never read the same log at once (store/log_readers.py): a cron
`mediatop ingest` that starts while another one (here a `--follow`) still reads the log
stops before reading anything, saying why, and every line stays counted once; another
node may read its own copy; a killed reader leaves no lock behind. On both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from media_factory import small_served_library
from mediatop.store import connect

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
# Six requests of one image a minute apart: six lines, six stored events.
LINES = "".join(
    f'192.0.2.{n} - - [10/Oct/2024:10:0{n}:00 +0000] "GET /uploads/img-1.jpg HTTP/1.1" '
    f'200 100 "-" "{UA}"\n'
    for n in range(6)
)


def _mediatop(*args: str) -> list[str]:
    return [sys.executable, "-m", "mediatop", *args]


def _stored(store_url: str) -> int:
    conn = connect(store_url, readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM media_usage_events").fetchone()[0])
    finally:
        conn.close()


def _scanned_with_log(tmp_path: Path, store_url: str) -> tuple[Path, Path]:
    """A small library scanned into the store, and a log of its six LINES."""
    root = small_served_library(tmp_path / "media")
    scanned = subprocess.run(_mediatop("scan", str(root), "--db", store_url, "--no-probe"))
    assert scanned.returncode == 0
    log = tmp_path / "access.log"
    log.write_text(LINES)
    return root, log


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _follow(root: Path, log: Path, store_url: str) -> subprocess.Popen[str]:
    """A `--follow` of node web-1, once it has stored the log's six lines."""
    follower = subprocess.Popen(
        _mediatop("ingest", str(root), str(log), "--db", store_url, "--node", "web-1",
                  "--follow"),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # as a shell starts a command in the foreground, where Ctrl-C reaches it: a run in
        # the background (`cmd &`, as a CI may start the suite) would pass SIGINT ignored
        preexec_fn=_interruptible,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while _stored(store_url) < 6:
        assert follower.poll() is None, follower.communicate()[1]
        assert time.monotonic() < deadline, "the follower stored nothing"
        time.sleep(0.05)
    return follower


def _ingest(root: Path, log: Path, store_url: str, node: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _mediatop("ingest", str(root), str(log), "--db", store_url, "--node", node),
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip


def test_a_second_reader_of_a_log_stops_and_nothing_is_counted_twice(
    tmp_path: Path, store_url: str
) -> None:
    root, log = _scanned_with_log(tmp_path, store_url)
    follower = _follow(root, log, store_url)
    try:
        second = _ingest(root, log, store_url, "web-1")
        assert second.returncode == 1
        message = second.stderr.strip()
        assert "another mediatop run of node 'web-1' is reading" in message, message
        assert str(log) in message and len(message.splitlines()) == 1
        assert _stored(store_url) == 6  # the six lines once, by the follower
        # Another node's run is no second reader: the same path is that node's own log.
        other = _ingest(root, log, store_url, "web-2")
        assert other.returncode == 0, other.stderr
        assert _stored(store_url) == 12
    finally:
        follower.send_signal(signal.SIGINT)  # as Ctrl-C: what was read is stored
        try:
            follower.wait(timeout=30)
        except subprocess.TimeoutExpired:
            follower.kill()  # no process left behind by a failing run
            raise
    again = _ingest(root, log, store_url, "web-1")
    assert again.returncode == 0, again.stderr
    assert _stored(store_url) == 12  # resumed at the end: nothing new


def test_a_killed_reader_leaves_no_lock(tmp_path: Path, store_url: str) -> None:
    root, log = _scanned_with_log(tmp_path, store_url)
    follower = _follow(root, log, store_url)
    os.kill(follower.pid, signal.SIGKILL)
    follower.wait(timeout=30)
    with log.open("a") as handle:  # one more line after the kill: read by the next run
        handle.write(LINES.splitlines(keepends=True)[0].replace("10:00:00", "10:09:00"))
    after = _ingest(root, log, store_url, "web-1")
    assert after.returncode == 0, after.stderr
    assert _stored(store_url) == 7
