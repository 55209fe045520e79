"""The images report: oversized vs display width, engagement, cleanup, measured conversions."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from analytics_types_support import (
    DAY,
    NOW_TS,
    after_measuring,
    context,
    locations,
    photo,
    save_image,
    scan,
    usage,
    views,
)
from mediatop.analytics.images.opportunities import cleanup_opportunities
from mediatop.analytics.images.report import (
    dashboard_image_stats,
    image_opportunities_for,
    images_report,
)
from mediatop.analytics.images.usage import engagement
from mediatop.encode_plan import max_width_from_sizes, plan_targets, target_names
from mediatop.model import UsageLocation
from mediatop.store.queries.image_facts import load_image_facts


def loc(path: str, loc_id: str, usage_: str = "inline", **fields: object) -> UsageLocation:
    return UsageLocation(path.encode(), "post", loc_id, usage_, "test", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ("800px", 800),
        ("(max-width: 600px) 100vw, 700px", 700),
        ("(max-width: 1000px) 50vw, 300px", 500),
        ("100vw", None),
        ("(min-width: 900px) 33vw, 100vw", None),
        (None, None),
    ],
)
def test_widest_slot_of_a_sizes_attribute(sizes, expected):
    assert max_width_from_sizes(sizes) == expected


def test_oversized_is_judged_against_the_largest_display_width_including_srcset(empty_store):
    conn, settings = empty_store
    for name in ("big.jpg", "wide.jpg", "srcset.jpg", "unbounded.jpg", "unshown.jpg"):
        save_image(settings.root, name, photo(1600, 1200), quality=80)
    ids = scan(conn, settings.root)
    locations(conn, "test", [
        loc("big.jpg", "1", display_width=300),
        loc("big.jpg", "2", display_width=400),  # largest display: 400 -> 1600 > 800
        loc("wide.jpg", "3", display_width=1000),  # 1600 < 2000: not oversized
        loc("srcset.jpg", "4", sizes="(max-width: 600px) 100vw, 700px", is_responsive=True),
        loc("unbounded.jpg", "5", sizes="100vw", is_responsive=True),
    ])  # fmt: skip

    report = images_report(context(conn, settings, measure="cached"))

    oversized = {o.id: o for o in report.optimization.oversized_images}
    assert set(oversized) == {str(ids["big.jpg"]), str(ids["srcset.jpg"])}
    big = oversized[str(ids["big.jpg"])]
    assert (big.original_width, big.max_display_width, big.recommended_width) == (1600, 400, 800)
    assert oversized[str(ids["srcset.jpg"])].recommended_width == 1400
    assert big.recommended_size is None  # measure=cached: found, not measured yet
    resize = [o for o in report.optimization.conversion_opportunities if o.type == "resize"]
    assert {o.media_id for o in resize} == set(oversized)
    assert all(o.measured is False and o.impact == "high" for o in resize)


def _turned(orientation: int) -> dict[str, bytes]:
    """save() options writing an EXIF block with this orientation tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return {"exif": exif.tobytes()}


def test_a_photo_turned_by_exif_is_judged_by_the_width_it_is_shown_at(empty_store):
    conn, settings = empty_store
    # Both stored 1600x1200. upright.jpg's orientation 6 turns it a quarter: a browser
    # shows it 1200 wide. Both are displayed at most 700 px wide: 1600 > 2 x 700 = 1400
    # is oversized, 1200 is not. flipped.jpg's orientation 3 (half a turn) keeps 1600.
    save_image(settings.root, "plain.jpg", photo(1600, 1200), quality=80)
    save_image(settings.root, "upright.jpg", photo(1600, 1200), quality=80, **_turned(6))
    save_image(settings.root, "flipped.jpg", photo(1600, 1200), quality=80, **_turned(3))
    ids = scan(conn, settings.root)
    locations(conn, "test", [
        loc(name, str(n), display_width=700)
        for n, name in enumerate(("plain.jpg", "upright.jpg", "flipped.jpg"))
    ])  # fmt: skip

    report = images_report(context(conn, settings, measure="cached"))

    oversized = {o.id: o.original_width for o in report.optimization.oversized_images}
    assert oversized == {str(ids["plain.jpg"]): 1600, str(ids["flipped.jpg"]): 1600}
    facts = {f.id: (f.width, f.height) for f in load_image_facts(conn)}
    assert facts[ids["upright.jpg"]] == (1200, 1600)


