"""Device class and crawler detection from a user agent, cached per UA string.

Classes: desktop, mobile, tablet, bot, other. ua-parser (with its compiled matcher)
does the work; logs repeat a few hundred UA strings millions of times, so results are
cached. Crawlers are ua-parser's 'Spider' device family plus command-line and library
clients (curl, wget, python-requests, ...) and anything that calls itself a bot.
"""

from __future__ import annotations

import re

_TOOLS = re.compile(
    r"curl/|wget/|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|okhttp|"
    r"java/|libwww|httpclient|scrapy|headlesschrome|phantomjs|bot\b|bot/|crawler|spider|"
    r"slurp|facebookexternalhit|preview|monitor|pingdom|uptime|feedfetcher|axios/|node-fetch",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)\b|sm-t\d", re.IGNORECASE)
_MOBILE_OS = frozenset(("iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS"))
_DESKTOP_OS = frozenset(
    ("Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora", "FreeBSD", "Debian")
)
_CACHE: dict[str, tuple[str, bool]] = {}


def _classify(ua: str) -> tuple[str, bool]:
    import ua_parser

    if not ua or ua == "-":
        return "other", False
    result = ua_parser.parse(ua)
    device = result.device
    if (device is not None and device.family == "Spider") or _TOOLS.search(ua):
        return "bot", True
    os_family = result.os.family if result.os else ""
    brand = (device.brand or "") if device else ""
    family = device.family if device else ""
    if "Tablet" in brand or _TABLET.search(family) or _TABLET.search(ua):
        return "tablet", False
    if os_family == "Android" and "Mobile" not in ua:
        return "tablet", False
    if os_family in _MOBILE_OS or "Mobile" in ua:
        return "mobile", False
    if os_family in _DESKTOP_OS or os_family.startswith("Windows"):
        return "desktop", False
    return "other", False


def device_of(ua: str | None) -> tuple[str, bool]:
    """(device class, is a crawler) for a user agent string."""
    key = ua or ""
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) > 20_000:
            _CACHE.clear()
        found = _CACHE[key] = _classify(key)
    return found
