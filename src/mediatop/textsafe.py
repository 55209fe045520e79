"""Make outside text safe to show: control and bidi characters become visible escapes.

Every string that came from outside (file names, user agents, referrers, titles, log
lines) goes through `visible` before a face shows it. Faces then show the result as
plain text, never as markup; this module only makes invisible characters visible.
"""

from __future__ import annotations

import os
import unicodedata

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _needs_escape(char: str) -> bool:
    if char in _BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    # Cc: C0/C1 controls and DEL; Cf: invisible format characters (zero-width space, BOM,
    # soft hyphen) that can disguise a name; Cs: lone surrogates; Zl/Zp: line separators.
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp")


def visible(text: str) -> str:
    """`text` with every control, bidi and undecodable character shown as an escape."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(c) if _needs_escape(c) else c for c in text)


def path_text(raw: bytes | str) -> str:
    """A stored path (bytes, possibly not UTF-8) as a lossless str (surrogateescape)."""
    return os.fsdecode(raw) if isinstance(raw, bytes) else raw


def visible_path(raw: bytes | str) -> str:
    """A stored path ready to show: decoded losslessly, then made visible."""
    return visible(path_text(raw))
