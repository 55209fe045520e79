"""Device classes and crawler detection from user agents; URL to path mapping."""

from __future__ import annotations

import pytest

from mediatop.ingest.logs.devices import device_of
from mediatop.ingest.logs.urlmap import UrlMapper, relative_media_path


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36", ("desktop", False)),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.4 Safari/605.1.15", ("desktop", False)),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", ("mobile", False)),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Mobile Safari/537.36", ("mobile", False)),
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.4 Mobile/15E148 Safari/604.1", ("tablet", False)),
        ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0 Safari/537.36", ("tablet", False)),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ("bot", True)),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", ("bot", True)),
        ("curl/8.5.0", ("bot", True)),
        ("Wget/1.21.4", ("bot", True)),
        ("python-requests/2.31.0", ("bot", True)),
        ("-", ("other", False)),
        ("", ("other", False)),
    ],
)  # fmt: skip
def test_device_classes(agent: str, expected: tuple[str, bool]) -> None:
    assert device_of(agent) == expected


def test_urls_map_to_paths_with_downloads_and_misses() -> None:
    mapper = UrlMapper(("/uploads/", "/wp-content/uploads/"),
                       {b"a.jpg": (1, "image"), b"d/x.pdf": (2, "document")})  # fmt: skip
    hit = mapper.lookup("https://cdn.example/wp-content/uploads/a.jpg?ver=3#top")
    assert (hit.status, hit.media_id, hit.event_type) == ("media", 1, "view")
    assert mapper.lookup("/uploads/a.jpg?download=1").event_type == "download"
    assert mapper.lookup("/uploads/a.jpg?download=0").event_type == "view"
    assert mapper.lookup("/uploads/d/x.pdf").event_type == "download"
    assert mapper.lookup("/uploads/./d//x.pdf").media_id == 2
    miss = mapper.lookup("/uploads/gone.png")
    assert (miss.status, miss.path) == ("miss", b"gone.png")
    assert mapper.lookup("/blog/post").status == "other"
    assert relative_media_path("/uploads/%C3%A9t%C3%A9.jpg", ("/uploads/",))[0] == (
        "été.jpg".encode()
    )
    assert relative_media_path("/uploads/%FF.jpg", ("/uploads/",))[0] == b"\xff.jpg"
    for unsafe in ("/uploads/../x", "/uploads/%2e%2e/x", "/uploads/%2Fetc/passwd",
                   "/uploads/a/..\\..\\x", "/uploads/%00"):  # fmt: skip
        assert mapper.lookup(unsafe).status == "refused", unsafe
    # repeated slashes are merged, as the server does before it looks for the file
    assert mapper.lookup("//uploads//a.jpg").media_id == 1
    assert mapper.lookup("/uploads//etc/passwd").status == "other"  # uploads/etc/passwd
