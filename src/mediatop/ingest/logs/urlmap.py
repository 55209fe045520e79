"""From a requested URL to a media file path under the root, refusing anything unsafe.

A URL counts when its path starts with one of the configured media URL prefixes
(`/wp-content/uploads/`, `/uploads/` by default; `/` is the whole URL space). Repeated
slashes are merged first, as nginx and Apache do before they look for the file, so
`//favicon.ico` names the file `/favicon.ico` they served. The rest is percent-decoded
to bytes (non-UTF-8 names survive, as do bytes that a log kept raw or wrote as `\\xHH`),
the query string and fragment are dropped, and a path with a `..` segment, a decoded
leading `/` (absolute), a NUL byte or more bytes than a store holds (MAX_PATH_BYTES: no
library file has such a path, and storing it as a miss failed a PostgreSQL batch) is
refused. A path the library does not have is a miss only when its extension is a media
kind's (see `mediatop.kinds`); pages, styles, scripts and the prefix folder itself are
not media. The event is a download for
documents and for `?download` / `?dl=1` / `?attachment` /
`response-content-disposition=attachment` URLs, else a view. Results are cached per
URL, since logs repeat URLs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from mediatop.kinds import Kind, classify
from mediatop.store.storable import MAX_PATH_BYTES

_DOWNLOAD_QUERY = re.compile(
    r"(?:^|&)(?:download|dl|attachment)(?:=(?!0|false)|&|$)|content-disposition=attachment",
    re.IGNORECASE,
)


# nginx and Apache log a byte of the request line outside printable ASCII as \xHH.
_LOGGED_BYTE = re.compile(r"\\x([0-9A-Fa-f]{2})")
_REPEATED_SLASHES = re.compile(r"//+")


@dataclass(frozen=True)
class Mapped:
    """Where a URL leads: status is 'media' (a library file), 'miss' (a media path the
    library does not have), 'other' (not media: off the prefixes, or no media extension)
    or 'refused' (traversal, absolute path, NUL, too long to store)."""

    status: str
    media_id: int = 0
    kind: str = ""
    event_type: str = "view"
    path: bytes = b""


OTHER = Mapped("other")
REFUSED = Mapped("refused")


def relative_media_path(url: str, prefixes: tuple[str, ...]) -> tuple[bytes | None, str]:
    """(path bytes relative to the root or None, query); None with query 'refused' when
    unsafe, None with query '' when the URL names no file under a prefix (it is off the
    prefixes, or is the prefix folder itself, such as `/` or `/?p=1`)."""
    if url.startswith(("http://", "https://")):
        slash = url.find("/", url.find("//") + 2)
        url = url[slash:] if slash >= 0 else "/"
    path, _, query = url.partition("?")
    path = path.partition("#")[0]
    query = query.partition("#")[0]
    if "//" in path:
        path = _REPEATED_SLASHES.sub("/", path)
    for prefix in prefixes:
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            break
    else:
        return None, ""
    if not rest:
        return None, ""  # the folder itself (a site's home page under prefix `/`)
    if "\\x" in rest:
        rest = _LOGGED_BYTE.sub(r"%\1", rest)
    # A log line's bytes that are not UTF-8 come as surrogates (see decode_lines).
    raw = unquote_to_bytes(rest.encode("utf-8", "surrogateescape"))
    if not raw or raw.startswith((b"/", b"\\")) or b"\x00" in raw:
        return None, "refused"
    parts = raw.split(b"/")
    if b".." in parts or b".." in raw.replace(b"\\", b"/").split(b"/"):
        return None, "refused"
    clean = b"/".join(p for p in parts if p and p != b".")
    if not clean or len(clean) > MAX_PATH_BYTES:
        return None, "refused"
    return clean, query


class UrlMapper:
    """Maps request URLs to media files, with a cache."""

    def __init__(self, prefixes: tuple[str, ...], paths: Mapping[bytes, tuple[int, str]]):
        self.prefixes = tuple(sorted(prefixes, key=len, reverse=True))
        self.paths = paths
        self.cache: dict[str, Mapped] = {}  # read directly by hot loops; fill via lookup
        self.kinds = {media_id: kind for media_id, kind in paths.values()}

    def lookup(self, url: str) -> Mapped:
        found = self.cache.get(url)
        if found is None:
            if len(self.cache) > 50_000:
                self.cache.clear()
            found = self.cache[url] = self._map(url)
        return found

    def _map(self, url: str) -> Mapped:
        path, query = relative_media_path(url, self.prefixes)
        if path is None:
            return REFUSED if query == "refused" else OTHER
        entry = self.paths.get(path)
        wants_download = bool(query) and bool(_DOWNLOAD_QUERY.search(query))
        if entry is None:
            if classify(path)[0] is Kind.OTHER:
                return OTHER  # a page, style or script the library never holds
            return Mapped("miss", event_type="download" if wants_download else "view", path=path)
        media_id, kind = entry
        download = wants_download or kind == "document"
        return Mapped("media", media_id, kind, "download" if download else "view", path)
