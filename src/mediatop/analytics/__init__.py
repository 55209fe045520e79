"""Analytics: every figure mediatop shows, computed from the store, for any time range.

Read-only over the store; returns frozen dataclasses. Faces (TUI, CLI, HTTP) call
these functions and format the results; nothing here formats for a screen.
"""
