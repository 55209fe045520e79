"""Generated image sizes: which files a CMS derived from an original.

WordPress and friends write resized copies beside the original: `photo-300x200.jpg`,
`photo-scaled.jpg`, `photo-rotated.jpg`, `photo@2x.png`. Grouping them with `photo.jpg`
lets analytics say a group is used if any member is, and offer never-requested sizes as
a cleanup (the seed's `unusedSizes`).
"""

from __future__ import annotations

import re

_VARIANT = re.compile(
    rb"^(?P<stem>.+?)(?:-(?P<dims>\d{2,5}x\d{2,5})|-(?P<word>scaled|rotated)|(?P<retina>@[23]x))"
    rb"(?P<ext>\.[A-Za-z0-9]+)$"
)


_DIGITS = frozenset(b"0123456789")


def _could_be_variant(name: bytes) -> bool:
    """A cheap test that `_VARIANT` cannot match (most names, once per file on a first
    scan): its suffix ends just before the last dot in a digit ("-300x200", with an "x"
    two to five characters earlier), "d" ("-scaled", "-rotated") or "x" ("@2x")."""
    dot = name.rfind(b".")
    if dot < 2:
        return False
    last = name[dot - 1]
    if last in _DIGITS:
        return name.find(b"x", max(0, dot - 6), dot - 2) >= 0
    return last == 0x64 or last == 0x78  # "d", "x"


def split_variant(rel_dir_prefix: bytes, name: bytes) -> tuple[bytes, str | None]:
    """(group path, variant label) for the file `name` in the directory whose relative
    path plus "/" is `rel_dir_prefix` (b"" at the root). Originals are their own group,
    with no label."""
    if not _could_be_variant(name):
        return rel_dir_prefix + name, None
    match = _VARIANT.match(name)
    if not match:
        return rel_dir_prefix + name, None
    label = match.group("dims") or match.group("word") or match.group("retina")
    return rel_dir_prefix + match.group("stem") + match.group("ext"), label.decode("ascii")
