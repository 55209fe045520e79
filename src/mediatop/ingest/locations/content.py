"""Usage locations from exported site content: HTML, Markdown and JSON files.

`scan_content(content_dir, url_prefixes)` reads every .html/.htm/.md/.markdown/.json
file under the folder with the standard HTML parser (never regexes over HTML) and
returns one UsageLocation per reference to a media URL: the page (its file path as
location id, its <title> or first <h1>, canonical URL), the element (img, source,
video, audio, a, css), how it is used (featured / gallery / inline / background /
attachment), the width it is displayed at (the width attribute, else the largest px
width in `sizes`), its `sizes`, whether it is lazy (`loading="lazy"`) and whether it is
served responsively (a srcset or a <picture> source). Every srcset candidate is a
reference too, since each is a file the page may load. Markdown images and links are
read, and HTML inside Markdown goes through the HTML parser; JSON exports (e.g. the
WordPress REST API) are walked for HTML content and media URLs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mediatop.ingest.logs.urlmap import relative_media_path
from mediatop.model import UsageLocation
from mediatop.store.storable import storable_text

CONTENT_SUFFIXES = frozenset((".html", ".htm", ".md", ".markdown", ".json"))
# The longest location id (a content file's path, and '#' with the page's id in a JSON
# export; an export row's location_id) a store takes: it is indexed with the location's
# media, and PostgreSQL's btree entries hold at most 2704 bytes (a longer one failed the
# whole scan or import). 400 characters stay within it however they are stored.
MAX_LOCATION_ID = 400
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_SIZES_PX = re.compile(r"(\d+(?:\.\d+)?)px")
_MD_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_TITLE = re.compile(r"^(?:title:\s*(.+)|#\s+(.+))$", re.MULTILINE)


@dataclass(frozen=True)
class PageInfo:
    """The page a reference was found on."""

    location_id: str
    type: str
    title: str | None = None
    url: str | None = None


@dataclass
class _Ref:
    url: str
    element: str
    usage: str
    width: int | None = None
    sizes: str | None = None
    lazy: bool | None = None
    responsive: bool | None = None


def _width(text: str | None) -> int | None:
    if text and text.strip().isdigit():
        value = int(text.strip())
        return value if 0 < value < 100_000 else None
    return None


def display_width(width_attr: str | None, sizes: str | None) -> int | None:
    """The largest width in px an element is shown at: its width, else from `sizes`."""
    explicit = _width(width_attr)
    if explicit:
        return explicit
    if sizes:
        found = [float(v) for v in _SIZES_PX.findall(sizes)]
        if found:
            return int(max(found))
    return None


def srcset_urls(srcset: str) -> list[str]:
    """The candidate URLs of a srcset ('a.jpg 300w, b.jpg 1024w')."""
    urls = []
    for candidate in srcset.split(","):
        parts = candidate.strip().split()
        if parts:
            urls.append(parts[0])
    return urls


class _ContentParser(HTMLParser):
    """Collects media references and page facts from one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[_Ref] = []
        self.title: str | None = None
        self.h1: str | None = None
        self.canonical: str | None = None
        self.body_class = ""
        self._stack: list[tuple[str, str]] = []  # (tag, class) of open containers
        self._text_target: str | None = None
        self._text: list[str] = []

    def _usage(self, classes: str) -> str:
        everything = " ".join(c for _, c in self._stack) + " " + classes
        if "wp-post-image" in classes or "featured" in classes:
            return "featured"
        if "gallery" in everything:
            return "gallery"
        return "inline"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "")
        if "style" in a:
            for url in _CSS_URL.findall(a["style"]):
                self.refs.append(_Ref(url, "css", "background"))
        if tag in ("title", "h1") and getattr(self, tag if tag == "title" else "h1") is None:
            self._text_target, self._text = tag, []
        elif tag == "body":
            self.body_class = classes
        elif tag == "link" and "canonical" in a.get("rel", "") and a.get("href"):
            self.canonical = a["href"]
        elif tag == "meta" and a.get("property") == "og:url" and not self.canonical:
            self.canonical = a.get("content") or None
        elif tag == "img":
            self._image(a, classes)
        elif tag == "source":
            self._source(a, classes)
        elif tag in ("video", "audio"):
            usage = self._usage(classes)
            if a.get("src"):
                self.refs.append(_Ref(a["src"], tag, usage, _width(a.get("width"))))
            if a.get("poster"):
                self.refs.append(_Ref(a["poster"], tag, usage, _width(a.get("width"))))
        elif tag == "a" and a.get("href"):
            self.refs.append(_Ref(a["href"], "a", "attachment"))
        if tag in ("div", "figure", "section", "ul", "picture", "video", "audio", "article"):
            self._stack.append((tag, classes))

    def _image(self, a: dict[str, str], classes: str) -> None:
        in_picture = any(t == "picture" for t, _ in self._stack)
        srcset = a.get("srcset") or a.get("data-srcset") or ""
        sizes = a.get("sizes") or None
        common = {
            "usage": self._usage(classes),
            "width": display_width(a.get("width"), sizes),
            "sizes": sizes,
            "lazy": a.get("loading", "").lower() == "lazy" or "lazyload" in classes,
            "responsive": bool(srcset) or in_picture,
        }
        src = a.get("src") or a.get("data-src")
        urls = ([src] if src else []) + [u for u in srcset_urls(srcset) if u != src]
        for url in urls:
            self.refs.append(_Ref(url, "img", **common))  # type: ignore[arg-type]

    def _source(self, a: dict[str, str], classes: str) -> None:
        parent = self._stack[-1][0] if self._stack else ""
        if parent in ("video", "audio"):
            if a.get("src"):
                self.refs.append(_Ref(a["src"], parent, self._usage(classes)))
            return
        sizes = a.get("sizes") or None
        for url in srcset_urls(a.get("srcset", "")) + ([a["src"]] if a.get("src") else []):
            self.refs.append(
                _Ref(url, "source", self._usage(classes), display_width(a.get("width"), sizes),
                     sizes, None, True)
            )  # fmt: skip

    def handle_endtag(self, tag: str) -> None:
        if tag == self._text_target:
            text = " ".join("".join(self._text).split()) or None
            if tag == "title":
                self.title = text
            else:
                self.h1 = text
            self._text_target = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._text_target:
            self._text.append(data)


