"""The media report's forked half: same answer as threads, errors carried, no child left."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from mediatop.analytics._forked import (
    ForkedWorkerError,
    fork_available,
    fork_call,
    fork_share,
)
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.media import media_report
from test_analytics_usage_fixtures import one_of_each_kind

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_both_halves_answer():
    assert fork_call(lambda: os.getpid(), lambda: os.getpid()) != (os.getpid(), os.getpid())
    theirs, ours = fork_call(lambda: {"a": [1, 2]}, lambda: "here")
    assert (theirs, ours) == ({"a": [1, 2]}, "here")


def test_an_error_in_the_child_is_raised_here():
    def fail() -> None:
        raise ValueError("bad range in child")

    with pytest.raises(ValueError, match="bad range in child"):
        fork_call(fail, lambda: None)


def test_a_child_that_dies_without_answering_is_a_clear_error():
    with pytest.raises(ForkedWorkerError, match="died"):
        fork_call(lambda: os._exit(3), lambda: None)


def test_an_error_here_kills_and_reaps_the_child(tmp_path: Path):
    pid_file = tmp_path / "child.pid"

    def linger() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    def fail_once_child_started() -> None:
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        raise KeyError("here failed")

    started = time.monotonic()
    with pytest.raises(KeyError):
        fork_call(linger, fail_once_child_started)
    assert time.monotonic() - started < 10, "the child was waited for, not killed"
    assert _gone(int(pid_file.read_text()))


def test_shared_tasks_each_run_once_on_whichever_side_is_free():
    def run(claimed) -> dict[int, int]:
        done = {}
        for index in claimed:
            if index == 0:
                time.sleep(0.3)  # a long first task: the other side takes the rest
            done[index] = os.getpid()
        return done

    theirs, ours = fork_share(6, run, run)
    assert sorted([*theirs, *ours]) == [0, 1, 2, 3, 4, 5]
    assert set(ours.values()) == {os.getpid()} and os.getpid() not in theirs.values()
    (long_side,) = [side for side in (theirs, ours) if 0 in side]
    assert long_side == {0: next(iter(long_side.values()))}, "the busy side took more"


def test_an_error_in_a_shared_task_is_raised_here():
    def child(claimed) -> None:
        for _ in claimed:
            raise ValueError("part failed in child")

    with pytest.raises(ValueError, match="part failed in child"):
        fork_share(3, child, lambda claimed: [time.sleep(0.2) for _ in claimed])


def test_fork_is_refused_while_another_thread_runs():
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not fork_available()
    finally:
        release.set()
        worker.join()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return one_of_each_kind(tmp_path_factory.mktemp("forked"))


def test_media_report_forked_equals_threaded(store, monkeypatch):
    assert fork_available(), "the test process should be single-threaded here"
    forked = to_jsonable(media_report(store.ctx("30d")))
    monkeypatch.setattr("mediatop.analytics.media.fork_available", lambda: False)
    threaded = to_jsonable(media_report(store.ctx("30d")))
    assert forked == threaded
    assert forked["usage"]["mostUsedFiles"][0]["filename"] == "hero.jpg"
