"""The duplicates report: exact copies (same bytes) and near-duplicate images (look alike).

- Exact: files of equal size are hashed (xxh3_128, stored; see `mediatop.measure.hashing`);
  equal hashes form a group.
- Near: images whose perceptual hashes (64-bit phash) differ in at most
  NEAR_MAX_DISTANCE bits (≈ 10 % of the bits: recompressed, resized or lightly edited
  copies). Pairs within one generated-size group (photo.jpg and photo-300x200.jpg) are
  expected look-alikes and never paired; byte-identical pairs are left to the exact
  groups. Groups are the connected components of the near pairs.
- Uses: a file's human views + downloads + clicks + shares over the report's range
  (Most Used Media's `usageCount`: a logged request is already its view or download),
  plus one per usage location (a place that uses it now, whatever the
  range): the range's figure, like every other report's.
- Keep rule: in each group the file to keep is the most used one over all time (the
  same sum from file_totals, plus the locations), ties going to the oldest upload, then
  the lowest id. It does not follow the range, so the copy kept is the same on every
  range and the one `cleanup --duplicates` keeps. `wasted_bytes` = the sizes of the
  other members: what removing them would free. Exact and near totals overlap when a
  group is both, so they are not to be added up.

The hashes are computed before the report, by the measurement step
(`mediatop.measure.for_reports`, options `hash` and `phash`); the report reads what is
stored, shows what that step did (`hashedNow`...) and counts what is still to hash
(`pending_content_hashes`, `pending_perceptual_hashes`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from mediatop.analytics._media_common import uses_by_file
from mediatop.analytics.context import ReportContext
from mediatop.analytics.figures import top_limit, ts_to_datetime
from mediatop.store.measurements import (
    count_phash_candidates,
    size_collision_ids,
    stale_content_hashes,
)
from mediatop.store.queries.duplicates import (
    all_time_uses,
    exact_copies,
    hashed_files,
    image_phashes,
    location_counts,
)

NEAR_MAX_DISTANCE = 6
_CHUNKS = 8  # 64 bits in 8 bytes: a pair within 6 bits shares at least 2 whole bytes
_MAX_BUCKET = 5000  # a byte value shared by more images is not used to find pairs


@dataclass(frozen=True)
class DuplicateFile:
    id: str
    filename: bytes
    type: str
    size: int
    uploaded_at: datetime | None
    uses: int  # uses over the range + usage locations (the keep rule compares all-time)
    keep: bool


@dataclass(frozen=True)
class DuplicateGroup:
    match: str  # 'exact' | 'near'
    key: str  # the content hash, or the kept file's perceptual hash
    max_distance: int  # bits between the furthest pair linked (0 for exact)
    files: list[DuplicateFile]
    keep_id: str
    wasted_bytes: int


@dataclass(frozen=True)
class DuplicatesReport:
    exact_groups: list[DuplicateGroup]
    exact_group_count: int
    exact_duplicate_files: int  # files that could go (all but the kept one per group)
    exact_wasted_bytes: int
    near_groups: list[DuplicateGroup]
    near_group_count: int
    near_duplicate_files: int
    near_wasted_bytes: int
    near_max_distance: int
    keep_rule: str
    hashed_now: int
    perceptually_hashed_now: int
    unreadable_files: int  # files that could not be read this run (skipped)
    pending_content_hashes: int
    pending_perceptual_hashes: int


@dataclass(frozen=True)
class _Member:
    id: int
    path: bytes
    kind: str
    size: int
    uploaded_at: int
    group_path: bytes
    content_hash: str | None
    phash: str | None


KEEP_RULE = "most used over all time (views, downloads, clicks, shares, locations), then oldest"


def _members(ctx: ReportContext, ids: set[int]) -> dict[int, _Member]:
    return {
        r[0]: _Member(r[0], bytes(r[1]), r[2], r[3], r[4], bytes(r[5]), r[6], r[7])
        for r in hashed_files(ctx.conn, ids)
    }


def _with_places(events: dict[int, int], places: dict[int, int]) -> dict[int, int]:
    """Each file's uses plus its usage locations."""
    return {i: events.get(i, 0) + places.get(i, 0) for i in events.keys() | places.keys()}


def _uses(ctx: ReportContext, ids: set[int]) -> tuple[dict[int, int], dict[int, int]]:
    """file id -> its uses over the range, and file id -> its all-time uses (file_totals:
    what the keep rule compares); each plus the number of its usage locations."""
    places = location_counts(ctx.conn, ids)
    in_range = {
        i: views + clicks + shares + downloads
        for i, (_requests, views, clicks, shares, downloads) in uses_by_file(ctx, ids).items()
    }
    return _with_places(in_range, places), _with_places(all_time_uses(ctx.conn, ids), places)


