"""The terminal face: a Textual app over the analytics library.

Only this package imports Textual. `build_app` in `app.py` is the single entry point,
shared by the CLI and the tests.
"""
