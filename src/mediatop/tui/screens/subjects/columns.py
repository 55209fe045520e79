"""Columns that many lists share: a file's name, kind and size."""

from __future__ import annotations

from mediatop.tui.view import Column

FILE = Column("File", "filename", "path")
SIZE = Column("Size", "size", "size", 10)
KIND = Column("Type", "type", "text", 9)