def test_resize_saving_is_the_measured_size_of_the_resized_image(empty_store):
    conn, settings = empty_store
    path = save_image(settings.root, "big.jpg", photo(1200, 900), quality=80)
    file_id = scan(conn, settings.root)["big.jpg"]
    locations(conn, "test", [loc("big.jpg", "1", display_width=250)])

    report = images_report(after_measuring("images", context(conn, settings, measure="all")))

    quality = conn.execute("SELECT quality FROM media_files").fetchone()[0]
    with Image.open(path) as im:
        im.draft("RGB", (500, 375))
        out = io.BytesIO()
        im.convert("RGB").resize((500, 375), Image.Resampling.LANCZOS).save(
            out, "JPEG", quality=quality, optimize=True, progressive=True
        )
    [oversized] = report.optimization.oversized_images
    assert oversized.id == str(file_id)
    assert oversized.recommended_size == out.tell()
    assert oversized.potential_savings == path.stat().st_size - out.tell()


def test_format_opportunity_reports_the_smaller_measured_encoding(empty_store):
    conn, settings = empty_store
    path = save_image(settings.root, "p.jpg", photo(640, 480), quality=88)
    scan(conn, settings.root)

    report = images_report(after_measuring("images", context(conn, settings, measure="all")))

    with Image.open(path) as im:
        rgb = im.convert("RGB")
    sizes = {}
    for fmt, options in (
        ("WEBP", {"quality": 88, "method": 4}),
        ("AVIF", {"quality": 88, "speed": 8}),
    ):
        out = io.BytesIO()
        rgb.save(out, fmt, **options)
        sizes[fmt] = out.tell()
    best = min(sizes, key=sizes.__getitem__)
    [fmt_op] = [o for o in report.optimization.conversion_opportunities if o.type == "format"]
    assert fmt_op.recommended_format == best
    assert fmt_op.recommended_size == sizes[best]
    assert fmt_op.potential_savings == path.stat().st_size - sizes[best]
    share = (path.stat().st_size - sizes[best]) / path.stat().st_size
    assert fmt_op.reason == f"JPEG as {best}: {share:.0%} smaller, measured"
    assert report.performance.compression_savings == fmt_op.potential_savings
    assert report.optimization.measurement.fully_measured == 1


def test_opportunities_are_ranked_by_bytes_saved_per_month(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "rare.png", photo(400, 300, seed=1))
    save_image(settings.root, "busy.png", photo(200, 150, seed=2))
    ids = scan(conn, settings.root)
    usage(conn, views(ids["rare.png"], 1) + views(ids["busy.png"], 50))

    report = images_report(after_measuring("images", context(conn, settings, measure="all")))

    ops = [o for o in report.optimization.conversion_opportunities if o.type == "format"]
    assert [o.media_id for o in ops] == [str(ids["busy.png"]), str(ids["rare.png"])]
    busy = ops[0]
    assert busy.requests_30d == 50
    assert busy.monthly_bytes_saved == busy.potential_savings * 50


def test_engagement_rates_per_image(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "a.jpg", photo(100, 80))
    save_image(settings.root, "b.jpg", photo(100, 80, seed=3))
    ids = scan(conn, settings.root)
    a, b = ids["a.jpg"], ids["b.jpg"]
    usage(conn, [
        *views(a, 10),
        *views(a, 2, etype="click", source="track"),
        *views(a, 1, etype="share", source="track"),
        *views(a, 1, etype="download", source="track"),
        *views(b, 3, etype="click", source="track"),  # clicks but no views
    ])  # fmt: skip

    [first] = images_report(context(conn, settings, measure="cached")).usage.most_viewed_images

    assert first.id == str(a)  # b has no views: not among the most viewed
    assert (first.views, first.clicks, first.shares, first.downloads) == (10, 2, 1, 1)
    assert first.click_through_rate == pytest.approx(20.0)  # 2 / 10 × 100
    assert first.engagement_rate == pytest.approx(40.0)  # (2 + 1 + 1) / 10 × 100
    assert first.popularity_score == 10 + 5 * 2 + 10 * 1
    [facts_b] = load_image_facts(conn, [b])
    no_views = engagement(facts_b, (0, 0, 3, 0, 0))
    assert no_views.click_through_rate is None and no_views.engagement_rate is None
    assert no_views.popularity_score == 15


