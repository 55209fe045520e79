"""`optimize` on real JPEGs: the output is smaller, keeps its pixel size unless resized,
keeps the ICC profile and the EXIF orientation, and undo gives back the original bytes;
on a SQLite and on a PostgreSQL store."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
from pathlib import Path

from PIL import Image, ImageCms

from cleanup_support import OLD_NS
from media_factory import photo
from mediatop.config import Settings
from mediatop.library import MediaLibrary

ORIENTATION = 0x0112


@functools.cache
def _srgb_profile() -> bytes:
    """One sRGB profile for every photo: a profile made anew holds the second it was made."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _jpeg_with_icc_and_orientation(path: Path, width: int, height: int) -> bytes:
    """A photo-like JPEG at quality 95 with an sRGB ICC profile and EXIF orientation 6
    (shown turned a quarter: its displayed width is its stored height)."""
    photo(path, width, height, quality=95)
    icc = _srgb_profile()
    with Image.open(path) as im:
        exif = im.getexif()
        exif[ORIENTATION] = 6
        out = io.BytesIO()
        im.save(out, "JPEG", quality=95, icc_profile=icc, exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    os.utime(path, ns=(OLD_NS, OLD_NS))
    return icc


def _library(tmp_path: Path, store_url: str) -> tuple[MediaLibrary, bytes]:
    """The two photos, scanned and placed, in a store on `store_url`'s backend (with a
    PostgreSQL store, the quarantine stays beside db_path, on this machine)."""
    root = tmp_path / "media"
    icc = _jpeg_with_icc_and_orientation(root / "2019/turned.jpg", 1600, 1200)
    _jpeg_with_icc_and_orientation(root / "2019/plain.jpg", 800, 600)
    server_url = store_url if store_url.startswith("postgresql://") else None
    settings = Settings(root=root, db_path=tmp_path / "store.sqlite3", db_url=server_url)
    library = MediaLibrary(settings)
    library.scan()
    # turned.jpg is shown 300 px wide: oversized against twice that (600)
    places = tmp_path / "places.jsonl"
    places.write_text(json.dumps({"media": "2019/turned.jpg", "type": "post", "id": "1",
                                  "display_width": 300}) + "\n")  # fmt: skip
    library.import_locations(places)
    return library, icc


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_optimise_shrinks_keeps_icc_and_orientation_and_undo_restores(
    tmp_path: Path, store_url: str
) -> None:
    library, icc = _library(tmp_path, store_url)
    root = library.settings.root
    originals = {name: _digest(root / "2019" / name) for name in ("turned.jpg", "plain.jpg")}
    sizes = {name: (root / "2019" / name).stat().st_size for name in originals}
    plan = library.plan_optimize(measure="all")
    targets = {e.candidate.path: e.encoding.target for e in plan.entries if e.encoding}
    # turned.jpg: resized for its 300 px display; plain.jpg (quality 95): re-encoded at 85
    assert targets == {b"2019/turned.jpg": "resize:600", b"2019/plain.jpg": "jpeg:85"}

    result = library.apply_plan(plan)
    assert (result.moved, result.skipped) == (2, ())
    with Image.open(root / "2019/turned.jpg") as im:
        # shown 1200 wide (turned), brought to 600: the stored 1600x1200 halves
        assert im.size == (800, 600)
        assert im.getexif()[ORIENTATION] == 6
        assert im.info["icc_profile"] == icc
    with Image.open(root / "2019/plain.jpg") as im:
        assert im.size == (800, 600)  # not resized: the same pixel size
        assert im.getexif()[ORIENTATION] == 6
        assert im.info["icc_profile"] == icc
    for name, before in sizes.items():
        assert (root / "2019" / name).stat().st_size < before
    assert result.bytes_moved == sum(sizes.values()) - sum(
        (root / "2019" / name).stat().st_size for name in sizes
    )
    # The plan's measured size of each is the size written: one re-encode for both.
    written = {e.candidate.path: (root / e.candidate.path.decode()).stat().st_size
               for e in plan.entries}  # fmt: skip
    assert {e.candidate.path: e.encoding.bytes_after for e in plan.entries} == written

    undone = library.undo_cleanup(plan.plan_id)
    assert (undone.restored, undone.refused) == (2, ())
    assert {name: _digest(root / "2019" / name) for name in originals} == originals


def test_optimise_skips_a_file_changed_since_the_plan(tmp_path: Path, store_url: str) -> None:
    library, _icc = _library(tmp_path, store_url)
    root = library.settings.root
    plan = library.plan_optimize(measure="all")
    os.utime(root / "2019/plain.jpg", ns=(OLD_NS, OLD_NS + 5))
    result = library.apply_plan(plan)
    assert [(s.path, s.reason) for s in result.skipped] == [
        (b"2019/plain.jpg", "it changed since the plan (mtime, ctime)")
    ]
    assert result.moved == 1


def test_a_converted_sibling_leaves_the_original_and_undo_removes_it(
    tmp_path: Path, store_url: str
) -> None:
    library, _icc = _library(tmp_path, store_url)
    root = library.settings.root
    before = _digest(root / "2019/plain.jpg")
    plan = library.plan_optimize(convert=True, measure="all")
    plain = next(e for e in plan.entries if e.candidate.path == b"2019/plain.jpg")
    assert plain.encoding is not None and plain.encoding.format in ("WEBP", "AVIF")
    sibling = root / os.fsdecode(plain.encoding.output)
    assert sibling.suffix == "." + plain.encoding.format.lower()
    library.apply_plan(plan)
    assert sibling.stat().st_size < (root / "2019/plain.jpg").stat().st_size
    assert _digest(root / "2019/plain.jpg") == before  # the original stays, untouched
    library.undo_cleanup(None)
    assert not sibling.exists()
    assert _digest(root / "2019/plain.jpg") == before
