"""Walked files as store rows: kind from the extension, variant group, upload time, and
whether a probe has anything to read in them (kinds.has_prober).

Runs once per new file (100k times on a first scan, in the forked walkers when the
store is empty), so it is kept to plain lookups and plain tuples.
"""

from __future__ import annotations

from collections.abc import Iterator

from mediatop.kinds import BY_BYTES_EXTENSION, PROBED_BYTES_EXTENSIONS, Kind
from mediatop.scan.uploaded import month_from_path, upload_time
from mediatop.scan.variants import split_variant
from mediatop.scan.walk import DirListing
from mediatop.store.files import NewRow, SeenFile

_OTHER = (Kind.OTHER.value, "application/octet-stream")
_IMAGE = Kind.IMAGE.value


def files_of(listing: DirListing) -> Iterator[tuple[bytes, int, int, int]]:
    """(name, size, mtime_ns, inode) of each file of a listing."""
    stats = iter(listing.stats)
    return zip(listing.names, stats, stats, stats, strict=True)


def dir_prefix(rel_dir: bytes) -> bytes:
    """What goes before a file's name in its relative path (b"" at the root)."""
    return rel_dir + b"/" if rel_dir else b""


def new_row(
    prefix: bytes, name: bytes, size: int, mtime_ns: int, inode: int, upload: tuple[int, str]
) -> NewRow:
    """A walked file as a row to store; its last field says whether it has anything to
    probe (the store stamps the others as probed in the same statement)."""
    dot = name.rfind(b".")
    ext = name[dot:].lower() if dot > 0 else b""
    kind, mime, ext_text = BY_BYTES_EXTENSION.get(ext) or (*_OTHER, ext.decode("latin-1"))
    rel_path = prefix + name
    # A CMS generates sizes of images only: "promo-1920x1080.mp4" is a video of its own.
    group_path, variant = (
        split_variant(prefix, name)
        if kind == _IMAGE and (b"-" in name or b"@" in name)
        else (rel_path, None)
    )
    has_prober = ext in PROBED_BYTES_EXTENSIONS
    return (
        rel_path,
        group_path,
        variant,
        kind,
        mime,
        ext_text,
        size,
        mtime_ns,
        inode,
        *upload,
        has_prober,
    )


def seen_file(
    prefix: bytes, name: bytes, size: int, mtime_ns: int, inode: int, upload: tuple[int, str]
) -> SeenFile:
    """`new_row` with its fields named (for the few files a rescan finds changed)."""
    return SeenFile._make(new_row(prefix, name, size, mtime_ns, inode, upload))


def all_new(listing: DirListing, now: int, initial: bool) -> list[NewRow]:
    """Every file of a directory as a new row, sorted by path (nothing is stored there)."""
    prefix = dir_prefix(listing.rel_dir)
    month = month_from_path(prefix) if initial else None
    rows = [
        new_row(prefix, name, size, mtime_ns, inode, upload_time(month, mtime_ns, now, initial))
        for name, size, mtime_ns, inode in files_of(listing)
    ]
    rows.sort()  # the unique path index then grows at its right edge, not all over
    return rows
