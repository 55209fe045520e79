"""Optimisation summary: resize / compress / remove / convert lines and the ranked list."""

from __future__ import annotations

from analytics_types_support import (
    NOW_TS,
    context,
    locations,
    photo,
    save_image,
    scan,
    usage,
    views,
)
from mediatop.analytics.optimization.report import optimization_report
from mediatop.measure.savings import measure_savings
from mediatop.model import ProbeResult, UsageLocation
from mediatop.store.connection import transaction
from mediatop.store.files import save_probes
from mediatop.store.measurements import cached_measurements


def test_dashboard_lines_count_files_and_bytes(empty_store):
    conn, settings = empty_store
    root = settings.root
    big = save_image(root, "big.jpg", photo(1200, 900), quality=95)
    save_image(root, "2020/01/old.png", photo(120, 90, seed=4))
    (root / "clip.mp4").write_bytes(b"\0" * 1000)
    with open(root / "manual.pdf", "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(11_000_000)  # sparse: cheap to make
    ids = scan(conn, root)
    with transaction(conn):
        save_probes(conn, [(ids["clip.mp4"], ProbeResult(
            format="MP4", height=720, bitrate=12_000_000, codec="h264", faststart=True))],
            NOW_TS)  # fmt: skip
    locations(conn, "test", [UsageLocation(b"big.jpg", "post", "1", "inline", "t",
                                           display_width=250)])  # fmt: skip
    usage(conn, views(ids["big.jpg"], 10) + views(ids["clip.mp4"], 3, bytes=1000))
    measure_savings(conn, root, [ids["big.jpg"], ids["2020/01/old.png"]], workers=2)

    summary = optimization_report(context(conn, settings))

    cache = cached_measurements(conn)
    big_cache = cache[ids["big.jpg"]]
    size = big.stat().st_size
    resize_saving = size - big_cache["resize:500"].encoded_size
    assert (summary.resize.count, summary.resize.bytes) == (1, resize_saving)
    webp_savings = [c["webp"].saving for c in cache.values()]
    assert summary.convert.count == sum(1 for s in webp_savings if s >= 1024)
    assert summary.convert.bytes == sum(s for s in webp_savings if s >= 1024)
    video_estimate = int(1000 * (1 - 3_000_000 / 12_000_000))
    recompress = size - big_cache["jpeg:85"].encoded_size
    assert summary.compress.count == 3  # the q95 JPEG, the over-bitrate video, the big PDF
    assert summary.compress.bytes == recompress + video_estimate
    assert summary.compress.unmeasured == 1  # the PDF
    old_size = (root / "2020/01/old.png").stat().st_size
    assert (summary.remove.count, summary.remove.bytes) == (1, old_size)

    monthly = [o.monthly_bytes_saved or 0 for o in summary.opportunities]
    assert monthly == sorted(monthly, reverse=True)
    video = next(o for o in summary.opportunities if o.kind == "video")
    assert video.monthly_bytes_saved == int(video_estimate / 1000 * 3000)
    first = summary.opportunities[0]
    assert first.media_id == str(ids["big.jpg"]) and first.requests_30d == 10
    assert {o.type for o in summary.opportunities} >= {"resize", "format", "compress", "remove"}


def test_unmeasured_images_are_counted_apart(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "a.png", photo(60, 40))
    scan(conn, settings.root)

    summary = optimization_report(context(conn, settings))

    # a.png is a candidate by its format, an opportunity until measured to save nothing.
    convert = summary.convert
    assert (convert.count, convert.unmeasured, convert.candidates) == (1, 1, 1)
    assert convert.measured_candidates == 0


def test_a_short_ranking_still_counts_every_unused_file(empty_store):
    conn, settings = empty_store
    sizes = {f"2020/01/old-{n}.pdf": 1000 + 100 * n for n in range(6)}
    for name, size in sizes.items():
        path = settings.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n" + b"\0" * size)
    ids = scan(conn, settings.root)

    full = optimization_report(context(conn, settings))
    short = optimization_report(context(conn, settings, top="2"))

    everything = sum(sizes.values()) + 9 * len(sizes)
    assert (full.remove.count, full.remove.bytes) == (6, everything)
    assert (short.remove.count, short.remove.bytes) == (6, everything)
    assert short.total_opportunities == full.total_opportunities
    # the two largest, as in the full ranking
    assert [o.media_id for o in short.opportunities] == [
        str(ids["2020/01/old-5.pdf"]), str(ids["2020/01/old-4.pdf"])
    ]  # fmt: skip
    assert [o.media_id for o in full.opportunities[:2]] == [o.media_id for o in short.opportunities]
