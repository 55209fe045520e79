"""Audio: how many files, their length and bitrate, and plays per file
(`mediatop report audio`)."""

from __future__ import annotations

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, FORMATS, SIZE
from mediatop.tui.view import Column, Figure, ListSpec


class AudioScreen(ListScreen):
    """The audio report."""

    NAME, LABEL, REPORT = "audio", "Audio", "audio"
    FIGURES = (
        Figure("Audio files", "overview.totalAudio"),
        Figure("Stored", "overview.totalSize", "size"),
        Figure("Length", "overview.totalDuration", "seconds"),
        Figure("Average length", "overview.averageDuration", "seconds"),
        Figure("Plays", "overview.totalPlays"),
        Figure("Completion", "overview.completionRate", "percent"),
    )
    LISTS = (
        ListSpec(
            "Most played",
            "mostPlayed",
            (
                FILE,
                Column("Length", "duration", "seconds", 7),
                Column("Plays", "plays", "count", 7),
                Column("Listened", "listenTime", "seconds", 9),
                Column("Complete", "completionRate", "percent", 9),
                SIZE,
            ),
        ),
        FORMATS,
    )
