"""Forked pipelines: tasks handed to forked children in order, their results streamed back.

The scan's walk, a big log's ingest and the media report's parts run in children that
need what the parent holds in memory (the stored signatures; the URL map, salt and
warmed-up UA parser; the report's context), so the children are forked, not spawned,
and only tasks and small results cross the pipes.
`run_forked(tasks, work, processes=N)` forks N children and runs `work(their_tasks,
turn)` in each:

- Tasks are taken one at a time, in the order given, by whichever child is free first,
  so the split suits whatever each task costs (one big sub-tree does not leave the
  other child idle). A list is claimed by the children themselves through a counter
  they share; any other iterable is read by the parent, lazily, one task ahead.
- In an `ordered` run, a task that must come after the ones before it takes its
  *turn*: `turn.wait()` returns once every earlier task has passed its own (or
  finished without one), with the state the last one passed on; `turn.passed(state)`
  hands it to the next. The ingest writes its chunks strictly in log order so, each
  with the checkpoint after the one before.
- What `work` yields streams back to the caller as it comes, in no particular order.
- A list without turns may be shared with the parent itself (`here`): it claims its
  tasks as the children do, on what is warm in it (the report's connection).

A thread of the parent serves the children (tasks, turns), so a busy caller never
keeps a child waiting; where they need nothing of it (a list, no turns), the caller's
own thread reads their results. Each child dies with the parent (PR_SET_PDEATHSIG; one
waiting for its turn or its next task also leaves when the parent's end of its pipe
closes), leaves Ctrl-C to the parent, keeps the collector off the inherited heap and
leaves with os._exit. When the caller stops early or anything fails, every child is killed and
reaped. A child that dies is a ForkedWorkerError; an exception a child raises is raised
in the parent. Linux and other platforms with fork only: callers run in-process
elsewhere.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from mediatop.workers.children import before_fork, die_with_parent, picklable
from mediatop.workers.quiet_threads import only_quiet_threads_besides_this_one

T = TypeVar("T")
R = TypeVar("R")

POLL_S = 0.1
# Results waiting for the caller: enough to keep children busy, few enough that a slow
# caller holds them back rather than piling their output up in memory.
QUEUED_PER_CHILD = 2

# Child to parent: asks for the next task, has finished one, asks for its turn, passes
# its turn, sends a result, reports the exception it raised, says it is done.
_NEXT, _DONE, _TURN, _PASSED, _RESULT, _FAILED, _END = range(7)
_NO_TASK = -1  # parent to child, in place of a task's index: there are no more


def fork_is_safe() -> bool:
    """Whether this process may fork now: only while no other thread runs that could
    hold a lock (an SQLite mutex, the allocator, logging) at the moment of the fork (a
    thread `quiet_threads` knows holds none is no bar), and not on macOS, whose system
    libraries do not survive a fork. The scan's walk and the ingest fork anyway,
    touching nothing such a lock guards."""
    return (
        hasattr(os, "fork") and sys.platform != "darwin" and only_quiet_threads_besides_this_one()
    )


class ForkedWorkerError(RuntimeError):
    """A forked child died, or raised what cannot be carried to the parent."""


class Turn:
    """A child's place in the order of its tasks: wait for it, then pass it on."""

    def __init__(self, conn: Connection | None, ordered: bool) -> None:
        self._conn = conn
        self._ordered = ordered
        self.index = _NO_TASK  # the task this child holds

    def wait(self) -> Any:
        """Block until every earlier task passed its turn; the state the last one left."""
        if not self._ordered or self._conn is None:
            raise RuntimeError("turns are taken only in a run_forked(..., ordered=True)")
        self._conn.send((_TURN, self.index))
        return self._conn.recv()  # EOF: the parent is gone, and so is this child

    def passed(self, state: Any) -> None:
        """This task's turn is over: `state` goes to the next task's `wait()`."""
        if self._conn is not None:
            self._conn.send((_PASSED, self.index, state))


def _tasks_of_child(
    conn: Connection, turn: Turn, tasks: Sequence[Any] | None, claimed: Any, ordered: bool
) -> Iterator[Any]:
    """The tasks this child takes, each when the last is done: claimed through the
    shared counter from a list inherited with the fork, else handed by the parent."""
    while True:
        if ordered and turn.index != _NO_TASK:
            conn.send((_DONE, turn.index))  # the next task's turn need not wait for it
        if tasks is None:
            conn.send((_NEXT,))
            index, task = conn.recv()
        else:
            index, task = _claim(tasks, claimed)
        if index == _NO_TASK:
            return
        turn.index = index
        yield task


