"""One exception hierarchy: every failure a person reads is a MediatopError.

A face catches `MediatopError` and nothing else of the internals; the types keep the
stdlib bases code relied on before, and their messages stay as they were.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mediatop.errors import InputError, MediatopError


def test_every_error_a_user_reads_is_a_mediatop_error() -> None:
    from mediatop.cli.output import UserError
    from mediatop.config import ConfigError
    from mediatop.demo import DemoError
    from mediatop.ingest.events.tracked import InvalidEvent
    from mediatop.ingest.logs.logfile import LogFormatMismatchError
    from mediatop.ingest.logs.logformat import LogFormatError
    from mediatop.ingest.logs.pipeline import IngestWorkerError, LogShrankError, WorkerCountError
    from mediatop.ingest.prescan import NotScannedError
    from mediatop.scan.walk_forked import WalkWorkerError
    from mediatop.store import StoreCorruptError, StoreError, StoreReadOnlyError, StoreTooNewError
    from mediatop.timerange import TimeRangeError

    kinds = (
        UserError, ConfigError, DemoError, InvalidEvent, LogFormatMismatchError,
        LogFormatError, IngestWorkerError, LogShrankError, WorkerCountError, NotScannedError,
        WalkWorkerError, StoreError, StoreCorruptError, StoreReadOnlyError, StoreTooNewError,
        TimeRangeError,
    )  # fmt: skip
    assert [k.__name__ for k in kinds if not issubclass(k, MediatopError)] == []
    # the stdlib bases callers catch today stay
    assert issubclass(TimeRangeError, ValueError) and issubclass(InvalidEvent, ValueError)
    assert issubclass(LogShrankError, OSError) and issubclass(IngestWorkerError, RuntimeError)
    # what the caller asked for wrong is a usage error; a broken store is not
    assert issubclass(ConfigError, InputError) and issubclass(NotScannedError, InputError)
    assert not issubclass(StoreError, InputError)


def test_a_bad_range_is_caught_as_a_mediatop_error_with_its_message() -> None:
    from datetime import UTC, datetime

    from mediatop.timerange import parse_range

    with pytest.raises(MediatopError) as caught:
        parse_range("fortnight", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert "fortnight" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_corrupt_store_is_caught_as_a_mediatop_error(tmp_path: Path) -> None:
    from mediatop.store import connect

    db = tmp_path / "store.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(MediatopError):
        connect(db)
    # and not as the driver's own error type
    with pytest.raises(MediatopError) as caught:
        connect(db)
    assert not isinstance(caught.value, sqlite3.Error)
