"""A pool worker's warm-up module that kills the first worker importing it (a worker
dying before pebble knows which task it runs, as a crash in a decoder's set-up does).
The marker file named by MEDIATOP_TEST_DIE_ONCE records that one has died."""

import os
import signal

_marker = os.environ.get("MEDIATOP_TEST_DIE_ONCE")
if _marker:
    try:
        os.close(os.open(_marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        pass
    else:
        os.kill(os.getpid(), signal.SIGKILL)
