"""The tab bar of the subject screens: one tab per screen, with the key that opens it.

Textual's own `Tabs`, not focusable (the keys belong to the table below it): the
active tab is the screen shown, and a click on another tab opens that screen.
"""

from __future__ import annotations

from textual.widgets import Tab, Tabs

from mediatop.tui.subject_data import SUBJECTS


class SubjectTabs(Tabs):
    """Dashboard, Images, Videos, ... with the shown screen's tab active. Where the whole
    labels do not fit (80 columns), the other tabs show their key alone, so every key
    stays in view."""

    can_focus = False

    def __init__(self, active: str) -> None:
        tabs = [Tab(f"{key} {label}", id=f"tab-{name}") for name, key, label in SUBJECTS]
        super().__init__(*tabs, active=f"tab-{active}")
        # each tab is its label and a cell of padding on each side
        self._full_width = sum(len(f"{key} {label}") + 2 for _, key, label in SUBJECTS)

    def on_resize(self) -> None:
        narrow = self.size.width < self._full_width
        for name, key, label in SUBJECTS:
            tab = self.query_one(f"#tab-{name}", Tab)
            shown = key if narrow and tab.id != self.active else f"{key} {label}"
            if tab.label_text != shown:
                tab.label = shown
