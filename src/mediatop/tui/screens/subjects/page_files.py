"""The files one place uses: opened by `enter` on a place in a file's screen (a page, a
post, a widget...), it shows `mediatop report place --place TYPE:ID`: every library file
that place uses, how, and the paths it names that the library lacks; `enter` on a file
opens its file screen."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from mediatop.tui.plain import plain
from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, KIND, SIZE
from mediatop.tui.subject_data import ReportFigures, load_report
from mediatop.tui.view import Column, Figure, ListSpec

if TYPE_CHECKING:
    from mediatop.library import MediaLibrary


class PageFilesScreen(ListScreen):
    """Every library file one place uses (`mediatop report place --place TYPE:ID`)."""

    LABEL, REPORT = "Files on a page", "place"
    COMPARES = False
    FIGURES = (
        Figure("Files it uses", "totalFiles"),
        Figure("Stored", "totalSize", "size"),
        Figure("Missing paths", "missing", "items"),
    )
    LISTS = (
        ListSpec(
            "Library files it uses",
            "files",
            (
                FILE,
                KIND,
                SIZE,
                Column("Used as", "usages", "text", 14),
                Column("Shown at", "displayWidth", "count", 9),
                Column("Width", "width", "count", 7),
                Column("Uses", "usageCount", "count", 7),
                Column("Deleted", "deleted", "bool", 7),
            ),
        ),
        ListSpec(
            "Missing paths (no file of the library has them)",
            "missing",
            (Column("Path", "path", "path"),),
            file_key=None,
            records=lambda report: [{"path": path} for path in report.get("missing", [])],
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
        options = {"place": f"{self.place_type}:{self.place_id}"}
        return load_report(self.library, self.now, self.REPORT, range_name, options=options)
