"""The format a file's name and first bytes tell, without parsing it.

What a probe that ran out of time still knows: reports group files by format, and a
timed-out PDF or GIF belongs with the others of its format, not under "unknown". The
names are the ones the probes give: "PDF" for a file with a PDF header (probe_pdf checks
it before parsing), "SVG" for a file so named (probe_image reads those by name), and
Pillow's name for a raster image it would identify by the same bytes. Audio and video
are left unnamed: their format is named by whichever reader read them (mutagen,
MediaInfo or ffprobe), which their first bytes do not say.
"""

from __future__ import annotations

from mediatop.kinds import Kind

HEAD_BYTES = 1024

# Pillow's format name for the first bytes its plugins accept; a multi-picture JPEG,
# which Pillow names MPO only once it has read further, is told as JPEG.
_RASTER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
)


def is_pdf_head(head: bytes) -> bool:
    """Whether `head` (a file's first HEAD_BYTES) starts as a PDF does."""
    return head.lstrip().startswith(b"%PDF-")


def head_format(kind: str, ext: str, head: bytes) -> str | None:
    """The format of a file of this kind and lower-cased extension whose first bytes are
    `head`, as its probe would name it; None when they do not tell."""
    if kind == Kind.DOCUMENT:
        return "PDF" if ext == ".pdf" and is_pdf_head(head) else None
    if kind != Kind.IMAGE:
        return None
    if ext == ".svg":
        return "SVG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _RASTER_MAGIC if head.startswith(magic)), None)
