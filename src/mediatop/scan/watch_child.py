"""The folder watch's own process: it follows one tree with watchfiles and tells the
process that started it what it sees, one JSON line at a time.

Why a process: watchfiles sets up its watch of a tree (an inotify watch per folder,
found by walking the whole tree) while holding the interpreter's lock, a quarter of a
second on 100,000 files and seconds on a busy machine. In the dashboard's process no
other thread would run meanwhile: not the event loop, not a signal handler, not the
last resort that ends a hung-up dashboard (`mediatop.leaving`). Here that time stalls
nothing but this process.

The lines, on stdout: `{"held": true}` once the watch has started; `{"changes":
[path, ...]}` for each burst of changes; last, `{"gone": true}` when the root is no
longer a folder, or `{"failed": why, "error": message}` when the watch fails (`why` as
`unwatchable` says, or null for any other failure). It dies with its parent.

Run as `python -m mediatop.scan.watch_child PARENT_PID ROOT [IGNORED_PATH...]`.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from mediatop.scan.watch import (
    WATCH_DEBOUNCE_MS,
    WATCH_STEP_MS,
    ignoring,
    unwatchable,
)
from mediatop.workers.children import die_with_parent


def _tell(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def follow(root: str, ignore: list[str]) -> int:
    """Report the watch of `root` on stdout until the root is gone (0) or the watch
    fails (1)."""
    from watchfiles import watch

    held = False
    try:
        for changes in watch(
            root,
            debounce=WATCH_DEBOUNCE_MS,
            step=WATCH_STEP_MS,
            # The empty yields show that the watch has started, and let the loop see
            # that the root has gone.
            rust_timeout=500,
            yield_on_timeout=True,
            recursive=True,
            watch_filter=ignoring(ignore),
        ):
            if not held:
                held = True
                _tell({"held": True})
            if changes:
                _tell({"changes": sorted(path for _change, path in changes)})
            if not os.path.isdir(root):
                _tell({"gone": True})
                return 0
    except Exception as exc:  # told to the parent, which decides
        _tell({"failed": unwatchable(exc), "error": str(exc) or type(exc).__name__})
        return 1
    return 0


def main(argv: list[str]) -> int:
    parent, root, *ignore = argv
    die_with_parent(int(parent))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    return follow(root, ignore)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
