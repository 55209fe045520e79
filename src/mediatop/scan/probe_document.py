"""Document probe: PDF pages, title/author/subject/keywords, and whether it has a text layer.

pypdf is pure Python and can loop for a long time on a hostile file, so this probe
always runs in a probe worker process under a time limit (see probe.py). A text layer
is decided from the first few pages only: that is enough to tell a scan from a text PDF.
"""

from __future__ import annotations

import logging
from typing import Any, BinaryIO

from mediatop.model import ProbeResult
from mediatop.scan.head_format import HEAD_BYTES, is_pdf_head

MAX_PDF_BYTES = 200 * 1024 * 1024
TEXT_LAYER_PAGES = 3


def _meta(info: Any, key: str) -> str | None:
    value = info.get(key)
    text = str(value).strip() if value is not None else ""
    return text or None


def _said(exc: Exception) -> str:
    """What `exc` says, on one line: pypdf's messages can run on for lines."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def probe_pdf(source: BinaryIO, size: int) -> ProbeResult:
    """Pages, metadata and text layer of the PDF open in `source`."""
    if size > MAX_PDF_BYTES:
        return ProbeResult(format="PDF", error=f"too large to probe (> {MAX_PDF_BYTES} bytes)")
    if not is_pdf_head(source.read(HEAD_BYTES)):
        return ProbeResult(error="not a PDF (no %PDF- header)")
    source.seek(0)
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted:
            return ProbeResult(format="PDF", pages=None, error="encrypted PDF")
        pages = len(reader.pages)
        info: Any = reader.metadata or {}
        has_text = any(
            (reader.pages[i].extract_text() or "").strip()
            for i in range(min(pages, TEXT_LAYER_PAGES))
        )
    except MemoryError:
        raise  # probe_one records it, as for every kind of file
    except LimitReachedError as exc:  # pypdf's guard against a file built to make it spin
        why = f"over a safety limit of the PDF reader ({_said(exc)})"
        return ProbeResult(format="PDF", error=f"unreadable PDF: {why}")
    except Exception as exc:  # pypdf warns a broken file may raise anything; the header said PDF
        return ProbeResult(format="PDF", error=f"unreadable PDF: {_said(exc)}")
    return ProbeResult(
        format="PDF",
        pages=pages,
        title=_meta(info, "/Title"),
        author=_meta(info, "/Author"),
        subject=_meta(info, "/Subject"),
        keywords=_meta(info, "/Keywords"),
        has_text_layer=has_text,
    )
