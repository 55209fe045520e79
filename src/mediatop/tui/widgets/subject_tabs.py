"""The tab bar of the subject screens: one tab per screen, with the key that opens it.

Textual's own `Tabs`, not focusable (the keys belong to the table below it): the
active tab is the screen shown, and a click on another tab opens that screen.
"""

from __future__ import annotations

from textual.widgets import Tab, Tabs

from mediatop.tui.subject_data import SUBJECTS


class SubjectTabs(Tabs):
    """Dashboard, Images, Videos, ... with the shown screen's tab active."""

    can_focus = False

    def __init__(self, active: str) -> None:
        tabs = [Tab(f"{key} {label}", id=f"tab-{name}") for name, key, label in SUBJECTS]
        super().__init__(*tabs, active=f"tab-{active}")
