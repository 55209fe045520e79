"""Making a worker process safe to run hostile-file parsers in.

Probe and savings workers call `isolate_worker()` first: their stdout and stderr go to
/dev/null, so nothing a C library prints (libjpeg warnings, libav noise) can reach the
terminal or the TUI drawn on it; Ctrl-C is left to the parent; and an address-space
limit turns a decoder that runs away with memory into an error instead of an OOM kill.
"""

from __future__ import annotations

import os
import signal

WORKER_MEMORY_BYTES = 2 * 1024**3


def isolate_worker(memory_bytes: int = WORKER_MEMORY_BYTES) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass
