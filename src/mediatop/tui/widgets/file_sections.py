"""The file screen's sections, drawn from one file's report: its facts (path, kind,
size, pixels / length / pages, probe facts, upload time and how it is known, probe
error), its use over the range, its engagement, who sees it (devices, referrers,
countries), where it is used, what optimising it would save, why it looks unused (if it
does) and what to do about it. Sections without data are left out.

Every value read from the file (its name, its embedded title, author, the probe error
that may quote it) is shown as plain, visible text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mediatop.model import MediaFile
from mediatop.timerange import period_words
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

if TYPE_CHECKING:
    from mediatop.library_types import (
        Breakdown,
        FileEngagement,
        FileReport,
        OptimizationOpportunity,
    )

UPLOAD_SOURCES = {
    "first_seen": "first seen by a scan",
    "path": "from its upload folder",
    "mtime": "from its modification time",
}


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
    if file.quarantined_at is not None:
        rows.append(("Quarantined", Text(
            f"{_date(file.quarantined_at)}: u on the Unused, Duplicates or Optimize screen "
            "(or `mediatop cleanup undo`) puts it back", style="yellow")))  # fmt: skip
    elif file.deleted_at is not None:
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
        ("Requests", f"{count_text(perf.requests)} by people ({count_text(perf.errors)} failed), "
                     f"{count_text(perf.bot_requests)} more by crawlers"),
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
    """Use and traffic over the range, as totals."""
    return Group(_section(f"Use, {period_words(range_label)}"), _traffic_grid(report))


def traffic_title(report: FileReport) -> Text:
    """The sparkline's caption: what it counts, over which days, and the total."""
    first, last = report.traffic[0].date, report.traffic[-1].date
    # The report's own total (engagement.views, the same days), not a sum made here.
    total = report.engagement.views
    return Text.assemble(
        ("Views per day", "bold"), f", {first} to {last}: {count_text(total)} in all"
    )


def more_sections(report: FileReport) -> Group:
    """Engagement, audience, optimisations, unused evidence and recommendations, each
    only when the report has something to say in it (the places used are the screen's
    links table)."""
    parts: list[Table | Text] = []
    engagement = report.engagement
    if engagement.views or engagement.clicks or engagement.shares or engagement.downloads:
        parts += [_section("Engagement"), _engagement_grid(engagement)]
    audience = _audience_grid(report)
    if audience is not None:
        parts += [_section("Audience"), audience]
    if report.optimization:
        parts.append(_section("Optimisation"))
        parts.append(_bullets([_opportunity(item) for item in report.optimization]))
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


def _engagement_grid(engagement: FileEngagement) -> Table:
    """Counts on the left, rates (and a video's session figures) on the right."""
    counts = [
        ("Views", count_text(engagement.views)),
        ("Clicks", count_text(engagement.clicks)),
        ("Shares", count_text(engagement.shares)),
        ("Downloads", count_text(engagement.downloads)),
    ]
    rates = [
        ("Click-through rate", percent_text(engagement.click_through_rate)),
        ("Interaction rate", percent_text(engagement.interaction_rate)),
    ]
    if engagement.sessions is not None:
        rates += [
            ("Video sessions", count_text(engagement.sessions)),
            ("Average view time", duration_text(engagement.average_view_time)),
            ("Completion rate", percent_text(engagement.completion_rate)),
        ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right")
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right")
    for row in range(max(len(counts), len(rates))):
        left = counts[row] if row < len(counts) else ("", "")
        right = rates[row] if row < len(rates) else ("", "")
        grid.add_row(*left, *right)
    return grid


AUDIENCE_ROWS = 5


def _audience_grid(report: FileReport) -> Table | None:
    """Top devices, referrers and countries side by side; None when none is recorded."""
    columns = [
        (title, rows)
        for title, rows in (
            ("Devices", report.devices),
            ("Referrers", report.referrers),
            ("Countries", report.countries),
        )
        if rows
    ]
    if not columns:
        return None
    grid = Table.grid(padding=(0, 4))
    for _ in columns:
        grid.add_column(vertical="top")
    grid.add_row(*(_breakdown_table(title, rows) for title, rows in columns))
    return grid


def _breakdown_table(title: str, rows: list[Breakdown]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(max_width=32)  # referrer hosts can be long: cut with an ellipsis
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_row(Text(title, style="bold"), "", "")
    for row in rows[:AUDIENCE_ROWS]:
        # Device classes, referrer hosts and countries come from requests: plain text.
        table.add_row(plain(row.value), count_text(row.count), percent_text(row.percent))
    return table


OPPORTUNITY_LABELS = {
    "resize": "Resize",
    "compress": "Compress",
    "cleanup": "Remove unused sizes",
    "remove": "Remove",
}


def _opportunity(item: OptimizationOpportunity) -> Text:
    """'Convert to WEBP: save 120 kB', with the reason after it."""
    if item.type == "format" and item.recommended_format:
        label = f"Convert to {item.recommended_format}"
    else:
        label = OPPORTUNITY_LABELS.get(item.type, item.type.capitalize())
    if item.potential_savings is None:
        saving = Text("saving not measured yet", style="dim")
    else:
        saving = Text(f"save {size_text(item.potential_savings)}", style="green")
    line = Text.assemble((label, "bold"), ": ", saving)
    if item.reason:
        line.append_text(Text.assemble(" — ", plain(item.reason, style="dim")))
    return line
