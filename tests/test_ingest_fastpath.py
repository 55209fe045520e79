"""One path for every log line: the fast path only pre-parses, then makes the row `_add`
would make, and every row is accounted by the one `UsageRollup.add`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mediatop.ingest.logs.lines import LineBatch
from mediatop.ingest.logs.logformat import compile_format
from mediatop.ingest.logs.urlmap import UrlMapper
from mediatop.model import UsageEvent
from mediatop.store.rollups import UsageRollup
from mediatop.store.rollups_vector import BOT, BYTES, DOWNLOADS, ERRORS, NOT_MOD, REQ, VIEWS, WIDTH
from mediatop.store.usage_row import row_of_event

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
    # zones change within an hour; '+02:00' makes a 27-character time (rejected), and an
    # hour written '1 ' is one Clock.local reads as 1 (both paths must agree)
    st.sampled_from(("+0000", "+0200", "-0530", "+02:00")),
    st.sampled_from(("02d", "<2d")),
)  # fmt: skip


def _line(url: str, method: str, status: int, minute: int, hour: int, agent: str,
          referrer: str, ip: str, zone: str = "+0000", hour_style: str = "02d") -> str:  # fmt: skip
    when = f"10/Oct/2024:{hour:{hour_style}}:{minute:02d}:{minute:02d} {zone}"
    request = f"{method} {url} HTTP/1.1"
    return f'{ip} - - [{when}] "{request}" {status} {minute * 100} "{referrer}" "{agent}"'


def _run(lines: list[str], fast: bool, prefixes: tuple[str, ...]) -> tuple[object, ...]:
    fmt = compile_format("combined")
    if not fast:
        fmt = replace(fmt, name="combined-general")
    batch = LineBatch(fmt, UrlMapper(prefixes, PATHS), b"salt")
    result = None
    for _ in range(2):  # the second pass runs with warm caches (the fast path's case)
        batch.reset()
        batch.add_lines(lines)
        result = batch.result()
    assert result is not None
    rollup = result.rollup
    counts = {k: v for k, v in result.counts.items() if v}
    return (result.rows, rollup.metrics, rollup.breakdown_rows(), sorted(map(repr, rollup.pending)),
            rollup.last_used, rollup.first_used, rollup.log_hours, counts, result.kinds,
            result.optional_fields, dict(result.rejects), dict(result.misses),
            dict(result.miss_status))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(line_parts, max_size=30), st.sampled_from((("/uploads/",), ("/",))))
def test_the_fast_path_makes_the_rows_the_general_path_makes(
    parts: list[tuple], prefixes: tuple[str, ...]
) -> None:
    """The same rows in the same (line) order, and so the same deltas, also for the whole
    URL space as the prefix, misses (people's and crawlers' apart), pages, folders and
    paths with repeated slashes."""
    lines = [_line(*p) for p in parts]
    assert _run(lines, True, prefixes) == _run(lines, False, prefixes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from((1, 2, 3)), st.sampled_from(("view", "download", "head")),
    st.sampled_from(("s1", "s2", None)), st.sampled_from((None, "https://a.example/x")),
    st.integers(min_value=1_728_000_000, max_value=1_728_200_000),
    st.sampled_from((200, 206, 304, 404)), st.integers(min_value=0, max_value=10**6),
    st.sampled_from(("desktop", "mobile", "bot")), st.booleans()), max_size=40))  # fmt: skip
def test_log_rows_roll_up_by_the_readme_rules(rows: list[tuple]) -> None:
    """`UsageRollup.add` against the rules written out again, plainly, per row: a crawler
    is a bot request only; a person's request counts its bytes; >= 400 is an error; a
    HEAD is a request only; a 304 is also `not_modified`; a video's or document's use
    with a session waits for the 30-minute collapse, any other use is a view or a
    download at once (and widens the file's first and last use)."""
    kinds = {1: "image", 2: "video", 3: "document"}
    events = [
        row_of_event(UsageEvent(m, etype, ts, "log", None, s, ref, "ua", status, size, dev, bot))
        for m, etype, s, ref, ts, status, size, dev, bot in rows
    ]
    rollup = UsageRollup()
    rollup.add(events, kinds)
    want: dict[tuple[int, str], list[int]] = {}
    used: dict[int, list[int]] = {}
    waiting = 0
    for media_id, etype, session, _ref, ts, status, size, _device, bot in rows:
        slot = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H")
        v = want.setdefault((media_id, slot), [0] * WIDTH)
        if bot:
            v[BOT] += 1
            continue
        v[REQ] += 1
        v[BYTES] += size
        if status >= 400:
            v[ERRORS] += 1
        elif etype != "head":
            v[NOT_MOD] += status == 304
            if session and kinds[media_id] != "image":
                waiting += 1
            else:
                v[DOWNLOADS if etype == "download" else VIEWS] += 1
                used.setdefault(media_id, []).append(ts)
    assert rollup.metrics == want
    assert len(rollup.pending) == waiting
    assert rollup.first_used == {m: min(t) for m, t in used.items()}
    assert rollup.last_used == {m: max(t) for m, t in used.items()}
    assert rollup.log_hours == {row[4] // 3600 for row in rows}
