"""The terminal face: a Textual app over the analytics library.

Only this package imports Textual. `build_app` in `app.py` is the single entry point,
shared by the CLI and the tests.

Nothing here imports `mediatop.library_types` at module level (only for type checking,
or inside the function that needs a name at run time): it loads the analytics and scan
modules behind the surface, about 0.1 s that would come before the first paint. The
thread workers load them when they first ask the library for figures, behind the
painted dashboard (tests/test_tui_startup.py holds this).
"""
