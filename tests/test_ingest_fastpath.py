"""The inlined hot path for plain combined lines accounts exactly as the general path."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from mediatop.ingest.logs.lines import LineBatch
from mediatop.ingest.logs.logformat import compile_format
from mediatop.ingest.logs.urlmap import UrlMapper
from mediatop.store.rollups import UsageRollup

PATHS = {b"a.jpg": (1, "image"), b"v.mp4": (2, "video"), b"d.pdf": (3, "document")}
AGENTS = ("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "curl/8.0", "-",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")  # fmt: skip

URLS = ("/uploads/a.jpg", "/uploads/v.mp4", "/uploads/d.pdf", "/uploads/x.jpg", "/index.html",
        "/uploads/../etc", "/uploads/a.jpg?download=1", "/", "/?p=1", "//uploads//a.jpg",
        "/uploads/", "/uploads/style.css", "//x.png", "/a.jpg", "/%2Fa.jpg")  # fmt: skip

line_parts = st.tuples(
    st.sampled_from(URLS),
    st.sampled_from(("GET", "HEAD", "POST")),
    st.sampled_from((200, 206, 304, 404, 500)),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(AGENTS),
    st.sampled_from(("-", "https://example.com/a", "")),
    st.sampled_from(("198.51.100.1", "198.51.100.2")),
)  # fmt: skip


def _line(url: str, method: str, status: int, minute: int, hour: int, agent: str,
          referrer: str, ip: str) -> str:  # fmt: skip
    when = f"10/Oct/2024:{hour:02d}:{minute:02d}:{minute:02d} +0000"
    request = f"{method} {url} HTTP/1.1"
    return f'{ip} - - [{when}] "{request}" {status} {minute * 100} "{referrer}" "{agent}"'


def _run(lines: list[str], fast: bool, prefixes: tuple[str, ...]) -> tuple[object, ...]:
    fmt = compile_format("combined")
    if not fast:
        fmt = replace(fmt, name="combined-general")
    batch = LineBatch(fmt, UrlMapper(prefixes, PATHS), b"salt")
    result = None
    for _ in range(2):  # the second pass runs with warm caches (the hot path's case)
        batch.reset()
        batch.add_lines(lines)
        result = batch.result()
    assert result is not None
    rows = sorted(map(repr, result.plain_rows)) + sorted(repr(r[:10]) for r in result.rows)
    rollup = result.rollup
    counts = {k: v for k, v in result.counts.items() if v}
    return (rows, rollup.metrics, rollup.breakdown_rows(), sorted(map(repr, rollup.pending)),
            rollup.last_used, rollup.first_used, rollup.log_hours, counts,
            dict(result.rejects), dict(result.misses), dict(result.miss_status))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(line_parts, max_size=30), st.sampled_from((("/uploads/",), ("/",))))
def test_hot_path_and_general_path_agree(parts: list[tuple], prefixes: tuple[str, ...]) -> None:
    """Also for the whole URL space as the prefix, misses (people's and crawlers' apart),
    pages, folders and paths with repeated slashes."""
    lines = [_line(*p) for p in parts]
    assert _run(lines, True, prefixes) == _run(lines, False, prefixes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from((1, 2, 3)), st.sampled_from(("view", "download", "head")),
    st.sampled_from(("s1", "s2", None)), st.sampled_from((None, "https://a.example/x")),
    st.integers(min_value=1_728_000_000, max_value=1_728_200_000),
    st.sampled_from((200, 206, 304, 404)), st.integers(min_value=0, max_value=10**6),
    st.sampled_from(("desktop", "mobile", "bot")), st.booleans()), max_size=40))  # fmt: skip
def test_plain_rows_roll_up_as_add_does(rows: list[tuple]) -> None:
    kinds = {1: "image", 2: "video", 3: "document"}
    one, many = UsageRollup(), UsageRollup()
    plain = []
    for media_id, etype, session, referrer, ts, status, size, device, bot in rows:
        one.add(media_id, kinds[media_id], etype, ts, "log", status, size, device, bot, referrer,
                None, None, None, None, None, session)  # fmt: skip
        plain.append((media_id, etype, session, referrer, "ua", ts, status, size, device, int(bot)))
    many.add_plain_log_rows(plain, kinds)
    assert one.metrics == many.metrics
    assert one.breakdown_rows() == many.breakdown_rows()
    assert one.pending == many.pending
    assert (one.last_used, one.first_used) == (many.last_used, many.first_used)
    assert one.log_hours == many.log_hours
