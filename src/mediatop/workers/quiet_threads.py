"""Threads that never hold a lock a forked child could need.

Forking while another thread runs is safe only if that thread cannot hold, at the
moment of the fork, a lock the child will take (an SQLite mutex, logging's): the child
would wait for it forever. A thread that only waits on a pipe and, at most, starts
another thread holds none of those. Started here, it is known as such, and
`forked.fork_is_safe` does not count it (the CLI's signal watch would otherwise keep
every command it runs in from forking the way the scan's first walk does).
"""

from __future__ import annotations

import threading
import weakref

_quiet: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def start_quiet(thread: threading.Thread) -> None:
    """Start `thread`, known from now on as one that holds no lock a child needs."""
    _quiet.add(thread)
    thread.start()


def only_quiet_threads_besides_this_one() -> bool:
    """Whether every thread but the calling one was started by `start_quiet`."""
    me = threading.current_thread()
    return all(thread is me or thread in _quiet for thread in threading.enumerate())
