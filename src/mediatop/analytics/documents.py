"""The documents report (the seed's DocumentAnalytics): downloads, access, searchability.

Definitions:
- Downloads and views over the range come from the daily rollup; `averageDownloadTime`
  is the mean load time (ms) of document requests (client timing when beacons exist,
  else server time; `downloadTimeSource` says which).
- conversionRates: per document, downloads ÷ (views + downloads) × 100, i.e. how often
  an access was a download rather than a preview/view. (The seed's page-view-based
  conversion needs page views of the linking pages, which mediatop does not have.)
- accessPatterns: counted uses by hour of day (UTC) and weekday (0 = Monday), and the
  top referrer hosts and devices, from kind_breakdown (usage_breakdown summed per kind);
  percentages within a dimension. They count every document request of the range,
  including those of documents deleted since.
- recentUploads: documents uploaded in the range, newest first.
- Searchability: a document is *searchable* when its text can be read: a PDF with a
  text layer, or a text-based format (Office, OpenDocument, RTF, TXT, CSV, EPUB). It is
  *indexed* when a usage location (a page, post, ...) links it. *Missing metadata*
  counts PDFs (the format whose metadata is probed) without a title or a subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mediatop.analytics._library_facts import library_fact
from mediatop.analytics._media_common import (
    days,
    kind_load_time,
    kind_uses,
    percent,
    top_limit,
    ts_to_datetime,
)
from mediatop.analytics.context import ReportContext

TEXT_FORMATS = frozenset(
    (
        ".doc",
        ".docx",
        ".odt",
        ".ods",
        ".odp",
        ".rtf",
        ".txt",
        ".csv",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".epub",
    )
)
PATTERN_DIMENSIONS = ("hour", "weekday", "referrer", "device")


@dataclass(frozen=True)
class DocumentFormatShare:
    format: str
    count: int
    size: int
    percentage: float | None


@dataclass(frozen=True)
class DocumentOverview:
    total_documents: int
    total_size: int
    total_downloads: int
    average_file_size: float | None
    format_distribution: list[DocumentFormatShare]


@dataclass(frozen=True)
class DocumentUsageData:
    id: str
    filename: bytes
    type: str
    size: int
    downloads: int
    views: int
    conversion_rate: float | None


@dataclass(frozen=True)
class RecentDocumentData:
    id: str
    filename: bytes
    type: str
    size: int
    uploaded_at: datetime | None
    uploaded_source: str


@dataclass(frozen=True)
class DocumentAccessPattern:
    dimension: str  # hour | weekday | referrer | device
    value: str
    count: int
    percentage: float | None


@dataclass(frozen=True)
class DocumentConversionRate:
    id: str
    filename: bytes
    type: str
    size: int
    views: int
    downloads: int
    conversion_rate: float | None


@dataclass(frozen=True)
class DocumentSearchabilityItem:
    id: str
    filename: bytes
    type: str
    size: int
    searchable: bool
    indexed: bool
    has_title: bool
    has_subject: bool
    has_keywords: bool
    missing: list[str]


@dataclass(frozen=True)
class DocumentSearchability:
    total_documents: int
    searchable_documents: int
    indexed_documents: int
    searchability_rate: float | None
    indexing_rate: float | None
    missing_metadata: int
    recommendations: list[str]
    documents_with_gaps: list[DocumentSearchabilityItem]


@dataclass(frozen=True)
class DocumentUsage:
    most_downloaded_docs: list[DocumentUsageData]
    recent_uploads: list[RecentDocumentData]
    access_patterns: list[DocumentAccessPattern]


@dataclass(frozen=True)
class DocumentPerformance:
    average_download_time: float | None  # ms
    download_time_source: str | None
    overall_conversion_rate: float | None
    conversion_rates: list[DocumentConversionRate]
    searchability: DocumentSearchability


@dataclass(frozen=True)
class DocumentAnalytics:
    overview: DocumentOverview
    usage: DocumentUsage
    performance: DocumentPerformance


@dataclass(frozen=True)
class _Doc:
    id: int
    path: bytes
    ext: str
    size: int
    uploaded_at: int
    uploaded_source: str
    format: str | None
    has_text_layer: int | None
    title: str | None
    subject: str | None
    keywords: str | None


def _documents(ctx: ReportContext) -> list[_Doc]:
    """Present documents with the probe fields searchability needs."""
    return [
        _Doc(r[0], bytes(r[1]), r[2], *r[3:])
        for r in ctx.conn.execute(
            "SELECT id, path, ext, size, uploaded_at, uploaded_source, format, has_text_layer, "
            "title, subject, keywords FROM media_files "
            "WHERE kind = 'document' AND deleted_at IS NULL ORDER BY id"
        )
    ]


def _format_name(doc: _Doc) -> str:
    return doc.ext.lstrip(".").upper() or (doc.format or "unknown")


def _searchability(ctx: ReportContext, docs: list[_Doc]) -> DocumentSearchability:
    linked = set(
        library_fact(
            ctx,
            "linked_documents",
            lambda: [
                media_id
                for (media_id,) in ctx.conn.execute(
                    "SELECT DISTINCT u.media_id FROM usage_locations u JOIN media_files f "
                    "ON f.id = u.media_id WHERE f.kind = 'document'"
                )
            ],
        )
    )
    items = []
    for d in docs:
        is_pdf = d.ext == ".pdf"
        searchable = bool(d.has_text_layer) or (d.has_text_layer is None and d.ext in TEXT_FORMATS)
        missing = [] if searchable else ["text layer"]
        if is_pdf:
            missing += [
                name
                for name, value in (
                    ("title", d.title),
                    ("subject", d.subject),
                    ("keywords", d.keywords),
                )
                if not value
            ]
        if d.id not in linked:
            missing.append("page reference")
        items.append(
            DocumentSearchabilityItem(
                str(d.id),
                d.path,
                "document",
                d.size,
                searchable,
                d.id in linked,
                bool(d.title),
                bool(d.subject),
                bool(d.keywords),
                missing,
            )
        )
    total = len(items)
    searchable_n = sum(i.searchable for i in items)
    indexed_n = sum(i.indexed for i in items)
    no_meta = sum(1 for d in docs if d.ext == ".pdf" and not (d.title and d.subject))
    advice = []
    if total - searchable_n:
        advice.append(
            f"{total - searchable_n} document(s) have no readable text (scanned "
            "PDFs): run OCR, e.g. `ocrmypdf in.pdf out.pdf`, so search can read them"
        )
    if no_meta:
        advice.append(
            f"{no_meta} PDF(s) lack a title or subject: set them in the document "
            "properties; search results show them"
        )
    if total - indexed_n:
        advice.append(
            f"{total - indexed_n} document(s) are not linked from any page or post: "
            "link them, or they are found only by direct URL"
        )
    gaps = [i for i in items if i.missing]
    gaps.sort(key=lambda i: (-len(i.missing), -i.size, int(i.id)))
    return DocumentSearchability(
        total,
        searchable_n,
        indexed_n,
        percent(searchable_n, total),
        percent(indexed_n, total),
        no_meta,
        advice,
        gaps[: top_limit(ctx, 50)],
    )


def _access_patterns(ctx: ReportContext) -> list[DocumentAccessPattern]:
    first, last = days(ctx)
    counts: dict[str, dict[str, int]] = {d: {} for d in PATTERN_DIMENSIONS}
    # Answers: uses of documents over the range by hour, weekday, referrer and device,
    # from the per-kind rollup (a few hundred rows a day, whatever the documents).
    for dimension, value, n in ctx.conn.execute(
        "SELECT dimension, value, SUM(count) FROM kind_breakdown "
        "WHERE kind = 'document' AND date BETWEEN ? AND ? "
        "AND dimension IN ('hour', 'weekday', 'referrer', 'device') GROUP BY dimension, value",
        (first, last),
    ):
        counts[dimension][value] = int(n)
    found: list[DocumentAccessPattern] = []
    top = top_limit(ctx)
    for dimension in PATTERN_DIMENSIONS:
        values = counts[dimension]
        total = sum(values.values())
        if not total:
            continue
        if dimension in ("hour", "weekday"):
            keys = [str(k) for k in range(24 if dimension == "hour" else 7)]
        else:
            keys = sorted(values, key=lambda k: (-values[k], k))[:top]
        found += [
            DocumentAccessPattern(dimension, k, values.get(k, 0), percent(values.get(k, 0), total))
            for k in keys
        ]
    return found


def documents_report(ctx: ReportContext) -> DocumentAnalytics:
    """The seed's DocumentAnalytics over the report's range (see the module docstring)."""
    docs = _documents(ctx)
    by_id = {d.id: d for d in docs}
    totals = {i: t for i, t in kind_uses(ctx, "document").items() if i in by_id}
    total_size = sum(d.size for d in docs)
    formats: dict[str, list[int]] = {}
    for d in docs:
        formats.setdefault(_format_name(d), []).append(d.size)
    distribution = [
        DocumentFormatShare(name, len(sizes), sum(sizes), percent(len(sizes), len(docs)))
        for name, sizes in sorted(formats.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    rates = []
    for file_id, (_, views, _, _, downloads) in totals.items():
        if views or downloads:
            d = by_id[file_id]
            rates.append(
                DocumentConversionRate(
                    str(file_id),
                    d.path,
                    "document",
                    d.size,
                    views,
                    downloads,
                    percent(downloads, views + downloads),
                )
            )
    top = top_limit(ctx)
    most = sorted(rates, key=lambda r: (-r.downloads, -r.views, int(r.id)))
    downloaded = [
        DocumentUsageData(r.id, r.filename, r.type, r.size, r.downloads, r.views, r.conversion_rate)
        for r in most
        if r.downloads
    ][:top]
    recent = sorted(
        (d for d in docs if ctx.time_range.contains(d.uploaded_at)),
        key=lambda d: (-d.uploaded_at, d.id),
    )[:top]
    all_views = sum(t[1] for t in totals.values())
    all_downloads = sum(t[4] for t in totals.values())
    load = kind_load_time(ctx, "document")
    return DocumentAnalytics(
        overview=DocumentOverview(
            len(docs),
            total_size,
            all_downloads,
            total_size / len(docs) if docs else None,
            distribution,
        ),
        usage=DocumentUsage(
            downloaded,
            [
                RecentDocumentData(
                    str(d.id),
                    d.path,
                    "document",
                    d.size,
                    ts_to_datetime(d.uploaded_at),
                    d.uploaded_source,
                )
                for d in recent
            ],
            _access_patterns(ctx),
        ),
        performance=DocumentPerformance(
            load.mean_ms,
            load.source,
            percent(all_downloads, all_views + all_downloads),
            most[:top],
            _searchability(ctx, docs),
        ),
    )