def _claim(tasks: Sequence[Any], claimed: Any) -> tuple[int, Any]:
    """The next task of a list no process has taken yet, through the shared counter."""
    with claimed.get_lock():
        index = claimed.value
        claimed.value = index + 1
    return (index, tasks[index]) if index < len(tasks) else (_NO_TASK, None)


def _claimed_here(tasks: Sequence[Any], claimed: Any) -> Iterator[Any]:
    """This process's share of a list, claimed as the children claim theirs."""
    while (item := _claim(tasks, claimed))[0] != _NO_TASK:
        yield item[1]


def _child_life(
    conn: Connection,
    inherited: list[Connection],
    work: Callable[[Iterator[Any], Turn], Iterable[Any]],
    parent_pid: int,
    tasks: Sequence[Any] | None,
    claimed: Any,
    ordered: bool,
) -> None:
    """A child's whole life; never returns (os._exit, whatever happens)."""
    code = 1
    try:
        die_with_parent(parent_pid)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        # A hang-up or SIGTERM (a terminal's goes to the whole process group) ends a
        # child as the default does; the parent's handlers, inherited, are the parent's
        # way to leave. One the starter ignores (nohup) stays ignored.
        for signum in (signal.SIGHUP, signal.SIGTERM):
            if signal.getsignal(signum) != signal.SIG_IGN:
                signal.signal(signum, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)  # a signal here must not wake the parent's event loop (TUI)
        # What the fork inherited is never garbage: keep the collector off it (touching
        # it would copy its pages). `work` collects where it makes garbage.
        gc.freeze()
        gc.disable()
        for other in inherited:  # keep only our own end: EOF then means we are gone
            other.close()
        turn = Turn(conn, ordered)
        try:
            for result in work(_tasks_of_child(conn, turn, tasks, claimed, ordered), turn):
                conn.send((_RESULT, result))
            conn.send((_END,))
            code = 0
        except BaseException as exc:
            told = picklable(exc, lambda e: ForkedWorkerError(f"failed: {e!r}"))
            with contextlib.suppress(OSError):
                conn.send((_FAILED, told))
    finally:
        os._exit(code)


class _Order:
    """Whose turn it is, the state the last turn left, and who waits for theirs."""

    def __init__(self, state: Any) -> None:
        self.next = 0
        self.state = state
        self.finished: set[int] = set()  # later tasks done with their turn or without one
        self.waiting: dict[int, Connection] = {}

    def ask(self, index: int, conn: Connection) -> None:
        if index == self.next:
            conn.send(self.state)
        else:
            self.waiting[index] = conn

    def finish(self, index: int, state: Any, passed: bool) -> None:
        if index < self.next or index in self.finished:
            return  # passed its turn already
        if passed:
            self.state = state
        self.finished.add(index)
        while self.next in self.finished:
            self.finished.remove(self.next)
            self.next += 1
        if self.next in self.waiting:
            self.waiting.pop(self.next).send(self.state)


