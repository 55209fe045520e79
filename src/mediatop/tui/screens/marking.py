"""The cleanup keys of the Unused, Duplicates and Optimize screens: `space` marks the
file under the cursor, `x` previews what applying would do to the marked files (and
asks for a confirmation there), `u` lists the quarantined plans to undo one. On an
empty list only `u` is offered (`x` too while marks are held).

Marks are file ids, so they survive the filter, the sort and a new read. When the
library may not change files (`--readonly`, MEDIATOP_READONLY, `readonly = true`, a
store opened read-only) the keys are neither shown nor reachable, and there is no
mark column.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding

from mediatop.tui.screens.listing import ListScreen, ListTable
from mediatop.tui.view import lookup

# The actions that lead to changing files: none is available on a read-only library.
CLEANUP_ACTIONS = frozenset({"toggle_mark", "preview_marked", "quarantine"})


class MarkingListScreen(ListScreen):
    """A list screen whose files can be marked and cleaned up (see the module doc)."""

    # `s` only in `?` and `:`: at 80 columns the footer then holds the cleanup keys and
    # `?` (it was cut after `u Undo q`).
    BINDINGS = [
        Binding("s", "sort", "Sort", tooltip="Sort column", show=False),
        Binding("space", "toggle_mark", "Mark"),
        Binding("x", "preview_marked", "Clean up"),
        Binding("u", "quarantine", "Undo"),
    ]
    CLEANUP_KIND: ClassVar[str] = ""  # 'unused' | 'duplicates' | 'optimize'

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marks: dict[int, str] = {}  # file id -> its name as listed

    @property
    def cleanup_refused(self) -> str | None:
        return self.library.changing_files_refused()

    def marked_ids(self) -> set[int] | None:
        return None if self.cleanup_refused is not None else set(self.marks)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CLEANUP_ACTIONS:
            if self.cleanup_refused is not None:
                return False
            rows = self.view is not None and bool(self.view.rows)
            if action == "toggle_mark":  # the file of the row under the cursor
                return self.spec.file_key is not None and rows
            if action == "preview_marked":  # the marks, or a row to mark first
                return bool(self.marks) or rows
            return True
        return super().check_action(action, parameters)

    def action_toggle_mark(self) -> None:
        table = self.query_one(ListTable)
        if self.view is None or not self.view.rows or table.cursor_row >= len(self.view.rows):
            return
        record = self.view.rows[table.cursor_row]
        file_id = self.file_id_of(record)
        if file_id is None:
            return
        if self.marks.pop(file_id, None) is None:
            self.marks[file_id] = str(lookup(record, "filename") or file_id)
        self._fill()
        table.move_cursor(row=min(table.cursor_row + 1, len(self.view.rows) - 1))

    def action_preview_marked(self) -> None:
        from mediatop.tui.screens.cleanup_preview import CleanupPreviewScreen

        if not self.marks:
            self.notify("No file is marked: space marks the file under the cursor.")
            return
        screen = CleanupPreviewScreen(self.library, self.CLEANUP_KIND, dict(self.marks),
                                      now=self.now)  # fmt: skip
        self.app.push_screen(screen, self._after_cleanup)

    def action_quarantine(self) -> None:
        from mediatop.tui.screens.quarantine import QuarantineScreen

        self.app.push_screen(QuarantineScreen(self.library, now=self.now), self._after_cleanup)

    def _after_cleanup(self, changed: bool | None) -> None:
        """Back from a preview or the quarantine: if files moved, this list and every
        other open one read again (an Unused screen under a file's screen under this
        one listed the file just quarantined). The dashboard follows the store itself."""
        if changed:
            self.marks.clear()
            for screen in self.app.screen_stack:
                if isinstance(screen, ListScreen):
                    screen.load()
