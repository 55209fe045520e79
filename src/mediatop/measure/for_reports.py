"""The measurement step run before a report: hashes for duplicates, savings for images.

Reports only read what is stored. A report that shows measured figures is preceded by
the step that measures what its options allow. The library surface runs
`measure_before` for every report it runs and puts what it did (`MeasuredNow`: the
`hashedNow`, `unreadableFiles`, `measuredNow`, `failed` figures the report shows) into
the report's context. The step knows nothing of the reports (sources and analytics are
independent): it takes the report's read connection, the settings, the report's
options and the clock.

Options, as the reports take them:
- duplicates: `hash` = 'all' (default) | 'cached' | N: how many stale content hashes to
  compute now; `phash` = 'all' | 'cached' | N (default 2000): how many images to
  perceptually hash now.
- images (and media, which holds the images report): `measure` = 'cached' | 'all' | N
  (default 16): measure the N most requested images (last 30 days) lacking
  measurements, starting no new encode after MEASURE_BUDGET_S seconds.
A store that cannot be written is measured nothing: its reports show what is stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime

from mediatop import __version__
from mediatop.config import Settings
from mediatop.encode_plan import ImageFacts, target_names
from mediatop.errors import StoreError
from mediatop.measure.hashing import HashRun, ensure_content_hashes, ensure_phashes
from mediatop.measure.savings import measure_savings
from mediatop.model import MeasuredNow
from mediatop.store import connect, database_file
from mediatop.store.library_facts import FactState, read_fact, save_fact
from mediatop.store.measurements import (
    count_phash_candidates,
    size_collision_ids,
    stale_content_hashes,
)
from mediatop.store.queries.image_facts import image_fact_chunks, ranked_by_requests
from mediatop.store.queries.images import present_image_ids
from mediatop.timerange import last_30_days

DEFAULT_MEASURE = "16"
MEASURE_BUDGET_S = 10.0
DEFAULT_PHASH = "2000"
_UNMEASURED_KEY = f"images-to-measure@{__version__}"  # a library fact (store.library_facts)
PICK_STEP = 64  # images checked at a time, from the most requested down
_NONE = HashRun(0, 0, 0, ())


def measure_before(
    name: str,
    conn: sqlite3.Connection,
    settings: Settings,
    options: Mapping[str, str],
    now: datetime,
) -> MeasuredNow:
    """Measure what report `name` shows measured, as far as its `options` allow; what
    was done. `conn` is the report's (read) connection: measurements are written
    through a connection of their own."""
    if name == "duplicates":
        return hashes_for_duplicates(conn, settings, options)
    if name in ("images", "media"):
        return savings_for_images(conn, settings, options, now)
    return MeasuredNow()


def option_limit(value: object) -> int | None:
    """How many to measure now, from an option: None = all, 0 = none (cached only)."""
    text = str(value).strip().lower()
    if text == "all":
        return None
    return 0 if text == "cached" else max(0, int(text))


def _cache_writer(settings: Settings) -> sqlite3.Connection | None:
    """A writable connection to the report's store, or None when it cannot be written
    (then the report shows what is stored)."""
    try:
        return connect(settings.store)
    except (StoreError, sqlite3.Error, OSError):
        return None


def hashes_for_duplicates(
    conn: sqlite3.Connection, settings: Settings, options: Mapping[str, str]
) -> MeasuredNow:
    """Compute the content and perceptual hashes the options `hash` / `phash` allow."""
    content_limit = option_limit(options.get("hash", "all"))
    phash_limit = option_limit(options.get("phash", DEFAULT_PHASH))
    if content_limit == 0 and phash_limit == 0:  # caches only: nothing to look for
        return MeasuredNow()
    collisions = size_collision_ids(conn)
    stale = stale_content_hashes(conn, collisions) if content_limit != 0 else []
    need_content = bool(stale)
    need_phash = phash_limit != 0 and count_phash_candidates(conn) > 0
    # the report shows how many are left: counted here, where the collisions are known
    pending = len(stale) if content_limit != 0 else None
    if not (need_content or need_phash):
        return MeasuredNow(pending_content_hashes=pending)
    writer = _cache_writer(settings)  # the report's own connection may be read-only
    if writer is None:
        return MeasuredNow(pending_content_hashes=pending)
    try:
        root = settings.root
        content = (
            ensure_content_hashes(writer, root, collisions, limit=content_limit, stale=stale)
            if need_content else _NONE
        )  # fmt: skip
        perceptual = ensure_phashes(writer, root, limit=phash_limit) if need_phash else _NONE
    except (sqlite3.Error, StoreError):
        # a store we may read but not write (a PostgreSQL user granted SELECT only):
        # the report shows what is stored
        return MeasuredNow(pending_content_hashes=pending)
    finally:
        writer.close()
    return MeasuredNow(
        content_hashed=content.hashed,
        perceptually_hashed=perceptual.hashed,
        unreadable_files=content.failed + perceptual.failed,
        pending_content_hashes=None if pending is None else pending - content.hashed,
    )


def unmeasured_images(
    conn: sqlite3.Connection, ids: Iterable[int] | None = None
) -> list[ImageFacts]:
    """Present images (among `ids`, default all) with a planned re-encoding whose saving
    is not measured yet, by id (read a chunk at a time: only those left are kept)."""
    found: list[ImageFacts] = []
    for facts, cached, widths in image_fact_chunks(
        conn, present_image_ids(conn) if ids is None else ids
    ):
        found += [
            f for f in facts
            if any(n not in cached.get(f.id, {}) for n in target_names(f, widths.get(f.id)))
        ]  # fmt: skip
    return found


def _ranked_candidates(
    conn: sqlite3.Connection, window: tuple[str, str]
) -> tuple[FactState, list[int]]:
    """(the library's state, the images `unmeasured_images` finds at that
    generation, the most requested over `window` first).

    Kept as a library fact with the window it was ranked over: finding them reads every
    image (half a second at 90k images) and ranking them sums 30 days of requests (a
    quarter of a second), and a report runs this step every time. So the list is worked
    out once per library generation and ranked once per window (a day): the order is
    that of the first run of the day. Measuring never changes the generation, so the
    list may hold images measured since: a superset, which `_pick` checks again."""
    state = read_fact(conn, _UNMEASURED_KEY)
    kept = json.loads(state.value) if state.value is not None else None
    if kept is not None and kept["window"] == list(window):
        return state, list(kept["ids"])
    ids = kept["ids"] if kept is not None else [f.id for f in unmeasured_images(conn)]
    ranked = ranked_by_requests(conn, ids, *window)
    _keep(conn, state, window, ranked)
    return state, ranked


def _keep(
    conn: sqlite3.Connection, state: FactState, window: tuple[str, str], ids: list[int]
) -> None:
    if path := database_file(conn):
        value = json.dumps({"window": list(window), "ids": ids})
        save_fact(path, _UNMEASURED_KEY, state, value)


def _pick(
    conn: sqlite3.Connection, ranked: list[int], limit: int | None
) -> tuple[list[int], set[int]]:
    """The first `limit` (None: all) of `ranked` that are still unmeasured, checked a
    few at a time from the top, and the ids found measured on the way."""
    chosen: list[int] = []
    measured: set[int] = set()
    step = PICK_STEP if limit is not None else len(ranked) or 1
    for at in range(0, len(ranked), step):
        wanted = ranked[at : at + step]
        left = {f.id for f in unmeasured_images(conn, wanted)}
        chosen += [i for i in wanted if i in left]
        measured.update(i for i in wanted if i not in left)
        if limit is not None and len(chosen) >= limit:
            return chosen[:limit], measured
    return chosen, measured


def savings_for_images(
    conn: sqlite3.Connection, settings: Settings, options: Mapping[str, str], now: datetime
) -> MeasuredNow:
    """Measure the most requested images (last 30 days before `now`) lacking
    measurements, as the option `measure` allows."""
    limit = option_limit(options.get("measure", DEFAULT_MEASURE))
    if limit == 0:
        return MeasuredNow()
    window = last_30_days(now)
    state, ranked = _ranked_candidates(conn, window)
    chosen, measured = _pick(conn, ranked, limit)
    if measured:  # keep the list short for the next run
        _keep(conn, state, window, [i for i in ranked if i not in measured])
    if not chosen:
        return MeasuredNow()
    writer = _cache_writer(settings)  # the report's own connection may be read-only
    if writer is None:
        return MeasuredNow()
    try:
        summary = measure_savings(
            writer, settings.root, chosen,
            budget_s=None if limit is None else MEASURE_BUDGET_S,
            now=int(now.timestamp()),
        )  # fmt: skip
    except (sqlite3.Error, StoreError):  # one we may read but not write (a PostgreSQL
        return MeasuredNow()  # user granted SELECT only): report what is stored
    finally:
        writer.close()
    return MeasuredNow(savings_measured=summary.measured, savings_failed=summary.failed)
