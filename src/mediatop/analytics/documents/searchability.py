"""Whether search can find each document: a readable text, a page linking it, metadata.

A document is *searchable* when its text can be read: a PDF with a text layer, or a
text-based format (Office, OpenDocument, RTF, TXT, CSV, EPUB). It is *indexed* when a
usage location (a page, post, ...) links it. *Missing metadata* counts PDFs (the format
whose metadata is probed) without a title or a subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.figures import percent

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
class DocumentFacts:
    """A present document with the probe fields searchability needs."""

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


def _item(doc: DocumentFacts, linked: set[int]) -> DocumentSearchabilityItem:
    """One document's searchability and what it lacks (the module docstring's terms)."""
    searchable = bool(doc.has_text_layer) or (
        doc.has_text_layer is None and doc.ext in TEXT_FORMATS
    )
    missing = [] if searchable else ["text layer"]
    if doc.ext == ".pdf":
        fields = (("title", doc.title), ("subject", doc.subject), ("keywords", doc.keywords))
        missing += [name for name, value in fields if not value]
    if doc.id not in linked:
        missing.append("page reference")
    return DocumentSearchabilityItem(
        str(doc.id),
        doc.path,
        "document",
        doc.size,
        searchable,
        doc.id in linked,
        bool(doc.title),
        bool(doc.subject),
        bool(doc.keywords),
        missing,
    )


def _advice(unreadable: int, no_meta: int, unlinked: int) -> list[str]:
    """What to do about documents without text, PDFs without metadata, unlinked ones."""
    advice = []
    if unreadable:
        advice.append(
            f"{unreadable} document(s) have no readable text (scanned "
            "PDFs): run OCR, e.g. `ocrmypdf in.pdf out.pdf`, so search can read them"
        )
    if no_meta:
        advice.append(
            f"{no_meta} PDF(s) lack a title or subject: set them in the document "
            "properties; search results show them"
        )
    if unlinked:
        advice.append(
            f"{unlinked} document(s) are not linked from any page or post: "
            "link them, or they are found only by direct URL"
        )
    return advice


def searchability(
    docs: list[DocumentFacts], linked: set[int], gaps_limit: int
) -> DocumentSearchability:
    """The searchability of `docs` (`linked`: the ids a usage location links), with the
    `gaps_limit` documents lacking the most (then largest, then by id)."""
    items = [_item(d, linked) for d in docs]
    total = len(items)
    searchable_n = sum(i.searchable for i in items)
    indexed_n = sum(i.indexed for i in items)
    no_meta = sum(1 for d in docs if d.ext == ".pdf" and not (d.title and d.subject))
    gaps = [i for i in items if i.missing]
    gaps.sort(key=lambda i: (-len(i.missing), -i.size, int(i.id)))
    return DocumentSearchability(
        total,
        searchable_n,
        indexed_n,
        percent(searchable_n, total),
        percent(indexed_n, total),
        no_meta,
        _advice(total - searchable_n, no_meta, total - indexed_n),
        gaps[:gaps_limit],
    )
