"""What every part of the sample-media generator shares: its errors, the dates of the
folders not named after a month, and zips that rebuild identically."""

from __future__ import annotations

import zipfile
from pathlib import Path

# Dates for the folders that are not named after a month.
TOP_LEVEL_DATES = {"logos": (2023, 6), "downloads": (2023, 10)}


FIXED_ZIP_TIME = (2023, 10, 2, 9, 30, 0)


class CannotBuild(RuntimeError):
    """The tree cannot be built; the message says why."""


class FfmpegMissing(CannotBuild):
    """ffmpeg is not installed, so audio and video cannot be made."""


class FfmpegFailed(CannotBuild):
    """ffmpeg rejected a command, e.g. because it lacks an encoder."""


class NotASampleTree(CannotBuild):
    """The output folder holds other files, which this script must not delete."""


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip whose entries carry a fixed timestamp so rebuilds are identical."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), data, zipfile.ZIP_DEFLATED)
