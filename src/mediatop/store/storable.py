"""Text a store can hold, from text that came from outside (a log line, a beacon, a
file's own metadata): SQLite takes no lone surrogate, PostgreSQL no NUL, and either
refusing one value fails the whole batch it is written in; and the longest path it holds."""

from __future__ import annotations


def storable_text(text: str | None) -> str | None:
    """Text as it came, except what a store cannot hold: an undecodable byte (kept as a
    surrogate) becomes \\xNN, any other lone surrogate (a JSON "\\ud800") \\uXXXX, and
    NUL (a JSON "\\u0000", which PostgreSQL's text refuses, failing every event written
    with it) \\x00, on either store, so that both hold the same text."""
    if text is None:
        return None
    if "\0" in text:
        text = text.replace("\0", "\\x00")
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


# The longest path, relative to the root, that a store holds. PostgreSQL indexes paths
# in btrees whose entries hold at most 2704 bytes (media_files' unique path, group_path
# with a few columns beside it, scan_dirs, the misses), and one longer entry fails the
# whole batch it is written in; Linux allows 4096. Both stores hold the same files: a
# longer path is left out of either, with an error that says so.
MAX_PATH_BYTES = 2048
