"""Documents: downloads, preview-to-download conversion, access patterns, searchability."""

from __future__ import annotations

import os

import pytest

from analytics_types_support import (
    DAY,
    NOW_TS,
    context,
    locations,
    scan,
    usage,
    views,
    write_pdf,
)
from mediatop.analytics.documents.report import documents_report
from mediatop.model import UsageLocation


@pytest.fixture
def library(empty_store):
    conn, settings = empty_store
    root = settings.root
    write_pdf(root / "guide.pdf", "Hello world", {"Title": "Guide", "Subject": "How to"})
    write_pdf(root / "scan.pdf", None)
    (root / "notes.docx").write_bytes(b"PK\3\4 a word file")
    os.utime(root / "guide.pdf", (NOW_TS - 5 * DAY, NOW_TS - 5 * DAY))
    os.utime(root / "scan.pdf", (NOW_TS - 100 * DAY, NOW_TS - 100 * DAY))
    os.utime(root / "notes.docx", (NOW_TS - 2 * DAY, NOW_TS - 2 * DAY))
    ids = scan(conn, root)
    guide, scanned = ids["guide.pdf"], ids["scan.pdf"]
    # 11:00 UTC on Friday 2026-11-20 (weekday 4)
    usage(conn, views(guide, 4, referrer="https://example.org/docs", device="desktop")
          + views(guide, 6, etype="download", referrer="https://example.org/docs",
                  device="mobile")
          + views(scanned, 2, etype="download", device="mobile"))  # fmt: skip
    locations(conn, "test", [UsageLocation(b"guide.pdf", "page", "12", "attachment", "test")])
    return conn, settings, ids


def test_downloads_and_preview_to_download_conversion(library):
    conn, settings, ids = library

    report = documents_report(context(conn, settings))

    assert report.overview.total_documents == 3
    assert report.overview.total_downloads == 8
    formats = {f.format: f.count for f in report.overview.format_distribution}
    assert formats == {"PDF": 2, "DOCX": 1}
    assert [(d.id, d.downloads) for d in report.usage.most_downloaded_docs] == [
        (str(ids["guide.pdf"]), 6), (str(ids["scan.pdf"]), 2)]  # fmt: skip
    rates = {r.id: r.conversion_rate for r in report.performance.conversion_rates}
    assert rates[str(ids["guide.pdf"])] == pytest.approx(60.0)  # 6 / (4 + 6)
    assert rates[str(ids["scan.pdf"])] == pytest.approx(100.0)
    assert report.performance.overall_conversion_rate == pytest.approx(800 / 12)


def test_access_patterns_by_hour_weekday_referrer_and_device(library):
    conn, settings, _ = library

    patterns = documents_report(context(conn, settings)).usage.access_patterns

    hours = {p.value: p.count for p in patterns if p.dimension == "hour"}
    assert len(hours) == 24 and hours["11"] == 12 and sum(hours.values()) == 12
    weekdays = {p.value: p.percentage for p in patterns if p.dimension == "weekday"}
    assert weekdays["4"] == pytest.approx(100.0)
    referrers = {p.value: p.count for p in patterns if p.dimension == "referrer"}
    assert referrers == {"example.org": 10, "(direct)": 2}
    devices = {p.value: p.count for p in patterns if p.dimension == "device"}
    assert devices == {"mobile": 8, "desktop": 4}


def test_searchability_counts_text_layers_links_and_metadata(library):
    conn, settings, ids = library

    s = documents_report(context(conn, settings)).performance.searchability

    assert s.total_documents == 3
    assert s.searchable_documents == 2  # guide (text layer) and the Word file
    assert s.indexed_documents == 1  # only guide is linked from a page
    assert s.searchability_rate == pytest.approx(200 / 3)
    assert s.indexing_rate == pytest.approx(100 / 3)
    assert s.missing_metadata == 1  # scan.pdf: no title, no subject
    assert len(s.recommendations) == 3
    gaps = {g.id: g.missing for g in s.documents_with_gaps}
    assert gaps[str(ids["scan.pdf"])] == [
        "text layer", "title", "subject", "keywords", "page reference"]  # fmt: skip
    assert gaps[str(ids["guide.pdf"])] == ["keywords"]
    assert gaps[str(ids["notes.docx"])] == ["page reference"]


def test_recent_uploads_are_those_in_the_range_newest_first(library):
    conn, settings, ids = library

    recent = documents_report(context(conn, settings)).usage.recent_uploads

    assert [r.id for r in recent] == [str(ids["notes.docx"]), str(ids["guide.pdf"])]
