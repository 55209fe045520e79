"""Every failure mediatop reports to a person, as one exception hierarchy.

`MediatopError` carries the one-line message a user should read (its `str()`); a face
(the CLI, the dashboard, a server) catches it and nothing else of the internals.
`InputError` marks what the caller asked for wrong (a setting, a range, a log format,
an event, a root never scanned): the CLI exits 2 for those, 1 for the others.

This module is a leaf: it imports nothing of mediatop, so every layer may raise its
errors. Types keep the stdlib base their callers relied on before (a `TimeRangeError` is
still a `ValueError`, a `LogShrankError` still an `OSError`).
"""

from __future__ import annotations


class MediatopError(Exception):
    """A failure with a message meant for the user (one line, no traceback)."""


class InputError(MediatopError):
    """What the caller asked for cannot be used: a usage error at the CLI (exit 2)."""


class ConfigError(InputError):
    """A setting that cannot be used; the message is meant for the user."""


class TimeRangeError(InputError, ValueError):
    """A range the user wrote that cannot be understood; `flag` names the input at
    fault ('range', 'from' or 'to'), so a face can point at what to fix."""

    def __init__(self, message: str, flag: str = "range") -> None:
        super().__init__(message)
        self.flag = flag


class StoreError(MediatopError):
    """A store that cannot be used; the message is meant for the user."""


class StoreTooNewError(StoreError):
    """The store was written by a newer mediatop than this one."""


class StoreCorruptError(StoreError):
    """The file is not a usable SQLite database."""


class StoreReadOnlyError(StoreError):
    """This process may read the store but not write it (the message says why)."""


class StoreWriteError(StoreError):
    """A write to the store failed (e.g. still locked after the busy timeout)."""


class NotScannedError(InputError, ValueError):
    """The store has never scanned its root; nothing was stored. The message is for
    the user (the CLI names the root)."""


class InvalidEvent(InputError, ValueError):
    """An event that cannot be stored; the message says why, and `field` names the
    field at fault when one is (the HTTP API puts it in its JSON error)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownMediaError(InvalidEvent):
    """An event or a request names a media file the library does not have (an HTTP 404,
    where a malformed reference is a 400)."""


class LogFormatError(InputError, ValueError):
    """A log format string mediatop cannot use; the message is for the user."""


class LogFormatMismatchError(InputError, ValueError):
    """A log never read before, none of whose first lines the format reads: almost
    certainly the wrong --format. Raised before anything of it is stored, so a run with
    the right format still reads it whole. The message is for the user."""


class WorkerCountError(InputError, ValueError):
    """MEDIATOP_INGEST_WORKERS is not a number of workers; the message is for the user."""


class MissingInputError(InputError):
    """A file or folder the caller named does not exist or is not of the right kind."""


class StoreCopyRefused(InputError):
    """`mediatop store copy` was asked to copy into a store that is not new, or into the
    store it copies."""


class SourceReadError(MediatopError):
    """A log, event file or export could not be read (I/O error, damaged gzip)."""


class IngestWorkerError(MediatopError, RuntimeError):
    """A parse-and-write worker died or failed; its uncommitted chunk is read next run."""


class LogInUseError(MediatopError):
    """Another run of the same node is reading this log or event file (store/log_readers)."""


class LogShrankError(MediatopError, OSError):
    """The log was truncated while its chunks were being read (copytruncate rotation)."""


class WalkWorkerError(MediatopError, RuntimeError):
    """A forked walker died or failed; the scan stops (its transaction rolls back)."""


class ReportError(MediatopError):
    """A report that cannot be computed as asked (e.g. a file the library does not hold)."""


class UnknownPlaceError(ReportError, LookupError):
    """A report names a place (a page, a post...) that no reference read names (an
    HTTP 404)."""


class DemoError(MediatopError):
    """The demo library could not be prepared; the message is for the user."""
