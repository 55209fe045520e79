"""The Most Used table's filter, made at the first `/` (so that Textual's Input is not
imported before the dashboard's first paint)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class MostUsedFilter(Input):
    """The box's filter, shown by `/`: the table keeps the rows containing its text."""

    HELP_GROUP = "Filter"
    BINDINGS = [Binding("escape", "clear", "Clear the filter")]

    def __init__(self) -> None:
        super().__init__(placeholder="filter: type to keep matching files", id="most-used-filter")

    def action_clear(self) -> None:
        from mediatop.tui.widgets.most_used import FileTable

        self.value = ""
        self.display = False
        self.screen.query_one(FileTable).focus()