class _Dispatcher:
    """The parent's side: a thread that serves the children and queues what they send."""

    def __init__(self, tasks: Iterable[Any], state: Any) -> None:
        self.children: dict[Connection, int] = {}
        self.live: set[Connection] = set()
        self.unreaped: set[int] = set()
        self.reap_lock = threading.Lock()
        self.tasks = tasks
        self.source: Iterator[tuple[int, Any]] = iter(())
        self.ahead: tuple[int, Any] | None = None
        self.order = _Order(state)
        self.out: queue.Queue[tuple[int, Any]] = queue.Queue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="mediatop-forked", daemon=True)

    def add(self, conn: Connection, pid: int) -> None:
        self.children[conn] = pid
        self.live.add(conn)
        self.unreaped.add(pid)

    def start(self) -> None:
        self.out = queue.Queue(QUEUED_PER_CHILD * len(self.children))
        self.thread.start()

    def _serve(self) -> None:
        try:
            self.source = enumerate(self.tasks)
            self.ahead = next(self.source, None)
            while self.live and not self.stopping.is_set():
                for ready in wait(list(self.live), timeout=POLL_S):
                    assert isinstance(ready, Connection)
                    self._handle(ready)
            self._put((_END, None))
        except BaseException as exc:
            self._put((_FAILED, exc))

    def _handle(self, conn: Connection) -> None:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise ForkedWorkerError(f"died ({self._reap(conn)})") from None
        kind = message[0]
        if kind == _RESULT:
            self._put(message)
        elif kind == _NEXT:
            item = self.ahead
            if item is not None:  # read the next task now, while the children work
                self.ahead = next(self.source, None)
            conn.send((_NO_TASK, None) if item is None else item)
        elif kind == _DONE:
            self.order.finish(message[1], None, passed=False)
        elif kind == _TURN:
            self.order.ask(message[1], conn)
        elif kind == _PASSED:
            self.order.finish(message[1], message[2], passed=True)
        elif kind == _FAILED:
            raise message[1]
        else:  # _END
            self._reap(conn)

    def _reap(self, conn: Connection) -> str:
        """Wait for a child that ended or died; how it ended."""
        self.live.discard(conn)
        pid = self.children[conn]
        with self.reap_lock:
            if pid not in self.unreaped:
                return "killed"
            _, status = os.waitpid(pid, 0)
            self.unreaped.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        return f"killed by signal {-code}" if code < 0 else f"exit code {code}"

    def relay(self, here: Iterable[Any]) -> Iterator[Any]:
        """Without the thread: `here`'s results and the children's, read in this thread
        until every child is done. Enough where no child ever waits for this process
        (claimed tasks, no turns)."""
        self.out = queue.Queue()
        for result in here:
            yield result
            yield from self._received(timeout=0)  # what came meanwhile, without waiting
        while self.live:
            yield from self._received(timeout=None)

    def _received(self, timeout: float | None) -> Iterator[Any]:
        for ready in wait(list(self.live), timeout=timeout):
            assert isinstance(ready, Connection)
            self._handle(ready)
            while not self.out.empty():
                yield self.out.get_nowait()[1]

    def _put(self, item: tuple[int, Any]) -> None:
        if not self.thread.is_alive():  # relaying in the caller's thread
            self.out.put_nowait(item)
            return
        while not self.stopping.is_set():
            with contextlib.suppress(queue.Full):
                self.out.put(item, timeout=POLL_S)
                return

    def stop(self) -> None:
        """Kill and reap every child still there, then end the thread."""
        self.stopping.set()
        with self.reap_lock:
            for pid in self.unreaped:
                # Never waited for yet, so the pid cannot have been reused: killing is safe.
                with contextlib.suppress(ChildProcessError, ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
            self.unreaped.clear()
        if self.thread.ident is not None:
            self.thread.join()


def run_forked(
    tasks: Iterable[T],
    work: Callable[[Iterator[T], Turn], Iterable[R]],
    *,
    processes: int,
    ordered: bool = False,
    first_state: Any = None,
    here: Callable[[Iterator[T], Turn], Iterable[R]] | None = None,
) -> Generator[R, None, None]:
    """What `work` yields in `processes` forked children, as it comes (see the module
    docstring). A list of tasks is claimed by the children; any other iterable is read
    in this process, lazily. Tasks, states and results must pickle. Tasks take turns
    only when `ordered` (the first task's `turn.wait()` then returns `first_state`):
    otherwise a child never tells when it is done with one. `here`, for a list of tasks
    without turns, runs in this process too, on the tasks it claims as the children
    claim theirs (on what is warm here, say a connection). Close the generator
    (contextlib.closing) if you may stop before the end: that is when the children are
    killed and reaped."""
    before_fork()
    parent_pid = os.getpid()
    # A list is claimed by the children themselves, through a counter they share, with
    # no round trip through this process; other iterables are read here, lazily.
    listed = tasks if isinstance(tasks, list | tuple) else None
    claimed = multiprocessing.get_context("fork").Value("q", 0) if listed is not None else None
    pipes = [multiprocessing.Pipe() for _ in range(processes)]
    ends = [end for pair in pipes for end in pair]
    dispatcher = _Dispatcher(() if listed is not None else tasks, first_state)
    try:
        for ours, theirs in pipes:
            pid = os.fork()
            if pid == 0:
                others = [end for end in ends if end is not theirs]
                _child_life(theirs, others, work, parent_pid, listed, claimed, ordered)
            dispatcher.add(ours, pid)
        for _, theirs in pipes:
            theirs.close()
        if listed is not None and not ordered:
            mine = () if here is None else here(_claimed_here(listed, claimed), Turn(None, False))
            yield from dispatcher.relay(mine)
            return
        dispatcher.start()
        while True:
            kind, value = dispatcher.out.get()
            if kind == _RESULT:
                yield value
            elif kind == _END:
                return
            else:
                raise value
    finally:
        dispatcher.stop()
        for end in ends:
            end.close()
