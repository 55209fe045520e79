"""The core never imports Textual: it must run headless, from cron and the HTTP server."""

from __future__ import annotations

import subprocess
import sys

CORE = (
    "mediatop.store",
    "mediatop.scan",
    "mediatop.analytics",
    "mediatop.analytics.overview",
    "mediatop.analytics.library",
    "mediatop.analytics.registry",
    "mediatop.cli",
)


def test_core_modules_import_without_textual_or_rich() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "import mediatop.analytics as a\n"
        "for info in pkgutil.iter_modules(a.__path__, 'mediatop.analytics.'):\n"
        "    importlib.import_module(info.name)\n"
        "for pkg in ('mediatop.ingest', 'mediatop.cleanup', 'mediatop.serve'):\n"
        "    if importlib.util.find_spec(pkg) is not None:\n"
        "        importlib.import_module(pkg)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_version_and_help_are_instant_and_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from mediatop.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "False"
