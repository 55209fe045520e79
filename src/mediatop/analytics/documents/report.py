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
- Searchability: see `searchability.py`.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from mediatop.analytics._media_common import kind_load_time, kind_uses
from mediatop.analytics.context import ReportContext

# Re-exported for `report file`, which asks whether a document is text-based.
from mediatop.analytics.documents.searchability import (
    DocumentFacts,
    DocumentSearchability,
    DocumentSearchabilityItem,
    searchability,
)
from mediatop.analytics.figures import percent, top_limit
from mediatop.analytics.library.facts import library_fact
from mediatop.analytics.usage.report import recent_uploads
from mediatop.store.queries.documents import (
    document_access,
    linked_documents,
    present_documents,
)
from mediatop.store.queries.rollups import file_rows

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
class DocumentFactsumentLibrary:
    """What the report reads of the library alone (no event): kept as a library fact."""

    count: int
    total_size: int
    format_distribution: list[DocumentFormatShare]
    searchability: DocumentSearchability


def _documents(ctx: ReportContext) -> list[DocumentFacts]:
    """Present documents with the probe fields searchability needs."""
    return [DocumentFacts(r[0], bytes(r[1]), r[2], *r[3:]) for r in present_documents(ctx.conn)]


def _format_name(doc: DocumentFacts) -> str:
    return doc.ext.lstrip(".").upper() or (doc.format or "unknown")


def _library(ctx: ReportContext, gaps_limit: int) -> DocumentFactsumentLibrary:
    docs = _documents(ctx)
    formats: dict[str, list[int]] = {}
    for d in docs:
        formats.setdefault(_format_name(d), []).append(d.size)
    distribution = [
        DocumentFormatShare(name, len(sizes), sum(sizes), percent(len(sizes), len(docs)))
        for name, sizes in sorted(formats.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    linked = linked_documents(ctx.conn)
    return DocumentFactsumentLibrary(
        len(docs),
        sum(d.size for d in docs),
        distribution,
        searchability(docs, linked, gaps_limit),
    )


def _encode_library(library: DocumentFactsumentLibrary) -> list[object]:
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


def _decode_library(row: list[Any]) -> DocumentFactsumentLibrary:
    count, total_size, distribution, searchability = row
    total, searchable, indexed, searchable_pct, indexed_pct, no_meta, advice, gaps = searchability
    items = [
        DocumentSearchabilityItem(item_id, os.fsencode(path), *rest)
        for item_id, path, *rest in gaps
    ]
    return DocumentFactsumentLibrary(
        count,
        total_size,
        [DocumentFormatShare(*share) for share in distribution],
        DocumentSearchability(
            total, searchable, indexed, searchable_pct, indexed_pct, no_meta, advice, items
        ),
    )


def _access_patterns(ctx: ReportContext) -> list[DocumentAccessPattern]:
    counts: dict[str, dict[str, int]] = {d: {} for d in PATTERN_DIMENSIONS}
    for dimension, value, n in document_access(ctx.conn, ctx.time_range):
        counts[dimension][value] = n
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
