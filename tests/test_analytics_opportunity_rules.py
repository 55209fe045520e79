"""Which optimisation opportunities count: a measured saving that is not positive is none,
and the candidates come from facts, whatever was measured before (issue 13, points 2, 7)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from analytics_types_support import after_measuring, context, locations, photo, save_image, scan
from mediatop.analytics.images.report import image_opportunities_for, images_report
from mediatop.analytics.insights.report import insights_report
from mediatop.analytics.optimization.report import optimization_report
from mediatop.measure.savings import measure_savings
from mediatop.model import UsageLocation
from mediatop.store.measurements import cached_measurements


def flat_logo(root: Path, rel: str) -> Path:
    """A 320×96 logo of three flat shapes on transparency: a few hundred bytes as PNG,
    and larger once resized, because smoothing its edges adds colours."""
    im = Image.new("RGBA", (320, 96), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.rectangle((10, 10, 90, 86), fill=(200, 30, 30, 255))
    draw.ellipse((110, 10, 190, 86), fill=(30, 30, 200, 255))
    draw.polygon([(210, 86), (250, 10), (300, 86)], fill=(30, 160, 30, 255))
    return save_image(root, rel, im, optimize=True)


def shown(path: str, width: int) -> UsageLocation:
    return UsageLocation(path.encode(), "page", path, "inline", "test", display_width=width)


def test_a_resize_that_grows_the_file_is_no_opportunity(empty_store):
    conn, settings = empty_store
    logo = flat_logo(settings.root, "logos/site-logo.png")
    big = save_image(settings.root, "big.jpg", photo(1200, 900), quality=80)
    ids = scan(conn, settings.root)
    # Both are oversized by the facts: 320 px > 2 × 40 px, 1200 px > 2 × 250 px.
    locations(conn, "test", [shown("logos/site-logo.png", 40), shown("big.jpg", 250)])
    measure_savings(conn, settings.root, [ids["logos/site-logo.png"], ids["big.jpg"]], workers=1)
    cache = cached_measurements(conn)
    logo_resized = cache[ids["logos/site-logo.png"]]["resize:80"].encoded_size
    big_resized = cache[ids["big.jpg"]]["resize:500"].encoded_size
    assert logo_resized is not None and big_resized is not None
    # The premise: the logo's 80 px copy is larger than the logo, the photo's smaller.
    assert logo_resized > logo.stat().st_size
    big_saving = big.stat().st_size - big_resized
    assert big_saving > 0

    summary = optimization_report(context(conn, settings))
    # One resize (the photo) with its saving; the logo counts nowhere.
    assert (summary.resize.count, summary.resize.bytes) == (1, big_saving)
    logo_id = str(ids["logos/site-logo.png"])
    assert [o for o in summary.opportunities if o.media_id == logo_id and o.type == "resize"] == []
    assert all(o.potential_savings is None or o.potential_savings > 0
               for o in summary.opportunities)  # fmt: skip

    report = images_report(context(conn, settings, measure="cached"))
    assert [o.id for o in report.optimization.oversized_images] == [str(ids["big.jpg"])]
    assert all(o.potential_savings is None or o.potential_savings > 0
               for o in report.optimization.conversion_opportunities)  # fmt: skip
    assert [o.type for o in image_opportunities_for(context(conn, settings), int(logo_id))
            if o.type == "resize"] == []  # fmt: skip

    (oversized,) = [i for i in insights_report(context(conn, settings)).insights
                    if i.topic == "oversized"]  # fmt: skip
    assert (oversized.figures["images"], oversized.figures["bytes"]) == (1, big_saving)


def _lines(summary):
    return {
        name: (line.candidates, line.measured_candidates, line.unmeasured)
        for name, line in (("resize", summary.resize), ("compress", summary.compress),
                           ("convert", summary.convert))
    }  # fmt: skip


def test_candidates_are_the_same_before_and_after_savings_are_measured(empty_store):
    conn, settings = empty_store
    root = settings.root
    save_image(root, "wide.jpg", photo(1200, 900), quality=80)  # shown at 250 px: oversized
    save_image(root, "fine.jpg", photo(800, 600, seed=2), quality=95)  # quality over 90
    save_image(root, "chart.png", photo(300, 200, seed=3))
    scan(conn, root)
    locations(conn, "test", [shown("wide.jpg", 250), shown("fine.jpg", 800)])

    before = optimization_report(context(conn, settings))
    insights_before = {
        i.topic: i.figures for i in insights_report(context(conn, settings)).insights
    }
    images_report(after_measuring("images", context(conn, settings, measure="all")))  # measures
    after = optimization_report(context(conn, settings))
    insights_after = {i.topic: i.figures for i in insights_report(context(conn, settings)).insights}

    # Candidates by the facts: resize 1 (wide.jpg: 1200 > 2 × 250); compress 1 (fine.jpg,
    # JPEG quality 95 > 90); convert 3 (three still JPEG/PNG images). Nothing measured at
    # first, so every candidate is unmeasured; afterwards every one is measured.
    assert _lines(before) == {"resize": (1, 0, 1), "compress": (1, 0, 1), "convert": (3, 0, 3)}
    assert _lines(after) == {"resize": (1, 1, 0), "compress": (1, 1, 0), "convert": (3, 3, 0)}
    # Before measuring, every candidate is still an opportunity; measuring only drops
    # those that save nothing, and adds bytes.
    assert (before.resize.count, before.convert.count, before.compress.count) == (1, 3, 1)
    assert after.convert.count <= 3 and after.convert.bytes >= before.convert.bytes == 0

    # The insights count the same candidates: 1 oversized image; 3 images a WebP/AVIF
    # copy may replace (2 JPEG + 1 PNG; WebP sources: none here).
    oversized_before, oversized_after = insights_before["oversized"], insights_after["oversized"]
    assert (oversized_before["candidates"], oversized_before["measuredCandidates"]) == (1, 0)
    assert (oversized_after["candidates"], oversized_after["measuredCandidates"]) == (1, 1)
    format_before = insights_before["format"]
    assert (format_before["images"], format_before["candidates"]) == (3, 3)
    assert (format_before["measuredCandidates"], format_before["bytes"]) == (0, 0)
    format_after = insights_after["format"]
    assert (format_after["candidates"], format_after["measuredCandidates"]) == (3, 3)
