"""JSON that every reader decodes: names as valid Unicode, their exact bytes beside them.

Names are bytes, and a name that is not UTF-8 reaches JSON as a string with lone
surrogates (Python's surrogateescape). Python reads those back, but a strict reader
does not: PHP's `json_decode` (a CMS such as WordPress) rejects a whole document that
holds one `\\udcXX` escape. So every JSON output (`--json` and the HTTP API) passes
through `unicode_safe`: a string with surrogates becomes valid Unicode, each
undecodable byte a U+FFFD, and the lossless form, its bytes percent-encoded (RFC 3986,
`/` kept), is added beside it under the key with `Bytes` appended (`filename`,
`filenameBytes`); a list of such names gets a list of the same length. A string that is
valid Unicode is left alone and gets no `Bytes` twin. A leaf module: it imports nothing
of mediatop.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote_to_bytes

BYTES_SUFFIX = "Bytes"


def _is_clean(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _raw(text: str) -> bytes:
    """The bytes a string with surrogates stands for: surrogateescape's own bytes, or
    (for a surrogate no file name can hold, such as one from a JSON `\\ud800`) the
    surrogate's UTF-8 form."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def readable(text: str) -> str:
    """`text` as valid Unicode: each byte that is not UTF-8 becomes U+FFFD."""
    return text if _is_clean(text) else _raw(text).decode("utf-8", "replace")


def percent_encoded(text: str) -> str:
    """The exact bytes of `text`, percent-encoded (ASCII, lossless)."""
    return quote(_raw(text), safe="/")


def percent_encoded_bytes(raw: bytes) -> str:
    """Bytes (a name as the file system holds it) percent-encoded: ASCII, lossless."""
    return quote(raw, safe="/")


def bytes_of(encoded: str) -> bytes:
    """The bytes a percent-encoded name stands for (ValueError unless it is ASCII)."""
    if not encoded.isascii():
        raise ValueError("a percent-encoded name is ASCII")
    return unquote_to_bytes(encoded)


def unicode_safe(value: Any) -> Any:
    """`value` (a JSON-ready tree of dicts, lists and scalars) with every string valid
    Unicode, and a `<key>Bytes` twin beside each value that had to change."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = readable(key) if isinstance(key, str) else key
            out[name] = unicode_safe(item)
            twin = _bytes_twin(item)
            if twin is not None and f"{name}{BYTES_SUFFIX}" not in value:
                out[f"{name}{BYTES_SUFFIX}"] = twin
        return out
    if isinstance(value, list | tuple):
        return [unicode_safe(item) for item in value]
    if isinstance(value, str):
        return readable(value)
    return value


def _bytes_twin(value: Any) -> str | list[str | None] | None:
    """The percent-encoded form of a string (or of each string of a list) that is not
    valid Unicode; None when nothing in it had to change."""
    if isinstance(value, str):
        return None if _is_clean(value) else percent_encoded(value)
    if isinstance(value, list | tuple) and any(
        isinstance(v, str) and not _is_clean(v) for v in value
    ):
        return [percent_encoded(v) if isinstance(v, str) else None for v in value]
    return None
