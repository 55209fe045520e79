"""A media file opened for its probe without following a symlink on the way to it.

The walk never follows a link, but a file can be swapped for one between the walk and
its probe (or a folder on its path for a link to another folder). So the probe does not
hand its parsers a path: the file is opened once, from the root down, each folder with
O_NOFOLLOW relative to its parent's descriptor and the file itself with O_NOFOLLOW,
and only a regular file is read. The parsers get that open file, named as the file is
(some guess a format from the name), so what they read is the file the walk saw.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from typing import BinaryIO

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in must not block the open (it is refused just after).
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class NotAFileError(OSError):
    """What is there now is not a regular file (a link, a FIFO, a device...)."""


def open_beneath(root: bytes, rel_path: bytes) -> BinaryIO:
    """The regular file at `rel_path` under `root`, reached without following any link
    below the root (the root itself may be one: the user named it). OSError when it
    cannot be opened; NotAFileError when it is a link or no regular file."""
    *folders, name = rel_path.split(b"/")
    dir_fd = os.open(root, _DIR_FLAGS)
    try:
        for folder in folders:
            try:
                below = os.open(folder, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise NotAFileError(
                        exc.errno, "a folder on its path is a symlink or a file now; not followed"
                    ) from None
                raise
            os.close(dir_fd)
            dir_fd = below
        fd = _open_file(name, dir_fd)
    finally:
        os.close(dir_fd)
    return _named(fd, os.path.join(root, rel_path))


def open_no_follow(path: bytes) -> BinaryIO:
    """The regular file at `path`, its last part not followed if it is a link (for a
    path named by the caller, not found by a walk under a root)."""
    return _named(_open_file(path, None), path)


def _open_file(name: bytes, dir_fd: int | None) -> int:
    try:
        return os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the name is a symlink now
            raise NotAFileError(exc.errno, "it is a symlink now; not followed") from None
        raise


def _named(fd: int, path: bytes) -> BinaryIO:
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFileError("it is not a regular file now")
        os.set_blocking(fd, True)
        raw = io.FileIO(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    raw.name = os.fsdecode(path)
    return io.BufferedReader(raw)
