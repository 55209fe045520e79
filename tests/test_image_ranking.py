"""The image opportunity lists rank by bytes saved per month without summing every
file's requests: the files visited first (by requests ever) must not decide the order."""

from __future__ import annotations

from pathlib import Path

from mediatop import __version__
from mediatop.analytics._media_common import last_30_days, top_by_use
from mediatop.analytics.images.library_pass import BY_SAVING
from mediatop.analytics.images.library_savings import library_savings
from mediatop.analytics.images.ranking import top_by_monthly_saving
from mediatop.analytics.images.report import images_report
from mediatop.model import ProbeResult
from mediatop.store.library_facts import read_fact
from mediatop.store.measurements import Measurement, save_measurements
from test_analytics_usage_fixtures import Store, make_store, view

SIZE = 100_000
JPEG = ProbeResult(format="JPEG", width=1000, height=800, mode="RGB", quality=80)


def _library(tmp_path: Path) -> tuple[Store, dict[int, int]]:
    """300 JPEGs; image n (1..300) has a measured WebP copy saving 5,000 + 100·n bytes.

    Over the last 30 days every image had 1 request, except: images 10, 20 and 30 had
    20 each; images 291..300 (the largest savings) had none, but 100 each 60 days ago,
    so by requests ever they come first.
    """
    store = make_store(tmp_path)
    ids = {n: store.add(f"img{n:03d}.jpg", SIZE, probe=JPEG) for n in range(1, 301)}
    save_measurements(
        store.conn,
        [Measurement(i, "webp", SIZE, 0, SIZE - (5_000 + 100 * n), None) for n, i in ids.items()],
        0,
    )
    events = []
    for n, file_id in ids.items():
        if n > 290:
            events += [view(file_id, 60) for _ in range(100)]
        else:
            events += [view(file_id, 2) for _ in range(20 if n in (10, 20, 30) else 1)]
    store.events(events)
    return store, ids


def test_the_first_rows_are_the_highest_savings_per_month(tmp_path: Path):
    store, ids = _library(tmp_path)

    report = images_report(store.ctx("30d", measure="cached", top=5))

    # 30 saves 8,000 × 20 = 160,000 a month, 20: 7,000 × 20, 10: 6,000 × 20; then one
    # request each: 290 saves 34,000, 289: 33,900 (291..300 were not requested lately)
    top = report.optimization.conversion_opportunities
    assert [o.media_id for o in top] == [str(ids[n]) for n in (30, 20, 10, 290, 289)]
    assert [o.monthly_bytes_saved for o in top] == [160_000, 140_000, 120_000, 34_000, 33_900]
    assert [o.requests_30d for o in top] == [20, 20, 20, 1, 1]
    # every saving counts in the total: 300 × 5,000 + 100 × (1 + ... + 300)
    assert report.performance.compression_savings == 1_500_000 + 100 * 45_150


def test_a_new_measurement_reaches_the_next_report(tmp_path: Path):
    store, ids = _library(tmp_path)
    images_report(store.ctx("30d", measure="cached", top=5))  # keeps the library's savings

    save_measurements(store.conn, [Measurement(ids[1], "webp", SIZE, 0, 1_000, None)], 0)
    # the savings are stale now; facts of the library alone (the census) are not
    assert read_fact(store.conn, f"savings_ranked@{__version__}", measured=True).value is None
    assert read_fact(store.conn, f"format_census@{__version__}").value is not None
    report = images_report(store.ctx("30d", measure="cached", top=5))

    # image 1 now saves 99,000 bytes for its one request, after 30, 20 and 10
    top = report.optimization.conversion_opportunities
    assert [o.media_id for o in top][:4] == [str(ids[n]) for n in (30, 20, 10, 1)]
    assert top[3].monthly_bytes_saved == 99_000


def _visited(store: Store, first_page: int) -> dict[int, int]:
    ctx = store.ctx("30d", measure="cached")
    formats = library_savings(ctx).formats
    return top_by_monthly_saving(
        ctx, formats, last_30_days(ctx), 5, BY_SAVING, first_page=first_page
    )


def test_files_past_the_most_requested_are_bounded_by_the_fewest_of_those(tmp_path: Path):
    store, ids = _library(tmp_path)
    number = {file_id: n for n, file_id in ids.items()}

    # Every requested file's requests ever read in one page (1024 > 300 files): bounds
    # 100 × saving for 291..300, 20 × for 10, 20 and 30, 1 × for the rest. Read in
    # batches of 5 (the limit), then 10: 300..296 first (no request lately: no figure),
    # then 295..291, 30, 20, 10, 290 and 289; the fifth figure found (289's 33,900)
    # beats the next bound (288's 33,800), and the visit stops.
    whole = _visited(store, first_page=1024)
    assert sorted(number[i] for i in whole) == [10, 20, 30, 289, 290, *range(291, 301)]
    # A first page of the 5 busiest (291..295, 100 requests each) bounds every other file
    # by 100 × its saving, which would put 296..300 and 290 down to 1 before 30, 20 and
    # 10: pages of 20, 80 and 320 are read instead, and the visit is the same.
    narrow = _visited(store, first_page=5)
    assert narrow == whole
    # and the first rows are the same: 30, 20, 10 (20 requests), then 290 and 289 (1)
    for visited in (whole, narrow):
        monthly = {number[i]: (5_000 + 100 * number[i]) * n for i, n in visited.items()}
        assert sorted(monthly, key=lambda k: -monthly[k])[:5] == [30, 20, 10, 290, 289]


def test_a_quiet_range_stops_once_every_view_of_the_kind_is_found(tmp_path: Path):
    """1,200 images viewed 3 times each 10 days ago; in the last 24 hours only images
    7 and 900, once each."""
    store = make_store(tmp_path)
    ids = {n: store.add(f"q{n:04d}.jpg", SIZE, probe=JPEG) for n in range(1, 1201)}
    store.events(
        [view(i, 10) for i in ids.values() for _ in range(3)]
        + [view(ids[7], 0.5), view(ids[900], 0.5)]
    )
    ctx = store.ctx("24h").fresh_run()

    top = top_by_use(ctx, "image", "views", 5)

    assert [(i, uses[1]) for i, uses in top] == [(ids[7], 1), (ids[900], 1)]
    # 7 and 900 lead by views ever (4 against 3), so the first batch summed (256 files)
    # holds both views the images had in the range, and the walk ends there rather
    # than after all 1,200
    summed = ctx.shared(("uses_by_file", ctx.time_range), dict)
    assert isinstance(summed, dict) and len(summed) == 256
    # Left out (as the videos report leaves out files with player sessions), image 7's
    # view is not waited for: the walk still ends after the first batch (image 7 summed
    # apart, then 256 files)
    ctx = store.ctx("24h").fresh_run()
    assert [i for i, _ in top_by_use(ctx, "image", "views", 5, excluding={ids[7]})] == [ids[900]]
    summed = ctx.shared(("uses_by_file", ctx.time_range), dict)
    assert isinstance(summed, dict) and len(summed) == 257
