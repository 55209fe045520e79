"""The files one place uses: opened by `enter` on a place in a file's screen (a page, a
post, a widget...), it lists every library file that place uses; `enter` on one opens
its file screen."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from mediatop.tui.data import default_range, details_of
from mediatop.tui.plain import plain
from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, KIND, SIZE
from mediatop.tui.subject_data import ReportFigures
from mediatop.tui.view import Column, Figure, ListSpec

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary


class PageFilesScreen(ListScreen):
    """Every library file one place uses."""

    LABEL = "Files on a page"
    FIGURES = (Figure("Library files it uses", "files", "items"),)
    LISTS = (
        ListSpec(
            "Library files it uses",
            "files",
            (FILE, KIND, SIZE, Column("Details", "details", "text", 18)),
        ),
    )

    def __init__(
        self,
        library: MediaLibrary,
        *,
        now: datetime | None,
        place_type: str,
        place_id: str,
        place_title: str | None,
    ) -> None:
        super().__init__(library, now=now)
        self.place_type = place_type
        self.place_id = place_id
        self.place_title = place_title or place_id

    def box_title(self) -> Text:
        return Text.assemble(f"Files used by {self.place_type} ", plain(self.place_title))

    def read(self, range_name: str, compare: bool) -> ReportFigures:
        time_range, _ = default_range(self.now, range_name)
        files = self.library.files_on_place(self.place_type, self.place_id)
        records: list[dict[str, Any]] = [
            {
                "id": str(f.id),
                "filename": os.fsdecode(f.path),
                "type": f.kind,
                "size": f.size,
                "details": details_of(f),
            }
            for f in files
        ]
        return ReportFigures("page", {"files": records}, time_range.label)
