"""The usage report and unused-file evidence, on a small store computed by hand."""

from __future__ import annotations

import pytest

from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.usage.report import most_used, usage_report
from mediatop.analytics.usage.unused import unused_candidates
from test_analytics_usage_fixtures import make_store, ref, tracked, view


@pytest.fixture
def library(tmp_path, store_url):
    """A library whose access log covers every day of the last 91 (logo.png daily)."""
    s = make_store(tmp_path, store_url=store_url)
    ids = {
        "logo": s.add("logo.png", 100),
        "hero": s.add("hero.jpg", 1000),
        "doc": s.add("guide.pdf", 2000),
        "photo": s.add("photo.jpg", 4000),
        "thumb": s.add("photo-300x200.jpg", 400, group="photo.jpg", variant="300x200"),
        "lonely": s.add("lonely.jpg", 5000),
        "new": s.add("new.jpg", 50, uploaded_days_ago=10),
        "notes": s.add("notes.txt", 10),
        "orphan": s.add("orphan-ref.jpg", 600),
        "crawled": s.add("crawled.jpg", 300),
        "oldpdf": s.add("old.pdf", 800),
    }
    s.refs(
        ref("logo.png", "header", type="theme", usage="background"),
        ref("hero.jpg", "12", title="Hello", url="https://x.test/hello", usage="featured"),
        ref("hero.jpg", "13", title="Again"),
        ref("orphan-ref.jpg", "99", title="Draft"),
    )
    events = [view(ids["logo"], d + 0.001) for d in range(91)]
    events += [view(ids["hero"], 3 + i) for i in range(5)]
    events += [tracked(ids["hero"], "click", 2), tracked(ids["hero"], "share", 2)]
    # three readers (one reader's requests within 30 minutes would be one download)
    events += [view(ids["doc"], 2, event_type="download", session_id=f"r{i}") for i in range(3)]
    events += [view(ids["doc"], 40)]  # outside 30d, inside 90d
    events += [view(ids["doc"], 4)]
    events += [view(ids["thumb"], 10)]
    events += [view(ids["crawled"], 200, is_bot=True, device="bot")]
    s.events(events)
    return s, ids


def test_most_used_orders_by_documented_score(library):
    store, ids = library
    top = most_used(store.ctx("30d"), 10)
    # 30d is [2026-10-21 13:00, 2026-11-20 12:00:01): NOW is 12:00:00, so this hour (12)
    # and the 719 whole hours before it. logo's daily view d days and 86 s before NOW
    # falls inside for d = 0..29 (d = 30 is 11:58:34 on 2026-10-21, before the start):
    # 30 views + 5×1 place = 35;
    # hero 5 + 2×1 click + 3×1 share + 5×2 places = 20;
    # doc 1 view + 2×3 downloads = 7; orphan 5×1 place = 5; thumb 1 view = 1.
    assert [(u.id, u.score) for u in top] == [
        (str(ids["logo"]), 35),
        (str(ids["hero"]), 20),
        (str(ids["doc"]), 7),
        (str(ids["orphan"]), 5),
        (str(ids["thumb"]), 1),
    ]
    hero = top[1]
    assert (hero.views, hero.usage_count, hero.places_used) == (5, 7, 2)
    assert hero.engagement.interaction_rate == pytest.approx(40.0)  # (1 + 1) / 5
    assert [p.title for p in hero.used_in] == ["Hello", "Again"]
    assert hero.used_in[0].usage == "featured"
    assert hero.last_used is not None


def test_download_stats_by_type_day_and_file(library):
    store, ids = library
    stats = usage_report(store.ctx("30d")).download_stats
    assert stats.total_downloads == 3
    assert stats.by_type == {"document": 3}
    assert [(d.date, d.downloads) for d in stats.by_day] == [("2026-11-18", 3)]
    assert [(f.id, f.downloads, f.views) for f in stats.top_files] == [(str(ids["doc"]), 3, 1)]


def test_recent_uploads_are_those_in_the_range(library):
    store, ids = library
    assert [u.id for u in usage_report(store.ctx("30d")).recent_uploads] == [str(ids["new"])]
    assert usage_report(store.ctx("7d")).recent_uploads == []


