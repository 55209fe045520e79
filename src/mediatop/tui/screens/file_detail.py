"""One file's detail: path, kind, size, pixels / length / pages, probe facts, upload
time and how it is known, probe error if any; then its use and traffic over the range,
where it is used, why it looks unused (if it does) and what to do about it.

Every value read from the file (its name, its embedded title, author, the probe error
that may quote it) is shown as plain, visible text.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from mediatop.analytics.file import FileReport
from mediatop.config import Settings
from mediatop.model import MediaFile
from mediatop.tui.data import load_file, user_message
from mediatop.tui.messages import FileLoaded, WorkFailed
from mediatop.tui.plain import (
    count_text,
    duration_text,
    ms_text,
    percent_text,
    plain,
    plain_path,
    size_text,
    wrapped,
)
from mediatop.tui.widgets.most_used import kind_label

UPLOAD_SOURCES = {
    "first_seen": "first seen by a scan",
    "path": "from its upload folder",
    "mtime": "from its modification time",
}


class FileDetailScreen(Screen[None]):
    """What the store knows about one file."""

    HELP_GROUP = "File"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, settings: Settings, file_id: int, *, now: datetime | None) -> None:
        super().__init__()
        self.settings = settings
        self.file_id = file_id
        self.now = now

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="file-detail"):
            yield Static(Text("Reading the store…", style="dim"), id="file-facts")
            yield Static(id="file-usage")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#file-detail").border_title = "File"
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def load(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, name="load file")

    def _load(self) -> None:
        try:
            detail = load_file(self.settings, self.now, self.file_id)
        except Exception as exc:  # shown on the screen, never as a traceback
            self.post_message(WorkFailed("Reading the file", user_message(exc)))
            return
        self.post_message(FileLoaded(detail))

    def on_file_loaded(self, message: FileLoaded) -> None:
        detail = message.detail
        # The name, not the id: ids depend on the order a scan met the files.
        self.query_one("#file-detail").border_title = Text.assemble(
            "File ", plain_path(os.path.basename(detail.file.path))
        )
        self.query_one("#file-facts", Static).update(facts_table(detail.file))
        self.query_one("#file-usage", Static).update(
            usage_section(detail.report, detail.range_label)
        )

    def on_work_failed(self, message: WorkFailed) -> None:
        self.query_one("#file-facts", Static).update(
            Text.assemble((f"{message.what} failed: ", "bold red"), plain(message.error))
        )


def _date(ts: int | None, with_time: bool = True) -> str:
    if ts is None:
        return "unknown"
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def _uploaded(file: MediaFile) -> str:
    source = UPLOAD_SOURCES.get(file.uploaded_source, file.uploaded_source)
    if file.uploaded_source == "path":
        when = datetime.fromtimestamp(file.uploaded_at, UTC).strftime("%Y-%m")
    else:
        when = _date(file.uploaded_at)
    return f"{when} ({source})"


def _media_rows(file: MediaFile) -> list[tuple[str, Text | str]]:
    """The probe's facts that this file has; kinds without a fact simply skip its row."""
    probe = file.probe
    rows: list[tuple[str, Text | str]] = []
    if probe.width and probe.height:
        rows.append(("Dimensions", f"{probe.width}×{probe.height} px"))
    if probe.duration_s is not None:
        rows.append(("Duration", duration_text(probe.duration_s)))
    if probe.pages is not None:
        rows.append(("Pages", count_text(probe.pages)))
    if probe.format:
        rows.append(("Format", plain(probe.format)))
    if probe.codec:
        rows.append(("Codec", plain(probe.codec)))
    if probe.bitrate:
        rows.append(("Bitrate", f"{probe.bitrate // 1000:,} kbit/s"))
    if probe.quality is not None:
        rows.append(("Quality", f"{probe.quality} (estimated)"))
    if probe.has_text_layer is not None:
        rows.append(("Text layer", "yes" if probe.has_text_layer else "no (scanned pages?)"))
    for label, value in (("Title", probe.title), ("Author", probe.author)):
        if value:
            rows.append((label, plain(value)))
    return rows


def facts_table(file: MediaFile) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    size = f"{size_text(file.size)} ({count_text(file.size)} bytes)"
    rows: list[tuple[str, Text | str]] = [
        ("Path", plain_path(file.path)),
        ("Kind", f"{kind_label(file.kind)}  {file.kind}, {file.mime}"),
        ("Size", size),
        *_media_rows(file),
        ("Uploaded", _uploaded(file)),
        ("Modified", _date(file.mtime_ns // 1_000_000_000)),
    ]
    if file.variant:
        rows.append(
            (
                "Generated size",
                Text.assemble(plain(file.variant), " of ", plain_path(file.group_path)),
            )
        )
    if file.deleted_at is not None:
        rows.append(("Removed", Text(_date(file.deleted_at), style="yellow")))
    if file.probe.error:
        rows.append(("Probe error", plain(file.probe.error, style="red")))
    elif file.probed_at is None:
        rows.append(("Probe", Text("not probed yet", style="dim")))
    for label, value in rows:
        # Folded, not cut: a long name is shown whole, however many lines it needs.
        grid.add_row(label, wrapped(value.copy() if isinstance(value, Text) else Text(value)))
    return grid


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _traffic_grid(report: FileReport) -> Table:
    usage, perf = report.usage, report.performance
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    last = "never" if usage.last_used is None else usage.last_used.strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        ("Uses", f"{count_text(usage.usage_count)} ({count_text(usage.views)} views, "
                 f"{count_text(usage.downloads)} downloads)"),
        ("Last used", last),
        ("Requests", f"{count_text(perf.requests)} ({count_text(perf.bot_requests)} by crawlers, "
                     f"{count_text(perf.errors)} errors)"),
        ("Served", size_text(perf.bandwidth_bytes)),
        ("Avg load", f"{ms_text(perf.average_server_time_ms)} server, "
                     f"{ms_text(perf.average_client_time_ms)} client"),
        ("Cache hit", percent_text(perf.cache_hit_rate)),
    ]  # fmt: skip
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _bullets(lines: list[Text]) -> Table:
    """A bulleted list whose long items wrap under their own text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row("  •", wrapped(line.copy()))
    return grid


def usage_section(report: FileReport, range_label: str) -> Group:
    """Use and traffic over the range, places used, unused evidence, recommendations."""
    parts: list[Table | Text] = [_section(f"Use over the last {range_label}")]
    parts.append(_traffic_grid(report))
    if report.used_in:
        parts.append(_section(f"Used in {len(report.used_in)} place(s)"))
        places = []
        for place in report.used_in:
            where = Text.assemble(
                (place.type, "bold"), " ", plain(place.title or place.id),
                (f" ({place.usage})", "dim"),
            )  # fmt: skip
            if place.url:
                where.append_text(Text.assemble("  ", plain(place.url, style="dim")))
            places.append(where)
        parts.append(_bullets(places))
    if report.unused is not None:
        parts.append(
            _section(
                f"Looks unused (risk {report.unused.risk_level}, "
                f"confidence {report.unused.confidence:.0%})"
            )
        )
        # Analytics sentences can quote names and titles: plain, visible text.
        parts.append(_bullets([plain(line) for line in report.unused.evidence]))
    if report.recommendations:
        parts.append(_section("Recommendations"))
        parts.append(_bullets([plain(line) for line in report.recommendations]))
    return Group(*parts)