def test_most_viewed_over_all_time_reads_the_all_time_totals(empty_store):
    conn, settings = empty_store
    for n in range(4):
        save_image(settings.root, f"i{n}.jpg", photo(40, 30, seed=n))
    ids = scan(conn, settings.root)
    old = NOW_TS - 200 * DAY
    usage(conn, views(ids["i0.jpg"], 1) + views(ids["i1.jpg"], 3)
          + views(ids["i2.jpg"], 5, ts=old) + views(ids["i3.jpg"], 2))  # fmt: skip

    recent = images_report(context(conn, settings, measure="cached", top="2"))
    always = images_report(context(conn, settings, "all", measure="cached", top="2"))

    assert [u.id for u in recent.usage.most_viewed_images] == [str(ids["i1.jpg"]),
                                                                str(ids["i3.jpg"])]  # fmt: skip
    assert [u.id for u in always.usage.most_viewed_images] == [str(ids["i2.jpg"]),
                                                                str(ids["i1.jpg"])]  # fmt: skip


def test_target_names_match_the_planned_targets(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "q95.jpg", photo(900, 600), quality=95)
    save_image(settings.root, "p.png", photo(300, 200))
    save_image(settings.root, "w.webp", photo(300, 200))
    scan(conn, settings.root)
    for facts in load_image_facts(conn):
        for display in (None, 100, 1000):
            planned = tuple(t.name for t in plan_targets(facts, display))
            assert target_names(facts, display) == planned


def test_unused_generated_sizes_are_one_cleanup_per_group(empty_store):
    conn, settings = empty_store
    for name in ("photo.jpg", "photo-300x200.jpg", "photo-150x150.jpg", "photo-1024x683.jpg",
                 "photo@2x.jpg"):  # fmt: skip
        save_image(settings.root, name, photo(120, 80))
    ids = scan(conn, settings.root)
    usage(conn, views(ids["photo-300x200.jpg"], 1))  # requested
    locations(conn, "test", [loc("photo-1024x683.jpg", "9")])  # referenced

    report = images_report(context(conn, settings, measure="cached"))

    [cleanup] = [o for o in report.optimization.conversion_opportunities if o.type == "cleanup"]
    assert cleanup.media_id == str(ids["photo.jpg"])
    assert sorted(cleanup.unused_sizes or []) == ["150x150", "@2x"]
    expected = sum((settings.root / n).stat().st_size for n in ("photo-150x150.jpg",
                                                                 "photo@2x.jpg"))  # fmt: skip
    assert cleanup.potential_savings == expected
    assert cleanup.impact == "low"
    for_file = image_opportunities_for(context(conn, settings), ids["photo.jpg"])
    assert [o.type for o in for_file] == ["cleanup"]


def test_the_largest_cleanups_rank_and_count_as_the_full_list_does(empty_store):
    """Only the largest cleanups become opportunities; they must be the full ranking's
    head (size, then owner id), and the count must still be every group's."""
    conn, settings = empty_store
    for stem, side in {"a": 40, "b": 90, "c": 40, "d": 120, "e": 10}.items():
        save_image(settings.root, f"{stem}.jpg", photo(30, 20))
        save_image(settings.root, f"{stem}-300x200.jpg", photo(side, side), quality=95)
    # c's size ties a's (the noise differs per picture): then a's owner, the lower id, leads
    (settings.root / "c-300x200.jpg").write_bytes((settings.root / "a-300x200.jpg").read_bytes())
    save_image(settings.root, "lone-150x150.jpg", photo(400, 400))  # a group with no original
    ids = scan(conn, settings.root)
    usage(conn, views(ids["e-300x200.jpg"], 1))  # requested: no cleanup for e

    ctx = context(conn, settings)
    full = cleanup_opportunities(ctx)
    assert full.count == len(full.top) == 5
    assert [o.filename for o in full.top] == [b"lone-150x150.jpg", b"d.jpg", b"b.jpg",
                                              b"a.jpg", b"c.jpg"]  # fmt: skip
    assert full.top[0].media_id == str(ids["lone-150x150.jpg"])
    assert [o.unused_sizes for o in full.top] == [["150x150"], *[["300x200"]] * 4]
    for limit in range(6):
        short = cleanup_opportunities(ctx, limit=limit)
        assert (short.top, short.count) == (full.top[:limit], 5)


