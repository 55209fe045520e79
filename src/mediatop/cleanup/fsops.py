"""Moving one file safely, through directory descriptors that no symlink can redirect.

Every directory below the root is opened with O_NOFOLLOW relative to its parent's
descriptor, and every file is named relative to its folder's descriptor (`dir_fd=`):
a folder swapped for a symlink before it is opened is refused (ELOOP); one swapped
after it was opened no longer matters, since the descriptor still holds the real
folder under the root. A file is stat'ed without following links and checked against
what the plan saw (size, mtime, inode, ctime) right before it is moved, and its moved
copy is checked again after.

Across file systems (the quarantine on another disk) a move is a copy: written with
O_EXCL, fsynced, its mtime set, read back and compared by xxh3-128 with what was read
from the original, and only then is the original removed (if it is still the same
file).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

import xxhash

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


class Skip(Exception):
    """This file is left where it is; the message says why (for the report)."""


class FolderGone(Skip):
    """A folder on the way to the file does not exist (and was not to be made)."""


@dataclass(frozen=True)
class Expected:
    """The file as the plan saw it; an inode or ctime of None is not compared."""

    size: int
    mtime_ns: int
    inode: int | None
    ctime_ns: int | None = None

    def changes(
        self, size: int, mtime_ns: int, inode: int | None, ctime_ns: int | None = None
    ) -> list[str]:
        """What differs in a file seen as these: "size", "mtime", "inode", "ctime" (an
        inode or ctime unknown on either side is not compared)."""
        changed = []
        if size != self.size:
            changed.append("size")
        if mtime_ns != self.mtime_ns:
            changed.append("mtime")
        if None not in (inode, self.inode) and inode != self.inode:
            changed.append("inode")
        if None not in (ctime_ns, self.ctime_ns) and ctime_ns != self.ctime_ns:
            changed.append("ctime")
        return changed

    def changes_in(self, st: os.stat_result) -> list[str]:
        """`changes` of a file's stat."""
        return self.changes(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def open_root(root: bytes) -> int:
    """A descriptor of the root folder (the root itself may be a link, as in a scan)."""
    return os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


MAX_HELD_FOLDERS = 256


class Folders:
    """Descriptors of the folders under one base folder, opened without following any
    link and kept for the run (a batch touches the same folders again and again)."""

    def __init__(self, base_fd: int, *, create: bool = False, mode: int = 0o700) -> None:
        self.base_fd = base_fd
        self.create = create
        self.mode = mode
        self._open: dict[bytes, int] = {b"": base_fd}

    @property
    def opened(self) -> int:
        """How many folder descriptors are held."""
        return len(self._open)

    def close_if_many(self) -> None:
        """Between uses, when none is held: close the folders opened so far once there
        are over MAX_HELD_FOLDERS, so a run over thousands of folders keeps a few
        hundred descriptors, well inside a process's limit."""
        if len(self._open) > MAX_HELD_FOLDERS:
            self.close_folders()

    def parent_of(self, relative: bytes) -> tuple[int, bytes]:
        """(descriptor of the folder holding `relative`, its last name); Skip when a
        folder on the way is a symlink, not a folder, or (unless creating) gone."""
        folder, _, name = relative.rpartition(b"/")
        return self.folder(folder), name

    def folder(self, relative: bytes) -> int:
        if relative in self._open:
            return self._open[relative]
        parent_path, _, name = relative.rpartition(b"/")
        parent = self.folder(parent_path)
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not self.create:
                raise FolderGone(f"its folder {os.fsdecode(relative)} is gone") from None
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, self.mode, dir_fd=parent)
            fd = self._open_existing(parent, name, relative)
        except OSError as exc:
            raise Skip(_folder_problem(relative, exc)) from None
        self._open[relative] = fd
        return fd

    @staticmethod
    def _open_existing(parent: int, name: bytes, relative: bytes) -> int:
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=parent)
        except OSError as exc:
            raise Skip(_folder_problem(relative, exc)) from None

    def close_folders(self) -> None:
        """Close the folders opened so far (not the base). Only between uses: a
        descriptor handed out before is invalid after."""
        for relative, fd in self._open.items():
            if relative:
                os.close(fd)
        self._open = {b"": self.base_fd}

    def close(self) -> None:
        self.close_folders()
        os.close(self.base_fd)


def _folder_problem(relative: bytes, exc: OSError) -> str:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return f"the folder {os.fsdecode(relative)} is a symlink or not a folder; not followed"
    return f"cannot open the folder {os.fsdecode(relative)}: {exc.strerror}"


