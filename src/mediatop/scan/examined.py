"""What a scan works out about each directory where it is listed: in a forked walker,
for a full scan of a big tree (`walk_forked.map_directories`), so that the process
that writes the store only writes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from mediatop.scan.rows import all_new
from mediatop.scan.walk import DirListing
from mediatop.store import files as file_store


@dataclass(frozen=True)
class Examined:
    """One directory as the scan needs it, worked out where it was listed (in a forked
    walker, for a full scan of a big tree): unchanged since the last scan (no
    signature), or changed with either all its files as new rows (nothing stored yet)
    or its listing, to diff against the store."""

    rel_dir: bytes
    file_count: int
    symlinks_skipped: int
    errors: list[str]
    signature: str | None = None
    new_rows: list[file_store.NewRow] | file_store.PackedRows | None = None
    listing: DirListing | None = None


def pack_batch(batch: list[Examined]) -> list[Examined]:
    """A batch's new rows packed into one PackedRows, carried by its first directory
    with any (the others' rows are then empty): see `file_store.PackedRows`."""
    rows = [row for found in batch if isinstance(found.new_rows, list) for row in found.new_rows]
    if not rows:
        return batch
    packed: list[file_store.NewRow] | file_store.PackedRows = file_store.pack_new_rows(rows)
    sealed = []
    for found in batch:
        if found.new_rows:
            found = dataclasses.replace(found, new_rows=packed)
            packed = []
        sealed.append(found)
    return sealed


def examiner(
    stored_signatures: dict[bytes, str], now: int, initial: bool, store_empty: bool
) -> Callable[[DirListing], Examined]:
    """What the walk runs on each directory it lists, for a scan that knows these
    signatures (and whether nothing is stored yet: then every file is a new row)."""

    def examine(listing: DirListing) -> Examined:
        counts = (listing.rel_dir, len(listing.names), listing.symlinks_skipped, listing.errors)
        signature = listing.signature
        if stored_signatures.get(listing.rel_dir) == signature:
            return Examined(*counts)
        if store_empty:
            return Examined(*counts, signature, new_rows=all_new(listing, now, initial))
        return Examined(*counts, signature, listing=listing)

    return examine
