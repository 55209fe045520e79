"""Regenerate sample_media/, the small demo media library committed with mediatop.

The generator is `mediatop.demo.sample_media` (its docstring lists what it makes);
this script runs it as before. Usage: .venv/bin/python scripts/make_sample_media.py
[--out DIR]. ffmpeg must be on PATH for the audio and video files.
"""

from __future__ import annotations

import sys

from mediatop.demo.sample_media import main

if __name__ == "__main__":
    sys.exit(main())
