"""The forked pipeline shared by the walk, the ingest and the media report: each task
once, turns in task order, errors carried, no child left; the report it runs equals
the threaded one."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediatop import leaving
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.media import media_report
from mediatop.workers.forked import ForkedWorkerError, Turn, fork_is_safe, run_forked
from test_analytics_usage_fixtures import one_of_each_kind

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _children() -> set[int]:
    """Pids (zombies included) whose parent is this process, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(int(entry))
    return found


@pytest.fixture
def no_child_left() -> Iterator[None]:
    before = _children()
    yield
    assert _children() <= before, "a forked child was left behind"


def _pid_of_each(tasks: Iterator[int], turn: Turn) -> Iterator[tuple[int, int]]:
    for task in tasks:
        if task == 0:
            time.sleep(0.3)  # a long first task: the other child takes the rest meanwhile
        yield task, os.getpid()


# A list is claimed by the children through a shared counter; other iterables are
# handed out by the parent.
SHAPES = [pytest.param(list, id="list"), pytest.param(iter, id="iterator")]


@pytest.mark.parametrize("shape", SHAPES)
def test_each_task_runs_once_on_whichever_child_is_free_first(
    no_child_left: None, shape: Any
) -> None:
    done = dict(run_forked(shape(range(8)), _pid_of_each, processes=2))
    assert sorted(done) == list(range(8))
    assert os.getpid() not in done.values() and len(set(done.values())) == 2
    busy = done[0]
    assert [task for task, pid in done.items() if pid == busy] == [0], "the idle child took more"


def test_this_process_takes_its_share_of_a_list_when_it_has_work_here(
    no_child_left: None,
) -> None:
    done = dict(run_forked(list(range(8)), _pid_of_each, processes=1, here=_pid_of_each))
    assert sorted(done) == list(range(8))
    assert os.getpid() in done.values() and len(set(done.values())) == 2
    busy = done[0]  # whichever side took the long task 0 took nothing else
    assert [task for task, pid in done.items() if pid == busy] == [0]


def _append_in_turn(tasks: Iterator[int], turn: Turn) -> Iterator[list[int]]:
    for task in tasks:
        time.sleep(0.05 * (task % 3))  # later tasks often finish their own work first
        so_far: list[int] = turn.wait()
        turn.passed([*so_far, task])
        yield [*so_far, task]


@pytest.mark.parametrize("shape", SHAPES)
def test_turns_pass_in_task_order_with_the_state_each_left(no_child_left: None, shape: Any) -> None:
    states = list(
        run_forked(shape(range(7)), _append_in_turn, processes=3, ordered=True, first_state=[-1])
    )
    # task n waits for tasks 0 .. n-1, so the state it sees is [-1, 0, ..., n-1]
    assert sorted(states, key=len) == [[-1, *range(n + 1)] for n in range(7)]


def _skip_odd_turns(tasks: Iterator[int], turn: Turn) -> Iterator[int]:
    for task in tasks:
        if task % 2 == 0:
            count: int = turn.wait()
            turn.passed(count + 1)
            yield count


@pytest.mark.parametrize("shape", SHAPES)
def test_a_task_that_takes_no_turn_does_not_hold_up_the_next(
    no_child_left: None, shape: Any
) -> None:
    # the even tasks 0, 2, 4, 6 take turns in that order: they see 0, 1, 2, 3
    found = run_forked(shape(range(7)), _skip_odd_turns, processes=2, ordered=True, first_state=0)
    assert sorted(found) == [
        0, 1, 2, 3,
    ]  # fmt: skip


def _die_on_three(tasks: Iterator[int], turn: Turn) -> Iterator[int]:
    for task in tasks:
        if task == 3:
            os._exit(3)
        yield task


def _raise_on_three(tasks: Iterator[int], turn: Turn) -> Iterator[int]:
    for task in tasks:
        if task == 3:
            raise ValueError("bad range in child")
        yield task


@pytest.mark.parametrize("shape", SHAPES)
def test_a_child_that_dies_or_raises_is_an_error_here(no_child_left: None, shape: Any) -> None:
    with pytest.raises(ForkedWorkerError, match=r"died \(exit code 3\)"):
        list(run_forked(shape(range(6)), _die_on_three, processes=2))
    with pytest.raises(ValueError, match="bad range in child"):
        list(run_forked(shape(range(6)), _raise_on_three, processes=2))


def _linger(tasks: Iterator[int], turn: Turn) -> Iterator[int]:
    for task in tasks:
        yield task
        time.sleep(60)


def test_stopping_early_kills_and_reaps_every_child(no_child_left: None) -> None:
    started = time.monotonic()
    results = run_forked(range(4), _linger, processes=2)
    assert next(results) in range(4)
    results.close()
    assert time.monotonic() - started < 10, "the children were waited for, not killed"


def test_an_error_reading_the_tasks_stops_every_child(no_child_left: None) -> None:
    def tasks() -> Iterator[int]:
        yield 0
        raise OSError("the log went away")

    with pytest.raises(OSError, match="went away"):
        list(run_forked(tasks(), _pid_of_each, processes=2))


def _a_running_thread_bars_a_fork() -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not fork_is_safe()
    finally:
        release.set()
        worker.join()


def test_fork_is_refused_while_another_thread_runs() -> None:
    _a_running_thread_bars_a_fork()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return one_of_each_kind(tmp_path_factory.mktemp("forked"))


def test_media_report_forked_equals_threaded(store: Any, monkeypatch: pytest.MonkeyPatch):
    assert fork_is_safe(), "the test process should be single-threaded here"
    forked = to_jsonable(media_report(store.ctx("30d")))
    monkeypatch.setattr("mediatop.analytics.parts.fork_is_safe", lambda: False)
    threaded = to_jsonable(media_report(store.ctx("30d")))
    assert forked == threaded
    assert forked["usage"]["mostUsedFiles"][0]["filename"] == "hero.jpg"


def test_media_report_runs_every_part_once_and_usage_with_overview() -> None:
    from mediatop.analytics.media import _GROUPS, _PARTS

    grouped = [name for group in _GROUPS for name in group]
    assert sorted(grouped) == sorted(_PARTS)  # each part in one group, once
    # one group, so one process: the unused files' candidate rows are read once
    assert any({"usage", "overview"} <= set(group) for group in _GROUPS)


def test_media_report_parts_equal_the_reports_run_alone(store: Any) -> None:
    from mediatop.analytics.library.overview import overview_report
    from mediatop.analytics.usage.report import usage_report

    media = to_jsonable(media_report(store.ctx("30d")))
    assert media["usage"] == to_jsonable(usage_report(store.ctx("30d")))
    assert media["overview"] == to_jsonable(overview_report(store.ctx("30d")))


def test_the_commands_signal_watch_does_not_bar_a_fork() -> None:
    """`mediatop scan` runs inside leave_on_signals, whose watch thread only reads a
    pipe: counted as a thread that may hold a lock, it kept the first scan from packing
    its rows in the walkers."""
    with leaving.leave_on_signals():
        assert "mediatop-signal-watch" in [t.name for t in threading.enumerate()]
        assert fork_is_safe()
        _a_running_thread_bars_a_fork()  # any other thread still does
