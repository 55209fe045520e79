"""Columns and lists that several screens share: a file's name, kind and size; formats."""

from __future__ import annotations

from mediatop.tui.view import Column, ListSpec

FILE = Column("File", "filename", "path")
SIZE = Column("Size", "size", "size", 10)
KIND = Column("Type", "type", "text", 9)

# The formats list of the Images and Audio screens: their reports' formatDistribution.
FORMATS = ListSpec(
    "Formats",
    "overview.formatDistribution",
    (
        Column("Format", "format", "text"),
        Column("Files", "count", "count", 7),
        Column("Stored", "size", "size", 10),
        Column("Share", "percentage", "percent", 7),
    ),
    file_key=None,
)
