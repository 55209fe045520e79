"""The environment a bench runs the user's commands in: the user's, not a build shell's.

A package installed with pip has its bytecode compiled at install time, and an editable
install writes it on the first run; a shell that sets PYTHONDONTWRITEBYTECODE (as some
containers and CI images do) would make every timed command compile each module it
imports, again and again, which no user's command does. Each bench calls `as_a_user()`
before it starts, and times its commands after a warm-up run that writes the bytecode.
"""

from __future__ import annotations

import os
import sys


def as_a_user() -> None:
    """Let the commands this process starts keep their compiled bytecode."""
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        print(
            "PYTHONDONTWRITEBYTECODE unset for the timed commands (see bench/user_shell.py)",
            file=sys.stderr,
        )