def _page_type(relative: str, body_class: str) -> str:
    tokens = set(body_class.split())
    parts = {p.lower() for p in Path(relative).parts[:-1]}
    if "page" in tokens or "pages" in parts or "page" in parts:
        return "page"
    for kind, folders in (("widget", {"widgets", "widget"}), ("theme", {"theme", "themes"}),
                          ("email", {"email", "emails", "newsletters"})):  # fmt: skip
        if parts & folders:
            return kind
    return "post"


@dataclass
class ContentScan:
    """References found in a folder, plus the files that could not be read."""

    locations: list[UsageLocation] = field(default_factory=list)
    files: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def _without_host(url: str) -> str:
    """The URL from its path on: an absolute or protocol-relative URL's scheme and host
    are dropped, so that no prefix is looked for in a host name."""
    if url.startswith(("http://", "https://", "//")):
        slash = url.find("/", url.find("//") + 2)
        return url[slash:] if slash >= 0 else "/"
    return url


def _to_locations(
    refs: list[_Ref], page: PageInfo, prefixes: tuple[str, ...], source: str
) -> Iterator[UsageLocation]:
    for ref in refs:
        url = _without_host(ref.url.strip())
        for prefix in prefixes:
            # `/` (the whole URL space) names a path only from its start: found later,
            # it is a relative URL's own slash, which says nothing of where it points
            at = url.find(prefix) if prefix != "/" else (0 if url.startswith("/") else -1)
            if at >= 0:
                path, _query = relative_media_path(url[at:], prefixes)
                break
        else:
            continue
        if path is None:
            continue
        # the page's own text as a store can hold it: a NUL in a title or an export's id
        # failed the whole scan on PostgreSQL
        yield UsageLocation(
            media_path=path, type=page.type, location_id=storable_text(page.location_id) or "",
            usage=ref.usage, source=source, title=storable_text(page.title),
            url=storable_text(page.url), element=storable_text(ref.element),
            display_width=ref.width, sizes=storable_text(ref.sizes), is_lazy=ref.lazy,
            is_responsive=ref.responsive,
        )  # fmt: skip


def _parse_html(text: str) -> _ContentParser:
    parser = _ContentParser()
    parser.feed(text)
    parser.close()
    return parser


def _from_html(text: str, relative: str) -> tuple[PageInfo, list[_Ref]]:
    parser = _parse_html(text)
    page = PageInfo(relative, _page_type(relative, parser.body_class),
                    parser.title or parser.h1, parser.canonical)  # fmt: skip
    return page, parser.refs


def _from_markdown(text: str, relative: str) -> tuple[PageInfo, list[_Ref]]:
    parser = _parse_html(text)
    refs = list(parser.refs)
    for bang, url in _MD_LINK.findall(text):
        refs.append(_Ref(url, "img", "inline") if bang else _Ref(url, "a", "attachment"))
    match = _MD_TITLE.search(text)
    title = (match.group(1) or match.group(2)).strip().strip("\"'") if match else None
    return PageInfo(relative, _page_type(relative, ""), title), refs


def _from_json(data: Any, relative: str) -> Iterator[tuple[PageInfo, list[_Ref]]]:
    """Pages in a JSON export: objects with HTML content, plus loose media URLs."""
    loose: list[_Ref] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            content = item.get("content")
            if isinstance(content, dict):
                content = content.get("rendered")
            if isinstance(content, str):
                title = item.get("title")
                title = title.get("rendered") if isinstance(title, dict) else title
                parser = _parse_html(content)
                ident = item.get("id", item.get("slug", relative))
                page = PageInfo(f"{relative}#{ident}",
                                str(item.get("type") or "post") if item.get("type") in (
                                    "post", "page", "widget", "theme", "email") else "post",
                                str(title) if title else parser.title,
                                str(item["link"]) if item.get("link") else None)  # fmt: skip
                yield page, parser.refs
                continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and "/" in item and len(item) < 2000:
            loose.append(_Ref(item, "json", "inline"))
    if loose:
        yield PageInfo(relative, "post"), loose


def scan_content(content_dir: Path, url_prefixes: tuple[str, ...], source: str) -> ContentScan:
    """Every media reference in the content files under `content_dir`."""
    result = ContentScan()
    for folder, dirs, names in os.walk(content_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            suffix = path.suffix.lower()
            if suffix not in CONTENT_SUFFIXES:
                continue
            relative = path.relative_to(content_dir).as_posix()
            try:
                text = path.read_text(encoding="utf-8-sig", errors="replace")
                if suffix == ".json":
                    pages = list(_from_json(json.loads(text), relative))
                elif suffix in (".md", ".markdown"):
                    pages = [_from_markdown(text, relative)]
                else:
                    pages = [_from_html(text, relative)]
            except (OSError, ValueError, RecursionError) as exc:
                result.errors.append((relative, str(exc)[:200]))
                continue
            result.files += 1
            for page, refs in pages:
                if len(page.location_id) > MAX_LOCATION_ID:
                    too_long = f"a page's id is longer than {MAX_LOCATION_ID} characters"
                    result.errors.append((relative, f"{too_long} with the path"))
                    continue
                result.locations.extend(_to_locations(refs, page, url_prefixes, source))
    return result
