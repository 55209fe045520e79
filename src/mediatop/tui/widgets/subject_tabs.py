"""The tab bar of the subject screens: one tab per screen, with the key that opens it.

Textual's own `Tabs`, not focusable (the keys belong to the table below it): the
active tab is the screen shown, and a click on another tab opens that screen.
"""

from __future__ import annotations

from textual.widgets import Tab, Tabs

# (screen name, key, label), in the order of the keys. The app binds the same keys.
SUBJECTS = (
    ("dashboard", "0", "Dashboard"),
    ("images", "1", "Images"),
    ("videos", "2", "Videos"),
    ("documents", "3", "Documents"),
    ("audio", "4", "Audio"),
    ("unused", "5", "Unused"),
    ("duplicates", "6", "Duplicates"),
    ("insights", "7", "Insights"),
    ("ingest", "8", "Ingest"),
    ("optimize", "o", "Optimize"),
)


class SubjectTabs(Tabs):
    """Dashboard, Images, Videos, ... with the shown screen's tab active."""

    can_focus = False

    def __init__(self, active: str) -> None:
        tabs = [Tab(f"{key} {label}", id=f"tab-{name}") for name, key, label in SUBJECTS]
        super().__init__(*tabs, active=f"tab-{active}")
