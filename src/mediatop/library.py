"""The library surface: one object through which every face uses a media library.

A face (the CLI, the dashboard, the HTTP server) opens a `MediaLibrary`
on a root and a store, then scans, ingests, records events, loads usage locations,
looks files up and runs reports by name and range through it, getting back the
frozen dataclasses the sources and analytics produce. Failures reach the face as
`mediatop.errors.MediatopError` subclasses with the message a user should read; no
driver, file or decoder exception of the internals gets through.

Threads: every method is synchronous and opens the connection it needs and closes it
before returning, so any method may be called from any thread (a Textual worker
thread included), and calls from several threads may overlap: SQLite's busy timeout
orders their writes. Callbacks (`progress`, `on_batch`, `cancelled`, `stop`) run in
the calling thread. The object itself only holds settings; `close()` ends its use.

The dashboard uses the same object: the live methods it inherits from
`mediatop.library_live` (figures, rescans, measuring savings in batches, watchers) and
the screens' reads from `mediatop.library_browse` (a page's files, a file's copies,
the state of ingest).
Cleanup and optimise (plans, apply, undo, list, purge) come from
`mediatop.library_cleanup`.
A whole store is copied into a new one by `MediaLibrary.copy_store`, from
`mediatop.library_store`.
The HTTP server too: it finds files as a page names them and records beacons in
batches through the methods inherited from `mediatop.library_events`.

Heavy modules are imported inside the methods, so importing this module (the CLI's
`--help`) stays cheap. The dataclasses the methods return are named for the faces in
`mediatop.library_types`, so a face needs no import of the internals.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.registry import REPORTS, ReportSpec
from mediatop.config import Settings, load_settings
from mediatop.errors import (
    MediatopError,
    MissingInputError,
    ReportError,
    StoreReadOnlyError,
    StoreWriteError,
)
from mediatop.library_browse import BrowseLibrary
from mediatop.library_cleanup import CleanupLibrary
from mediatop.library_events import EventsLibrary
from mediatop.library_live import MeasureProgress
from mediatop.library_store import StoreLibrary

if TYPE_CHECKING:
    from mediatop.ingest.events.tracked import ImportReport
    from mediatop.ingest.locations.importer import LocationsReport
    from mediatop.ingest.logs.tally import IngestTally
    from mediatop.model import MediaFile, UsageEvent, VideoEngagementEvent
    from mediatop.scan import ScanProgress, ScanSummary
    from mediatop.timerange import TimeRange

__all__ = ["REPORTS", "MeasureProgress", "MediaLibrary", "ReportSpec", "to_jsonable"]


class MediaLibrary(BrowseLibrary, CleanupLibrary, EventsLibrary, StoreLibrary):
    """A media root and its store, as every face uses them.

    A `readonly` library reads the store as it is and never creates it (a store this
    process cannot write is still shown); its sources (scan, ingest, events, usage
    locations) raise StoreReadOnlyError. Its reports still store the hashes and
    savings they measure when the store can be written: those are caches of the files,
    not the user's records.

    A `lean` library reads the store without mapping it and with a small page cache
    (`mediatop.store.connect`): for a process that stays open, the dashboard.
    """

    def __init__(self, settings: Settings, *, readonly: bool = False, lean: bool = False) -> None:
        self.settings = settings
        self.readonly = readonly
        self.lean = lean
        self._closed = False

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        db: Path | str | None = None,
        quota: str | None = None,
        url_prefixes: Sequence[str] | None = None,
        unused_days: int | None = None,
        readonly: bool = False,
    ) -> MediaLibrary:
        """The library at `root` with settings from these values, the environment and
        the config file (ConfigError when one cannot be used). Opens no store yet."""
        settings = load_settings(
            root,
            db=db,
            quota=quota,
            url_prefixes=list(url_prefixes) if url_prefixes is not None else None,
            unused_days=unused_days,
        )
        return cls(settings, readonly=readonly)

    # -- the store ---------------------------------------------------------------

    def check(self) -> None:
        """Open the store once and close it: a writable library creates or migrates it
        here; StoreError (too new, corrupt, unreadable) is raised now rather than later."""
        self._connect(readonly=self.readonly).close()

    def write_problem(self) -> str | None:
        """Why this process cannot write the store, or None when it can."""
        from mediatop.store import write_problem

        if self.settings.db_url is not None:
            return None  # the server grants or refuses writes: a refusal is a StoreError
        return write_problem(self.settings.db_path)

    def has_store(self) -> bool:
        """Whether the store file exists (nothing is created to find out); a PostgreSQL
        store is taken to exist (opening it says otherwise)."""
        return self.settings.db_url is not None or self.settings.db_path.is_file()

    # -- sources -----------------------------------------------------------------

    def scan(
        self,
        *,
        probe: bool = True,
        progress: Callable[[ScanProgress], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        now: int | None = None,
    ) -> ScanSummary:
        """Bring the store up to date with the media folder (walk, then probe new and
        changed files unless `probe` is False). `progress` is called as it goes;
        `cancelled` returning True stops it, leaving the store as it was."""
        from mediatop.scan import scan_root

        with self._writer() as conn:
            return scan_root(
                conn, self.settings.root, probe=probe, workers=self.settings.probe_workers,
                progress=progress, now=now, cancelled=cancelled,
            )  # fmt: skip

    def ingest_log(
        self,
        logs: Sequence[Path],
        *,
        log_format: str | None = None,
        follow: bool = False,
        stop: Callable[[], bool] | None = None,
        batch_lines: int | None = None,
        on_batch: Callable[[IngestTally], None] | None = None,
    ) -> IngestTally:
        """Read access logs (plain or .gz) into the store, each line once.

        Refused before anything is read when MEDIATOP_INGEST_WORKERS is not a number
        (WorkerCountError), a log is missing (MissingInputError), the root was never
        scanned (NotScannedError), or another run of this node is reading one of the
        logs (LogInUseError). A log that cannot be read, or a .gz that ends early, is a
        SourceReadError naming it. KeyboardInterrupt passes through: what was read so
        far is stored."""
        from mediatop.ingest.logs.logfile import DEFAULT_BATCH_LINES, ingest_logs
        from mediatop.ingest.logs.pipeline import configured_workers
        from mediatop.store.log_readers import reading_alone

        configured_workers()  # checked before anything is read
        for log in logs:
            _require_file(log, "log file")
        with self._scanned_writer() as conn, reading_alone(conn, self.settings.node, logs):
            return ingest_logs(
                conn, logs, url_prefixes=self.settings.url_prefixes, node=self.settings.node,
                log_format=log_format,
                follow=follow, stop=stop, on_batch=on_batch,
                batch_lines=DEFAULT_BATCH_LINES if batch_lines is None else batch_lines,
            )  # fmt: skip

    def record_event(self, fields: Mapping[str, Any]) -> UsageEvent | VideoEngagementEvent:
        """Validate and store one usage or video event (InvalidEvent says what is wrong).
        `fields` are the JSONL event's (media, eventType, userId, sessionId, ...)."""
        from mediatop.ingest.events.tracked import track_event

        with self._scanned_writer() as conn:
            return track_event(conn, fields, url_prefixes=self.settings.url_prefixes)

    def import_events(self, path: Path) -> ImportReport:
        """Load a JSONL file (or .jsonl.gz) of usage and video events, each line once;
        bad lines are skipped and listed in the report. LogInUseError when another run
        of this node is reading the file."""
        from mediatop.ingest.events.tracked import import_events
        from mediatop.ingest.unreadable import reading_source
        from mediatop.store.log_readers import reading_alone

        _require_file(path, "events file")
        with (
            self._scanned_writer() as conn,
            reading_alone(conn, self.settings.node, [path]),
            reading_source(path, "events file"),
        ):
            return import_events(
                conn, path, url_prefixes=self.settings.url_prefixes, node=self.settings.node
            )

    def scan_locations(self, content_dir: Path) -> LocationsReport:
        """Find where files are used in exported content (HTML, Markdown, JSON...) and
        replace the usage locations found there before."""
        from mediatop.ingest.locations.importer import scan_locations

        if not content_dir.is_dir():
            raise MissingInputError(f"not a folder: {content_dir}")
        with self._writer() as conn:
            return scan_locations(conn, content_dir, url_prefixes=self.settings.url_prefixes)

    def import_locations(self, path: Path) -> LocationsReport:
        """Load usage locations from a CMS export (.csv or .jsonl), replacing the ones
        that export gave before."""
        from mediatop.ingest.locations.importer import import_locations
        from mediatop.ingest.unreadable import reading_source

        _require_file(path, "export file")
        with self._writer() as conn, reading_source(path, "export file"):
            return import_locations(conn, path, url_prefixes=self.settings.url_prefixes)

    # -- reading -----------------------------------------------------------------

    def report(
        self,
        name: str,
        time_range: TimeRange,
        options: Mapping[str, str] | None = None,
        *,
        now: datetime | None = None,
    ) -> Any:
        """Report `name` (a key of REPORTS) over `time_range`, as its dataclass.
        `options` are the report's string options (file, top, unused_days, ...).
        Hashes (duplicates) and image savings (images, media) are measured first, as
        far as the options `hash`, `phash` and `measure` allow (see
        `mediatop.measure.for_reports`); in a store this process cannot write nothing
        new is measured, and the report shows what is stored."""
        return self._reports(name, (time_range,), options, now)[0]

    def report_data(
        self,
        name: str,
        time_range: TimeRange,
        options: Mapping[str, str] | None = None,
        *,
        previous: TimeRange | None = None,
        now: datetime | None = None,
    ) -> Any:
        """Report `name` in its JSON form; with `previous`, the change from that period
        added (what `report --compare` prints)."""
        ranges = (time_range,) if previous is None else (time_range, previous)
        results = [to_jsonable(r) for r in self._reports(name, ranges, options, now)]
        if previous is None:
            return results[0]
        from mediatop.analytics.compare import with_comparison

        return with_comparison(results[0], results[1], time_range.label, previous.label)

    def find_file(self, id_or_path: str | bytes | int) -> MediaFile:
        """The file with this id or path under the root (ReportError when there is none)."""
        from mediatop.analytics.library.lookup import find_file

        with self._reader() as conn:
            try:
                return find_file(conn, id_or_path)
            except LookupError as exc:
                raise ReportError(str(exc.args[0] if exc.args else exc)) from None

    def _reports(
        self,
        name: str,
        ranges: Sequence[TimeRange],
        options: Mapping[str, str] | None,
        now: datetime | None,
    ) -> list[Any]:
        from mediatop.analytics.context import ReportContext
        from mediatop.analytics.registry import run_report
        from mediatop.errors import InputError
        from mediatop.measure.for_reports import measure_before

        if name not in REPORTS:
            raise InputError(f"unknown report {name!r}; choose from {', '.join(REPORTS)}")
        moment = now or datetime.now(UTC)
        opts = dict(options or {})
        with self._reader() as conn:
            try:
                # Reports read only: what they show measured is measured first, and
                # handed to them in their context.
                return [
                    run_report(name, ReportContext(
                        conn, self.settings, time_range, moment, opts,
                        measure_before(name, conn, self.settings, opts, moment),
                    ))
                    for time_range in ranges
                ]  # fmt: skip
            except ReportError:  # already says what is missing (a place no reference names)
                raise
            except LookupError as exc:
                raise ReportError(str(exc.args[0] if exc.args else exc)) from exc

    # -- connections -------------------------------------------------------------

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        if self._closed:
            raise MediatopError("the library is closed")
        from mediatop.store import connect

        return connect(self.settings.store, readonly=readonly, lean=self.lean)

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect(readonly=True)
        try:
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        """A writable connection; a failed write (e.g. the store still locked after the
        30 s busy timeout) becomes StoreWriteError."""
        if self.readonly:
            raise StoreReadOnlyError(
                f"the library {self.settings.root} was opened read-only; nothing was recorded"
            )
        conn = self._connect(readonly=False)
        try:
            yield conn
        except sqlite3.Error as exc:
            raise StoreWriteError(f"the store could not be written: {exc}") from exc
        finally:
            conn.close()

    @contextlib.contextmanager
    def _scanned_writer(self) -> Iterator[sqlite3.Connection]:
        """The store of a root that has been scanned; NotScannedError, creating and
        storing nothing, when it never was (every event would be lost as a miss)."""
        from mediatop.errors import NotScannedError
        from mediatop.ingest.prescan import require_scanned

        if not self.has_store():
            raise NotScannedError(f"the store has never scanned {self.settings.root}")
        with self._writer() as conn:
            require_scanned(conn)
            yield conn

    def close(self) -> None:
        """End the use of this library (every method opens and closes its own
        connection, so nothing stays open between calls)."""
        self._closed = True

    def __enter__(self) -> MediaLibrary:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _require_file(path: Path, what: str) -> None:
    """MissingInputError unless `path` is a regular file, saying what it is instead."""
    a_what = f"{'an' if what[0] in 'aeiou' else 'a'} {what}"
    if path.is_dir():
        raise MissingInputError(f"{path} is a folder, not {a_what}")
    if path.exists() and not path.is_file():
        raise MissingInputError(f"{path} is a pipe or device, not {a_what}")
    if not path.is_file():
        raise MissingInputError(f"no such {what}: {path}")