def test_unused_candidates_with_full_log_coverage(library):
    store, ids = library
    found = {c.id: c for c in unused_candidates(store.ctx())}
    # Not candidates: requested (logo, hero, doc), group used (photo via its thumb),
    # too young (new), not media (notes).
    assert set(found) == {str(ids[k]) for k in ("lonely", "orphan", "crawled", "oldpdf")}
    order = [c.id for c in unused_candidates(store.ctx())]
    assert order == [str(ids[k]) for k in ("lonely", "oldpdf", "crawled", "orphan")]

    lonely = found[str(ids["lonely"])]
    assert (lonely.risk_level, lonely.confidence, lonely.potential_savings) == ("low", 1.0, 5000)
    assert any("no reference" in e for e in lonely.evidence)
    assert any("no request in the last 90 days (never requested" in e for e in lonely.evidence)

    orphan = found[str(ids["orphan"])]  # referenced but nobody asked for it in 90 days
    assert (orphan.risk_level, orphan.confidence, orphan.references) == ("high", 0.4, 1)
    assert "it is referenced in 1 place yet not requested" in orphan.evidence
    crawled = found[str(ids["crawled"])]
    assert (crawled.risk_level, crawled.confidence) == ("medium", 0.9)
    assert any("crawlers" in e for e in crawled.evidence)
    oldpdf = found[str(ids["oldpdf"])]
    assert (oldpdf.risk_level, oldpdf.confidence) == ("medium", 0.8)


def test_group_member_request_keeps_the_original(library):
    store, ids = library
    found = {c.id for c in unused_candidates(store.ctx())}
    assert str(ids["photo"]) not in found and str(ids["thumb"]) not in found


def test_short_unused_window_uses_recent_last_use_for_medium_risk(library):
    store, ids = library
    found = {c.id: c for c in unused_candidates(store.ctx(unused_days=5))}
    thumb = found[str(ids["thumb"])]  # requested 10 days ago, unreferenced
    assert thumb.risk_level == "medium"  # last used within 30 days (the seed's rule)
    assert any("last requested 2026-11-10" in e for e in thumb.evidence)
    assert str(ids["new"]) in found  # 10 days old is old enough for a 5-day window


def test_without_logs_or_references_confidence_is_low_and_risk_medium(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    lonely = store.add("lonely.jpg", 5000)
    (candidate,) = unused_candidates(store.ctx())
    assert candidate.id == str(lonely)
    assert candidate.risk_level == "medium"  # no log: "no request" proves little
    assert candidate.confidence == 0.35  # 0.7 (no refs known) × 0.5 (no log) × 1.0 (image)
    assert any("no access log" in e for e in candidate.evidence)


def test_referenced_file_without_log_coverage_is_not_a_candidate(tmp_path, store_url):
    store = make_store(tmp_path, store_url=store_url)
    store.add("used.jpg", 5000)
    store.refs(ref("used.jpg", "1"))
    assert unused_candidates(store.ctx()) == []


def test_usage_report_summary_counts_every_candidate_and_serialises(library):
    store, _ids = library
    report = usage_report(store.ctx("30d", top=1))
    assert report.unused_summary.count == 4
    assert report.unused_summary.potential_savings == 5000 + 600 + 300 + 800
    assert report.unused_summary.by_risk["medium"].bytes == 1100
    assert len(report.most_used_files) == 1
    data = to_jsonable(report)
    assert {"mostUsedFiles", "unusedFiles", "recentUploads", "downloadStats"} <= set(data)
    first = data["unusedFiles"][0]
    assert {"riskLevel", "potentialSavings", "evidence", "confidence", "uploadedAt"} <= set(first)


def test_one_file_answer_matches_the_full_list(library):
    from mediatop.analytics.usage.unused import unused_for_file

    store, ids = library
    for days in (5, 90):
        ctx = store.ctx(unused_days=days)
        full = {c.id: c for c in unused_candidates(ctx)}
        for file_id in ids.values():
            assert unused_for_file(ctx, file_id) == full.get(str(file_id))
