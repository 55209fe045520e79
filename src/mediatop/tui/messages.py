"""Typed messages that workers post and screens react to.

Workers never touch widgets: they post one of these, and the screen that owns the
widgets updates them on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from mediatop.library_types import FileDetail, FolderState, ScanSummary, Thumbnail
    from mediatop.library_types import ScanProgress as ScanProgressValue
    from mediatop.tui.data import DashboardData
    from mediatop.tui.subject_data import ReportFigures


@dataclass
class ScanProgress(Message):
    """The start-up scan moved on; each one replaces the previous in the status line."""

    progress: ScanProgressValue

    def can_replace(self, message: Message) -> bool:
        # a newer progress of the same phase waiting behind this one makes this one
        # stale: skip it (a phase's last count, the files walked, is always drawn)
        return isinstance(message, ScanProgress) and message.progress.phase == self.progress.phase


@dataclass
class ScanFinished(Message):
    """The start-up scan is done; the status line shows what it found."""

    summary: ScanSummary


@dataclass
class ChangesFollowed(Message):
    """A watched change was recorded (files new, changed or removed) at `at`."""

    summary: ScanSummary
    at: datetime


@dataclass
class LibraryChanged(Message):
    """The store or the folder changed: the dashboard should reload its figures."""

    # 'store': another connection committed; 'folder': changed files were recorded;
    # 'probed': a rescan has also probed them, so their savings can be measured.
    reason: str


@dataclass
class DirectoriesChanged(Message):
    """The folder watch saw changes in these directories (relative to the root, as
    bytes; b"" is the root), or, with `dirs` None, in something it could not name: the
    whole tree is compared."""

    dirs: frozenset[bytes] | None


@dataclass
class FolderWatchStarted(Message):
    """A watch of the media folder has taken hold: a change made from now on is seen."""


@dataclass
class FolderWatch(Message):
    """How the media folder is followed now: "watching"; "polling" (the watch cannot
    follow this tree, `why` says why); "gone" (the folder itself vanished: the store keeps
    the last scan's files; it is looked for until it comes back, then walked again)."""

    state: FolderState
    why: str = ""


@dataclass
class StoreWatch(Message):
    """How the store is followed now: `error` says why it cannot be read (the watch is
    started again after a pause, until it holds); "" once the watch holds again."""

    error: str = ""


@dataclass
class SavingsMeasured(Message):
    """A batch of image savings landed (or measuring began): `done` of `total` images;
    `finished` when the measuring stopped (all done, or nothing more could be)."""

    done: int
    total: int
    finished: bool = False

    def can_replace(self, message: Message) -> bool:
        # a later count waiting behind this one says more; the last one (finished) stays
        return isinstance(message, SavingsMeasured) and not self.finished


@dataclass
class DashboardLoaded(Message):
    data: DashboardData

    def can_replace(self, message: Message) -> bool:
        # figures loaded later, waiting behind these, are the ones to show
        return isinstance(message, DashboardLoaded)


@dataclass
class FileLoaded(Message):
    """A file's figures (its exact copies among them)."""

    detail: FileDetail


@dataclass
class ReportLoaded(Message):
    """A subject screen's report (or its list of files) was read."""

    figures: ReportFigures

    def can_replace(self, message: Message) -> bool:
        # figures read later, waiting behind these, are the ones to show
        return isinstance(message, ReportLoaded)


@dataclass
class WorkFailed(Message):
    """A worker failed; `what` names the task, `error` is a one-line message."""

    what: str
    error: str


@dataclass
class FileChosen(Message):
    """The user chose a file (enter on a row): the app opens its detail screen."""

    file_id: int


@dataclass
class PlaceChosen(Message):
    """The user chose a place where a file is used: the app lists the files it uses."""

    place_type: str
    place_id: str
    title: str | None


@dataclass
class ExportWritten(Message):
    """An export of `screen` was written into `path`: `rows` rows of CSV, or (None) one
    JSON document."""

    screen: str
    path: Path
    rows: int | None


@dataclass
class PreviewLoaded(Message):
    """A file's preview was drawn (`thumbnail`), or could not be (`problem`)."""

    file_id: int
    thumbnail: Thumbnail | None
    problem: str = ""
