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

import heapq
import os
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from mediatop.analytics._media_common import (
    kind_load_time,
    kind_uses,
    percent,
    top_limit,
)
from mediatop.analytics._rollups import file_rows
from mediatop.analytics.context import ReportContext
from mediatop.analytics.library.facts import library_fact
from mediatop.analytics.usage.report import recent_uploads
from mediatop.store.queries.ranges import in_range

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


@dataclass(frozen=True)
class _DocumentLibrary:
    """What the report reads of the library alone (no event): kept as a library fact."""

    count: int
    total_size: int
    format_distribution: list[DocumentFormatShare]
    searchability: DocumentSearchability


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


def _library(ctx: ReportContext, gaps_limit: int) -> _DocumentLibrary:
    docs = _documents(ctx)
    formats: dict[str, list[int]] = {}
    for d in docs:
        formats.setdefault(_format_name(d), []).append(d.size)
    distribution = [
        DocumentFormatShare(name, len(sizes), sum(sizes), percent(len(sizes), len(docs)))
        for name, sizes in sorted(formats.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    linked = {
        media_id
        for (media_id,) in ctx.conn.execute(
            "SELECT DISTINCT u.media_id FROM usage_locations u JOIN media_files f "
            "ON f.id = u.media_id WHERE f.kind = 'document'"
        )
    }
    return _DocumentLibrary(
        len(docs),
        sum(d.size for d in docs),
        distribution,
        _searchability(docs, linked, gaps_limit),
    )


def _encode_library(library: _DocumentLibrary) -> list[object]:
    found = library.searchability
    gaps = [
        [item.id, os.fsdecode(item.filename), *astuple(item)[2:]]
        for item in found.documents_with_gaps
    ]
    return [
        library.count,
        library.total_size,
        [astuple(share) for share in library.format_distribution],
        [
            found.total_documents,
            found.searchable_documents,
            found.indexed_documents,
            found.searchability_rate,
            found.indexing_rate,
            found.missing_metadata,
            found.recommendations,
            gaps,
        ],
    ]


def _decode_library(row: list[Any]) -> _DocumentLibrary:
    count, total_size, distribution, searchability = row
    total, searchable, indexed, searchable_pct, indexed_pct, no_meta, advice, gaps = searchability
    items = [
        DocumentSearchabilityItem(item_id, os.fsencode(path), *rest)
        for item_id, path, *rest in gaps
    ]
    return _DocumentLibrary(
        count,
        total_size,
        [DocumentFormatShare(*share) for share in distribution],
        DocumentSearchability(
            total, searchable, indexed, searchable_pct, indexed_pct, no_meta, advice, items
        ),
    )


def _searchability(docs: list[_Doc], linked: set[int], gaps_limit: int) -> DocumentSearchability:
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
        gaps[:gaps_limit],
    )


def _access_patterns(ctx: ReportContext) -> list[DocumentAccessPattern]:
    counts: dict[str, dict[str, int]] = {d: {} for d in PATTERN_DIMENSIONS}
    rows, args = in_range(
        ctx.time_range, "kind_breakdown", "dimension, value, count",
        "kind = 'document' AND dimension IN ('hour', 'weekday', 'referrer', 'device')",
    )  # fmt: skip
    # Answers: uses of documents over the range by hour, weekday, referrer and device,
    # from the per-kind rollup (a few hundred rows a day, whatever the documents).
    for dimension, value, n in ctx.conn.execute(
        f"SELECT dimension, value, SUM(count) FROM ({rows}) GROUP BY dimension, value", args
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
    gaps_limit = top_limit(ctx, 50)
    library = library_fact(
        ctx,
        f"document_library:{gaps_limit}",
        lambda: _library(ctx, gaps_limit),
        encode=_encode_library,
        decode=_decode_library,
    )
    top = top_limit(ctx)
    # (views, downloads) of each present document used in the range.
    uses = {i: (t[1], t[4]) for i, t in kind_uses(ctx, "document").items() if t[1] or t[4]}
    # Most downloaded first: the documents with downloads lead, so the top ones with
    # downloads are among the first `top`.
    most = heapq.nsmallest(top, uses, key=lambda i: (-uses[i][1], -uses[i][0], i))
    files = file_rows(ctx.conn, most)
    rates = [
        DocumentConversionRate(
            str(i), files[i].path, "document", files[i].size, views, downloads,
            percent(downloads, views + downloads),
        )
        for i in most
        for views, downloads in [uses[i]]
    ]  # fmt: skip
    all_views = sum(v for v, _ in uses.values())
    all_downloads = sum(d for _, d in uses.values())
    load = kind_load_time(ctx, "document")
    return DocumentAnalytics(
        overview=DocumentOverview(
            library.count,
            library.total_size,
            all_downloads,
            library.total_size / library.count if library.count else None,
            library.format_distribution,
        ),
        usage=DocumentUsage(
            [
                DocumentUsageData(
                    r.id, r.filename, r.type, r.size, r.downloads, r.views, r.conversion_rate
                )
                for r in rates
                if r.downloads
            ],
            [
                RecentDocumentData(
                    u.id, u.filename, u.type, u.size, u.uploaded_at, u.uploaded_source
                )
                for u in recent_uploads(ctx, top, kind="document")
            ],
            _access_patterns(ctx),
        ),
        performance=DocumentPerformance(
            load.mean_ms,
            load.source,
            percent(all_downloads, all_views + all_downloads),
            rates,
            library.searchability,
        ),
    )