def _group(
    match: str,
    key: str,
    distance: int,
    members: list[_Member],
    uses: dict[int, int],
    all_time: dict[int, int],
) -> DuplicateGroup:
    keep = min(members, key=lambda m: (-all_time.get(m.id, 0), m.uploaded_at, m.id))
    files = [
        DuplicateFile(str(m.id), m.path, m.kind, m.size, ts_to_datetime(m.uploaded_at),
                      uses.get(m.id, 0), m is keep)
        for m in sorted(members, key=lambda m: (m is not keep, m.id))
    ]  # fmt: skip
    wasted = sum(m.size for m in members if m is not keep)
    return DuplicateGroup(match, key, distance, files, str(keep.id), wasted)


def near_pairs(hashes: dict[int, int], group_of: dict[int, bytes]) -> list[tuple[int, int, int]]:
    """(a, b, distance) for images within NEAR_MAX_DISTANCE bits, not of one size group.

    Multi-index search: a pair within 6 of 64 bits agrees on at least 2 of the 8 bytes,
    so it shares at least one (byte position, value) bucket; only bucket mates are
    compared, not every pair.
    """
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for file_id, value in hashes.items():
        for chunk in range(_CHUNKS):
            buckets[(chunk, (value >> (8 * chunk)) & 0xFF)].append(file_id)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for mates in buckets.values():
        if len(mates) < 2 or len(mates) > _MAX_BUCKET:
            continue
        for i, a in enumerate(mates):
            for b in mates[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in seen or group_of[a] == group_of[b]:
                    continue
                seen.add(pair)
                distance = (hashes[a] ^ hashes[b]).bit_count()
                if distance <= NEAR_MAX_DISTANCE:
                    pairs.append((*pair, distance))
    return pairs


def _components(pairs: list[tuple[int, int, int]]) -> list[tuple[list[int], int]]:
    """Connected components of the pairs, each with its largest linked distance."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        parent[find(a)] = find(b)
    members: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        members[find(x)].append(x)
    widest: dict[int, int] = defaultdict(int)
    for a, _, distance in pairs:
        root = find(a)
        widest[root] = max(widest[root], distance)
    return [(sorted(ids), widest[root]) for root, ids in members.items()]


def _pending_content_hashes(ctx: ReportContext) -> int:
    """Files that may have a twin (their size is shared) with no current content hash:
    as the measurement step left them, when it looked."""
    if ctx.measured.pending_content_hashes is not None:
        return ctx.measured.pending_content_hashes
    return len(stale_content_hashes(ctx.conn, size_collision_ids(ctx.conn)))


def duplicates_report(ctx: ReportContext) -> DuplicatesReport:
    """Exact and near-duplicate groups with the bytes removing the copies would free."""
    measured = ctx.measured
    exact_ids: dict[str, list[int]] = defaultdict(list)
    for digest, file_id in exact_copies(ctx.conn):
        exact_ids[digest].append(file_id)
    phashes: dict[int, int] = {}
    groups_of: dict[int, bytes] = {}
    for file_id, value, group_path in image_phashes(ctx.conn):
        phashes[file_id] = int(value, 16)
        groups_of[file_id] = group_path
    pairs = near_pairs(phashes, groups_of)
    wanted = {i for ids in exact_ids.values() for i in ids} | {p[0] for p in pairs}
    wanted |= {p[1] for p in pairs}
    members = _members(ctx, wanted)
    uses, all_time = _uses(ctx, wanted)
    exact = [_group("exact", digest, 0, [members[i] for i in ids], uses, all_time)
             for digest, ids in exact_ids.items()]  # fmt: skip
    # A pair of byte-identical images is an exact duplicate, not a near one.
    near_only = [p for p in pairs if members[p[0]].content_hash is None
                 or members[p[0]].content_hash != members[p[1]].content_hash]  # fmt: skip
    near = []
    for ids, distance in _components(near_only):
        group = _group("near", "", distance, [members[i] for i in ids], uses, all_time)
        near.append(replace(group, key=members[int(group.keep_id)].phash or ""))
    exact.sort(key=lambda g: (-g.wasted_bytes, g.keep_id))
    near.sort(key=lambda g: (-g.wasted_bytes, g.keep_id))
    top = top_limit(ctx, 50)
    return DuplicatesReport(
        exact_groups=exact[:top],
        exact_group_count=len(exact),
        exact_duplicate_files=sum(len(g.files) - 1 for g in exact),
        exact_wasted_bytes=sum(g.wasted_bytes for g in exact),
        near_groups=near[:top],
        near_group_count=len(near),
        near_duplicate_files=sum(len(g.files) - 1 for g in near),
        near_wasted_bytes=sum(g.wasted_bytes for g in near),
        near_max_distance=NEAR_MAX_DISTANCE,
        keep_rule=KEEP_RULE,
        hashed_now=measured.content_hashed,
        perceptually_hashed_now=measured.perceptually_hashed,
        unreadable_files=measured.unreadable_files,
        pending_content_hashes=_pending_content_hashes(ctx),
        pending_perceptual_hashes=count_phash_candidates(ctx.conn),
    )
