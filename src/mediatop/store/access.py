"""Whether this process may write a store, and if not, which file or folder stops it.

SQLite writes the database file and creates its `-wal`, `-shm` and `-journal` files
beside it, so a store can be written only when both the file and its folder can be.
A store that cannot be written may still be read: `read_uri` says how to open it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Advice for a store this process cannot write, after the sentence saying why.
WRITE_ADVICE = (
    "run the command as a user who may write there, give yourself write access, or pass --db "
    "with a store elsewhere; reports and the dashboard can still read this one"
)


def _who() -> str:
    """This process's user, by name where the system knows one."""
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _described(path: Path) -> str:
    """'dr-xr-xr-x, owner root': what decides who may write `path`."""
    import pwd

    info = path.stat()
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = f"uid {info.st_uid}"
    return f"{stat.filemode(info.st_mode)}, owner {owner}"


def write_problem(path: Path) -> str | None:
    """Why this process cannot write the store at `path`, or None when it can (or when
    the store's folder is missing, which the opener reports itself)."""
    folder = path.absolute().parent  # named in full: "the folder ." says nothing
    try:
        if path.exists() and not os.access(path, os.W_OK):
            return f"the file {path} is read-only for {_who()} ({_described(path)})"
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            return (
                f"the folder {folder} is not writable for {_who()} ({_described(folder)}); "
                f"SQLite must create {path.name}-wal and {path.name}-shm there"
            )
    except OSError as exc:
        return f"{path} cannot be checked ({exc.strerror or exc})"
    return None


def read_uri(path: Path) -> str:
    """The SQLite URI that reads the store at `path` without writing anything.

    A store in WAL mode is read through its `-shm` file, which a reader creates when it
    is missing. In a folder this process cannot write, that is impossible; but with no
    `-wal` file there, no writer has the store open and every commit is in the file
    itself, so it is read as immutable (SQLite then skips the shared memory).
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    if not folder_writable and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri
