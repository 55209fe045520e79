"""The demo's content pages: HTML that references the files in use (featured images,
galleries, srcset/sizes/width/lazy, <video>, <audio>, document links) and the
referenced-but-idle ones, for `mediatop refs` to scan."""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.demo.labels import DEMO_HOST, PAGES
from mediatop.kinds import classify

if TYPE_CHECKING:
    from mediatop.demo.traffic import Traffic

_SIZE_SUFFIX = re.compile(r"-(\d+x\d+|scaled)$|@\dx$")


def content_pages(traffic: Traffic) -> dict[str, str]:
    """HTML pages referencing the files in use and the referenced-but-idle ones."""
    shown = {f.path for f in traffic.active} | traffic.referenced_idle
    files = sorted(shown)
    sizes: dict[str, list[str]] = {}
    for path in files:
        stem, suffix = os.path.splitext(path)
        original = _SIZE_SUFFIX.sub("", stem) + suffix
        if original != path and original in shown:
            sizes.setdefault(original, []).append(path)
    grouped = {p for members in sizes.values() for p in members}
    images = [p for p in files if classify(p)[0] == "image" and p not in grouped]
    others = [p for p in files if classify(p)[0] in ("video", "audio", "document")]
    pages: dict[str, str] = {}
    for index, slug in enumerate(PAGES):
        title = slug.replace("-", " ").title() + " (demo)"
        body = []
        gallery: list[str] = []
        for number, image in enumerate(images[index :: len(PAGES)]):
            url = escape(f"/wp-content/uploads/{image}")
            # the first image of a page is its featured image
            featured = ' class="wp-post-image"' if number == 0 else ""
            if image in sizes:
                srcset = ", ".join(f"/wp-content/uploads/{p} {_width(p)}"
                                   for p in sizes[image])  # fmt: skip
                body.append(f'<img{featured} src="{url}" srcset="{escape(srcset)}" '
                            f'sizes="(max-width: 900px) 100vw, 900px" alt="">')  # fmt: skip
            else:
                lazy = ' loading="lazy"' if index % 2 and not featured else ""
                width = traffic.rng.choice((300, 640, 800))
                body.append(f'<img{featured} src="{url}" width="{width}"{lazy} alt="">')
        if index in (4, 6):  # the team page and the gift guide have a gallery
            plain = [p for p in images if p not in sizes][index % 3 :: 3][:5]
            gallery = [f'<img src="{escape(f"/wp-content/uploads/{p}")}" width="300" '
                       f'loading="lazy" alt="">' for p in plain]  # fmt: skip
        if gallery:
            body.append(f'<div class="wp-block-gallery gallery">{"".join(gallery)}</div>')
        for item in others[index :: len(PAGES)]:
            url = escape(f"/wp-content/uploads/{item}")
            tag = classify(item)[0]
            if tag == "document":
                body.append(f'<a href="{url}">{escape(Path(item).name)}</a>')
            else:
                body.append(f'<{tag} controls src="{url}"></{tag}>')
        folder = "pages" if index % 3 == 0 else "posts"
        pages[f"{folder}/{slug}.html"] = (
            f"<!doctype html><html><head><title>{escape(title)}</title>"
            f'<link rel="canonical" href="https://{DEMO_HOST}/{slug}/"></head>'
            f"<body><h1>{escape(title)}</h1>{''.join(body)}</body></html>\n"
        )
    return pages


def _width(path: str) -> str:
    """A srcset descriptor for a generated size: its width, 2560w for WordPress's
    "-scaled" copy, or the density of an "@2x" copy."""
    found = re.search(r"-(\d+)x\d+\.[^.]+$|@(\d)x\.[^.]+$", path)
    if found is None:
        return "2560w"
    return f"{found[1]}w" if found[1] else f"{found[2]}x"