def test_overview_performance_and_dashboard_figures(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "a.jpg", photo(200, 100), quality=80)
    save_image(settings.root, "b.webp", photo(100, 100), quality=80)
    save_image(settings.root, "c.png", Image.new("RGBA", (10, 10), (1, 2, 3, 4)))
    ids = scan(conn, settings.root)
    usage(conn, views(ids["b.webp"], 3) + views(ids["a.jpg"], 1))
    locations(conn, "test", [
        loc("a.jpg", "1", "featured", is_lazy=True, is_responsive=True),
        loc("a.jpg", "2", is_lazy=True, is_responsive=True),
        loc("b.webp", "3", is_lazy=False, is_responsive=False),
        loc("c.png", "4"),
    ])  # fmt: skip

    ctx = context(conn, settings, measure="cached")
    report = images_report(ctx)

    sizes = {n: (settings.root / n).stat().st_size for n in ("a.jpg", "b.webp", "c.png")}
    overview = report.overview
    assert overview.total_images == 3
    assert overview.total_size == sum(sizes.values())
    ratio = (sizes["a.jpg"] / (200 * 100 * 3) + sizes["b.webp"] / (100 * 100 * 3)
             + sizes["c.png"] / (10 * 10 * 4)) / 3  # fmt: skip
    assert overview.compression_ratio == pytest.approx(ratio)
    assert {f.format: f.count for f in overview.format_distribution} == {
        "JPEG": 1, "WEBP": 1, "PNG": 1}  # fmt: skip
    assert report.performance.web_p_adoption == pytest.approx(100 / 3)
    assert report.performance.responsive_usage == pytest.approx(200 / 3)  # 2 of 3 known
    assert report.performance.lazy_loading_effectiveness == pytest.approx(50.0)  # 1 of 2
    [featured] = report.usage.featured_images
    assert (featured.id, featured.featured_in, featured.views) == (str(ids["a.jpg"]), 1, 1)
    stats = dashboard_image_stats(ctx)
    assert stats.web_p_usage == pytest.approx(75.0)  # 3 of 4 image requests
    assert stats.mobile_opt == pytest.approx(200 / 3)


def test_gallery_performance_sums_its_images(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "g1.jpg", photo(60, 40))
    save_image(settings.root, "g2.jpg", photo(60, 40, seed=5))
    ids = scan(conn, settings.root)
    usage(conn, views(ids["g1.jpg"], 6) + views(ids["g2.jpg"], 2)
          + views(ids["g2.jpg"], 2, etype="click", source="track"))  # fmt: skip
    locations(conn, "test", [
        loc("g1.jpg", "77", "gallery", title="Trip"), loc("g2.jpg", "77", "gallery", title="Trip"),
    ])  # fmt: skip

    [gallery] = images_report(context(conn, settings, measure="cached")).usage.gallery_performance

    assert (gallery.location_id, gallery.images, gallery.views, gallery.clicks) == ("77", 2, 8, 2)
    assert gallery.average_views_per_image == pytest.approx(4.0)
    assert gallery.click_through_rate == pytest.approx(25.0)


# A file this user cannot write is a SQLite store's condition (a server grants rights).
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_store_that_cannot_be_written_reports_what_is_cached(tmp_path, empty_store):
    conn, settings = empty_store
    save_image(settings.root, "p.jpg", photo(64, 48), quality=80)
    scan(conn, settings.root)
    (tmp_path / "not-a-dir").write_text("x")
    unwritable = replace(settings, db_path=tmp_path / "not-a-dir" / "store.sqlite3")

    report = images_report(after_measuring("images", context(conn, unwritable, measure="all")))

    assert report.optimization.measurement.measured_now == 0
    assert report.overview.total_images == 1
