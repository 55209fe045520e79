"""The sample library as a tree: its folders, the files that are neither media nor
documents, the upload dates stamped on every file and kept beside the tree, and the
guard that clears only a tree this generator made."""

from __future__ import annotations

import calendar
import json
import os
import re
import shutil
from pathlib import Path

from mediatop.demo.sample_media.common import (
    TOP_LEVEL_DATES,
    NotASampleTree,
    write_zip,
)

GENERATED_SIZE = re.compile(r"(-\d+x\d+|-scaled|@2x)$")


def build_other(out: Path) -> None:
    downloads = out / "downloads"
    write_zip(
        downloads / "brand-assets.zip",
        {
            "brand-assets/logo-variations.svg": (out / "logos/logo-variations.svg").read_bytes(),
            "brand-assets/site-logo@2x.png": (out / "logos/site-logo@2x.png").read_bytes(),
            "brand-assets/colours.txt": b"Forest #1F5F3F\nSand #E8DCC0\nInk #1A1A1A\n",
        },
    )
    feed = {
        "generated": "2023-10-02T09:30:00Z",
        "products": [
            {"sku": f"NW-{100 + i}", "name": name, "price": price, "image": image}
            for i, (name, price, image) in enumerate(
                [
                    ("Trail backpack", 89.0, "/wp-content/uploads/2024/05/product-shot-blue.jpg"),
                    ("Camp mug", 14.5, "/wp-content/uploads/2024/03/hero-banner-300x200.jpg"),
                    ("Rain shell", 129.0, "/wp-content/uploads/2025/04/product-launch-hero.jpg"),
                ]
            )
        ],
    }
    (downloads / "product-feed.json").write_text(json.dumps(feed, indent=2) + "\n")
    (downloads / "readme.txt").write_text(
        "Northwind Outfitters downloads\n\n"
        "brand-assets.zip   logos and colours for press use\n"
        "product-feed.json  nightly product feed for partners\n"
    )


def upload_time(folder: Path, index: int) -> float:
    """A plausible time for the index-th upload in a year/month folder (UTC)."""
    top = folder.parts[0]
    year, month = (int(top), int(folder.parts[1])) if top.isdigit() else TOP_LEVEL_DATES[top]
    day = min(2 + 3 * index, 28)
    return calendar.timegm((year, month, day, 9 + index % 8, 17 * index % 60, 0))


def upload_name(path: Path) -> str:
    """The upload a file belongs to: generated sizes share their original's name."""
    return GENERATED_SIZE.sub("", path.stem)


def stamp_upload_dates(out: Path) -> None:
    """Give each upload its own day in its folder; its generated sizes share that time."""
    for folder in sorted({p.parent for p in out.rglob("*") if p.is_file()}):
        uploads: dict[str, list[Path]] = {}
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            uploads.setdefault(upload_name(path), []).append(path)
        for index, files in enumerate(uploads.values()):
            stamp = upload_time(folder.relative_to(out), index)
            for path in files:
                os.utime(path, (stamp, stamp))


def dates_manifest(out: Path) -> Path:
    """Where the upload dates of `out` are kept: beside it, so the tree holds only media."""
    return out.with_name(f"{out.name}.dates.json")


def write_dates_manifest(out: Path) -> None:
    """Record every file's upload date: git does not keep mtimes, and `mediatop demo`
    restores them from this file so a fresh clone shows the same upload history."""
    dates = {
        path.relative_to(out).as_posix(): int(path.stat().st_mtime)
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }
    dates_manifest(out).write_text(json.dumps(dates, indent=1, sort_keys=True) + "\n")


def is_sample_tree(out: Path) -> bool:
    """Whether every entry in `out` is a folder this script makes, so clearing it is safe."""
    return all(
        child.is_dir() and (child.name.isdigit() or child.name in TOP_LEVEL_DATES)
        for child in out.iterdir()
    )


def clear(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not is_sample_tree(out):
        raise NotASampleTree(f"{out} holds files this script did not make; refusing to delete them")
    for child in out.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def make_folders(out: Path) -> None:
    months = ["2024/01", "2024/03", "2024/05", "2024/07", "2024/09", "2024/11"]
    months += ["2025/01", "2025/02", "2025/04", "2025/06", "2025/11"]
    months += ["2026/03", "2026/10", "2026/11"]
    for folder in [*months, *TOP_LEVEL_DATES]:
        (out / folder).mkdir(parents=True)
