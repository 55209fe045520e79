"""The one pool for hostile files: a task that prints, crashes, hangs or eats memory costs
only itself an error; a quit stops it at once; its workers die with their parent."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mediatop.workers.pool import isolated, run_isolated
from process_support import process_gone


def noisy_task(value: int) -> int:
    """What a chatty C library does: write straight to the process's stdout and stderr."""
    os.write(1, b"libfoo: warning on stdout\n")
    os.write(2, b"libfoo: corrupt data on stderr\n")
    return value * 2


def crashing_task(value: int) -> int:
    """A decoder that segfaults on value 3, as a C library does on a hostile file."""
    if value == 3:
        os.kill(os.getpid(), signal.SIGSEGV)
    return value * 10


def hanging_task(value: int) -> int:
    """Value 3 hangs where no Python signal handler runs (inside C code): the alarm that
    limits a batched task is blocked, so only killing the worker stops it."""
    if value == 3:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    return value * 10


def greedy_task(value: int) -> int:
    """Value 3 asks for 3 GiB at once, over the workers' 2 GiB address-space limit."""
    if value == 3:
        return len(bytearray(3 * 1024**3))
    return value * 10


def niceness_task(value: int) -> int:
    return os.nice(0)


def doubling_task(value: int) -> int:
    return value * 2


def sleeping_task(value: int) -> int:
    time.sleep(3600)
    return value


def _results(outcomes: list) -> dict[int, object]:
    return {o.task: o.result if o.error is None else o.error for o in outcomes}


def test_savings_pool_workers_cannot_write_to_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    outcomes, not_started = run_isolated(noisy_task, [1, 2], workers=1, timeout_s=60)
    assert sorted(o.result for o in outcomes if o.result is not None) == [2, 4]
    assert not_started == 0
    captured = capfd.readouterr()
    assert "libfoo" not in captured.out and "libfoo" not in captured.err


def test_workers_yield_the_cpu_to_the_dashboard() -> None:
    # a hang-up must end the dashboard within seconds even while its probes fill both cores
    outcomes, _ = run_isolated(niceness_task, [1], workers=1, timeout_s=60, warm_up=())
    assert [o.result for o in outcomes] == [min(os.nice(0) + 10, 19)]


@pytest.mark.parametrize("batch", [1, 4])
def test_a_crashing_worker_costs_only_its_own_task_an_error(batch: int) -> None:
    outcomes = [o for group in isolated(crashing_task, range(1, 7), workers=2, timeout_s=30,
                                        batch=batch) for o in group]  # fmt: skip
    results = _results(outcomes)
    # every task but the culprit: its value × 10; the culprit died of SIGSEGV (11)
    assert results == {1: 10, 2: 20, 3: "worker crashed (killed by signal 11)", 4: 40, 5: 50,
                       6: 60}  # fmt: skip
    assert not multiprocessing.active_children()


def test_tasks_caught_in_a_broken_pool_run_again_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies before pebble knew which task it ran breaks the whole pool:
    pebble fails every scheduled task with BrokenProcessPool. Those tasks run again on a
    new pool, each alone, so that none of them is blamed for a crash that was not theirs."""
    monkeypatch.setenv("MEDIATOP_TEST_DIE_ONCE", str(tmp_path / "died"))
    groups = isolated(doubling_task, [1, 2, 3], workers=1, timeout_s=30,
                      warm_up=("dies_once_on_import",))  # fmt: skip
    outcomes = [o for group in groups for o in group]
    assert (tmp_path / "died").exists()  # the first worker did die
    assert _results(outcomes) == {1: 2, 2: 4, 3: 6}
    assert not multiprocessing.active_children()


def test_a_batched_task_hung_in_c_code_is_stopped_and_only_it_fails() -> None:
    started = time.monotonic()
    outcomes = [o for group in isolated(hanging_task, range(1, 7), workers=2, timeout_s=1,
                                        batch=3) for o in group]  # fmt: skip
    elapsed = time.monotonic() - started
    hung = next(o for o in outcomes if o.task == 3)
    assert hung.timed_out and hung.error == "timeout after 1 s"
    assert _results([o for o in outcomes if o.task != 3]) == {1: 10, 2: 20, 4: 40, 5: 50, 6: 60}
    # the batch [1, 2, 3] is killed after 2 × 1 s, then 3 alone after 1 s: about 3 s, and
    # far from the hour the task would take
    assert elapsed < 20
    assert not multiprocessing.active_children()


def test_a_task_over_the_memory_limit_fails_with_memory_error() -> None:
    outcomes, _ = run_isolated(greedy_task, [1, 3], workers=1, timeout_s=30, warm_up=())
    results = _results(outcomes)
    assert results[1] == 10
    assert str(results[3]).startswith("MemoryError")


def test_cancelling_stops_the_running_tasks_within_a_second() -> None:
    started = time.monotonic()
    quit_at = started + 1.0  # the app quits a second in, while every task still sleeps

    outcomes = [o for group in isolated(sleeping_task, range(4), workers=2, timeout_s=3600,
                                        cancelled=lambda: time.monotonic() > quit_at)
                for o in group]  # fmt: skip
    assert outcomes == []
    assert time.monotonic() - quit_at < 0.5  # the README promises half a second
    assert not multiprocessing.active_children()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_workers_die_with_the_process_that_started_them(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = textwrap.dedent(f"""
        import os, time
        from mediatop.workers.pool import isolated

        def stuck(value):
            with open({str(pids)!r}, "a") as out:
                out.write(f"{{os.getpid()}}\\n")
            time.sleep(3600)

        if __name__ == "__main__":
            for _ in isolated(stuck, [1, 2], workers=2, timeout_s=3600):
                pass
    """)
    (tmp_path / "parent.py").write_text(script)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "parent.py")], cwd=tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_read_pids(pids)) < 2:
        time.sleep(0.05)
    workers = _read_pids(pids)
    assert len(workers) == 2, "both workers should be running their task"
    parent.kill()  # SIGKILL: the parent cannot clean up
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(map(process_gone, workers)):
        time.sleep(0.05)
    assert all(map(process_gone, workers)), "a worker outlived its parent"


def _read_pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


# Names with a leading underscore that are public API all the same.
PUBLIC_DESPITE_THE_UNDERSCORE = {"_exit", "_make", "_replace", "_asdict", "_fields"}
CORE = ("workers", "scan", "ingest", "analytics", "store")


def test_no_core_module_touches_a_private_attribute_of_a_library() -> None:
    """Killing pool workers through the executor's `_processes` broke with any release
    of the library; the core reaches only public attributes of other objects."""
    import ast

    import mediatop

    package = Path(mediatop.__file__).parent
    found = []
    for path in sorted(p for core in CORE for p in (package / core).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            ):
                name = node.attr
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "setattr", "hasattr")
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                name = str(node.args[1].value)
            if (
                name
                and name.startswith("_")
                and not name.startswith("__")
                and name not in PUBLIC_DESPITE_THE_UNDERSCORE
            ):
                found.append(f"{path.relative_to(package)}:{node.lineno} {name}")
    assert found == []
