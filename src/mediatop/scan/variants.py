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


def split_variant(rel_dir_prefix: bytes, name: bytes) -> tuple[bytes, str | None]:
    """(group path, variant label) for the file `name` in the directory whose relative
    path plus "/" is `rel_dir_prefix` (b"" at the root). Originals are their own group,
    with no label."""
    match = _VARIANT.match(name)
    if not match:
        return rel_dir_prefix + name, None
    label = match.group("dims") or match.group("word") or match.group("retina")
    return rel_dir_prefix + match.group("stem") + match.group("ext"), label.decode("ascii")
