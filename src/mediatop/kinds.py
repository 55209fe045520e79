"""Which kind of media a file is (image, video, audio, document, other), by its extension.

Shared by the scanner, ingest and analytics so that all of them agree on what a
"document" or a "video" is.
"""

from __future__ import annotations

import os
from enum import StrEnum


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    OTHER = "other"


_BY_EXTENSION: dict[str, tuple[Kind, str]] = {
    # images
    ".jpg": (Kind.IMAGE, "image/jpeg"),
    ".jpeg": (Kind.IMAGE, "image/jpeg"),
    ".jpe": (Kind.IMAGE, "image/jpeg"),
    ".png": (Kind.IMAGE, "image/png"),
    ".gif": (Kind.IMAGE, "image/gif"),
    ".webp": (Kind.IMAGE, "image/webp"),
    ".avif": (Kind.IMAGE, "image/avif"),
    ".heic": (Kind.IMAGE, "image/heic"),
    ".svg": (Kind.IMAGE, "image/svg+xml"),
    ".bmp": (Kind.IMAGE, "image/bmp"),
    ".tif": (Kind.IMAGE, "image/tiff"),
    ".tiff": (Kind.IMAGE, "image/tiff"),
    ".ico": (Kind.IMAGE, "image/x-icon"),
    # video
    ".mp4": (Kind.VIDEO, "video/mp4"),
    ".m4v": (Kind.VIDEO, "video/mp4"),
    ".mov": (Kind.VIDEO, "video/quicktime"),
    ".webm": (Kind.VIDEO, "video/webm"),
    ".mkv": (Kind.VIDEO, "video/x-matroska"),
    ".avi": (Kind.VIDEO, "video/x-msvideo"),
    ".ogv": (Kind.VIDEO, "video/ogg"),
    # audio
    ".mp3": (Kind.AUDIO, "audio/mpeg"),
    ".m4a": (Kind.AUDIO, "audio/mp4"),
    ".aac": (Kind.AUDIO, "audio/aac"),
    ".ogg": (Kind.AUDIO, "audio/ogg"),
    ".oga": (Kind.AUDIO, "audio/ogg"),
    ".opus": (Kind.AUDIO, "audio/opus"),
    ".flac": (Kind.AUDIO, "audio/flac"),
    ".wav": (Kind.AUDIO, "audio/wav"),
    # documents
    ".pdf": (Kind.DOCUMENT, "application/pdf"),
    ".doc": (Kind.DOCUMENT, "application/msword"),
    ".docx": (
        Kind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xls": (Kind.DOCUMENT, "application/vnd.ms-excel"),
    ".xlsx": (Kind.DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".ppt": (Kind.DOCUMENT, "application/vnd.ms-powerpoint"),
    ".pptx": (
        Kind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".odt": (Kind.DOCUMENT, "application/vnd.oasis.opendocument.text"),
    ".ods": (Kind.DOCUMENT, "application/vnd.oasis.opendocument.spreadsheet"),
    ".rtf": (Kind.DOCUMENT, "application/rtf"),
    ".txt": (Kind.DOCUMENT, "text/plain"),
    ".csv": (Kind.DOCUMENT, "text/csv"),
    ".epub": (Kind.DOCUMENT, "application/epub+zip"),
}

SHORT_LABEL = {
    Kind.IMAGE: "IMG",
    Kind.VIDEO: "VID",
    Kind.AUDIO: "AUD",
    Kind.DOCUMENT: "DOC",
    Kind.OTHER: "OTH",
}


def extension_of(name: str | bytes) -> str:
    """The lower-cased extension with its dot, or "" (works on str and bytes names)."""
    text = os.fsdecode(name) if isinstance(name, bytes) else name
    return os.path.splitext(text)[1].lower()


def classify(name: str | bytes) -> tuple[Kind, str]:
    """(kind, mime type) of a file from its name; unknown extensions are OTHER."""
    return _BY_EXTENSION.get(extension_of(name), (Kind.OTHER, "application/octet-stream"))


# Kinds whose every file a probe reads (Pillow, mutagen, MediaInfo); of the documents,
# only PDFs (pypdf).
_PROBED_KINDS = frozenset({Kind.IMAGE.value, Kind.AUDIO.value, Kind.VIDEO.value})


def has_prober(kind: str, ext: str) -> bool:
    """Whether a probe reads anything from a file of this kind and lower-cased extension.

    The one rule for it: `scan.probe.probe_one` dispatches only these files, and the
    scan stores every other file as probed when it finds it (no probe task, no write).
    """
    return kind in _PROBED_KINDS or (kind == Kind.DOCUMENT and ext == ".pdf")


BY_BYTES_EXTENSION: dict[bytes, tuple[str, str, str]] = {
    ext.encode("ascii"): (kind.value, mime, ext) for ext, (kind, mime) in _BY_EXTENSION.items()
}
"""b".jpg" -> ("image", mime, ".jpg"): the scanner's per-file lookup, without decoding names.
The kind is a plain str, not the Kind member: sqlite3 binds an exact str directly but
sends an enum member through its adaptation path, which costs a first scan 10% more."""

PROBED_BYTES_EXTENSIONS: frozenset[bytes] = frozenset(
    ext for ext, (kind, _, ext_text) in BY_BYTES_EXTENSION.items() if has_prober(kind, ext_text)
)
"""The lower-cased extensions of the files `has_prober` answers yes for (every kind follows
from the extension): the walkers' per-file check."""