def checked_stat(dir_fd: int, name: bytes, expected: Expected) -> os.stat_result:
    """The file's stat (no link followed); Skip when it is missing, a symlink, not a
    regular file, or changed since the plan (size, mtime, inode or ctime)."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        raise Skip("it is gone") from None
    except OSError as exc:
        raise Skip(f"cannot stat it: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise Skip("it is a symlink; never followed")
    if not stat.S_ISREG(st.st_mode):
        raise Skip("it is not a regular file")
    changed = expected.changes_in(st)
    if changed:
        raise Skip(f"it changed since the plan ({', '.join(changed)})")
    return st


def temp_name(name: bytes, journal_id: int) -> bytes:
    """The temporary file an optimise writes beside `name` before it takes its place
    (named from its journal row, so undo can remove one a crash left behind)."""
    return b"." + name + f".mediatop-{journal_id}.tmp".encode()


def exists(dir_fd: int, name: bytes) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def move_out(src_fd: int, name: bytes, dst_fd: int, dst_name: bytes, expected: Expected) -> None:
    """Move the checked file into a folder of ours (the quarantine): a rename, or a
    verified copy across file systems. Skip when it changed at the last moment."""
    if exists(dst_fd, dst_name):
        raise Skip("the quarantine already holds a file of that name")
    try:
        os.rename(name, dst_name, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise Skip(f"cannot move it: {exc.strerror}") from None
        copy_across(src_fd, name, dst_fd, dst_name, expected)
        return
    moved = os.stat(dst_name, dir_fd=dst_fd, follow_symlinks=False)
    if expected.inode is not None and moved.st_ino != expected.inode:
        # Swapped between the check and the rename: put it back, untouched.
        os.rename(dst_name, name, src_dir_fd=dst_fd, dst_dir_fd=src_fd)
        raise Skip("it changed since the plan (inode)")


def move_back(src_fd: int, name: bytes, dst_fd: int, dst_name: bytes, expected: Expected) -> None:
    """Put a file back where nothing may be overwritten: a hard link (which fails if
    the name is taken) then the quarantine's name removed; a verified copy across file
    systems. Skip when a file has appeared at the destination."""
    try:
        os.link(name, dst_name, src_dir_fd=src_fd, dst_dir_fd=dst_fd, follow_symlinks=False)
    except FileExistsError:
        raise Skip("a file has appeared in its place since; not overwritten") from None
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            copy_across(src_fd, name, dst_fd, dst_name, expected)
            return
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise Skip(f"cannot put it back: {exc.strerror}") from None
        if exists(dst_fd, dst_name):  # no hard links here: check, then rename
            raise Skip("a file has appeared in its place since; not overwritten") from None
        os.rename(name, dst_name, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
        return
    os.unlink(name, dir_fd=src_fd)


def copy_across(src_fd: int, name: bytes, dst_fd: int, dst_name: bytes, expected: Expected) -> None:
    """Copy, fsync, verify by hash, then remove the original (see the module docstring)."""
    source = _open_checked(src_fd, name, expected)
    try:
        st = os.fstat(source)
        try:
            target = os.open(dst_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o600, dir_fd=dst_fd)  # fmt: skip
        except FileExistsError:
            raise Skip("a file has appeared in its place since; not overwritten") from None
        try:
            digest = _copy(source, target)
            os.fchmod(target, stat.S_IMODE(st.st_mode))
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
            os.fsync(target)
        finally:
            os.close(target)
    finally:
        os.close(source)
    if file_hash(dst_fd, dst_name) != digest:
        os.unlink(dst_name, dir_fd=dst_fd)
        raise Skip("the copy did not read back the same; the original is kept")
    _fsync_folder(dst_fd)
    now = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
    changed = (now.st_ino, now.st_mtime_ns, now.st_ctime_ns) != (
        st.st_ino, st.st_mtime_ns, st.st_ctime_ns
    )  # fmt: skip
    if changed:
        os.unlink(dst_name, dir_fd=dst_fd)
        raise Skip("it changed while it was copied; the original is kept")
    os.unlink(name, dir_fd=src_fd)
    _fsync_folder(src_fd)


def _open_checked(dir_fd: int, name: bytes, expected: Expected) -> int:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        raise Skip(f"cannot open it: {exc.strerror}") from None
    if expected.changes_in(os.fstat(fd)):
        os.close(fd)
        raise Skip("it changed since the plan")
    return fd


def _copy(source: int, target: int) -> str:
    hasher = xxhash.xxh3_128()
    while chunk := os.read(source, _CHUNK):
        hasher.update(chunk)
        view = memoryview(chunk)
        while view:
            view = view[os.write(target, view) :]
    return hasher.hexdigest()


def file_hash(dir_fd: int, name: bytes) -> str:
    """xxh3-128 of a file read through its folder's descriptor (no link followed)."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        hasher = xxhash.xxh3_128()
        while chunk := os.read(fd, _CHUNK):
            hasher.update(chunk)
        return hasher.hexdigest()
    finally:
        os.close(fd)


def _fsync_folder(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.fsync(fd)


@contextlib.contextmanager
def folders(base: bytes, *, create: bool = False, mode: int = 0o700) -> Iterator[Folders]:
    """The folders under `base` (missing ones made with `mode` when `create`), closed
    when done."""
    opened = Folders(open_root(base), create=create, mode=mode)
    try:
        yield opened
    finally:
        opened.close()
