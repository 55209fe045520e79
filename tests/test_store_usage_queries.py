"""The usage score is written once: the store's SQL scores as the analytics' Python does.

The weights live in `analytics.usage.score.WEIGHTS`; the store's queries receive them and
write them into SQL. These tests score hand-built files through every path (all-time
query, one grouped scan of a range, the walk, the short-range table) and compare with
figures worked out by hand from the README's rule: views + 2×downloads + 2×clicks +
3×shares + 5×places used.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_analytics_usage_fixtures import make_store, ref, tracked, view

from mediatop.analytics.usage.report import most_used
from mediatop.analytics.usage.score import WEIGHTS, usage_score
from mediatop.store.queries.usage import (
    ScoreWeights,
    top_scores_all_time,
    top_scores_in_range,
)


@pytest.fixture
def scored(tmp_path: Path):
    """a.jpg: 3 views, 1 download, 2 clicks, 1 share, 2 places; b.jpg: 10 views;
    c.jpg: 1 place, no traffic; gone.jpg: 50 views but deleted. All 2 days ago."""
    store = make_store(tmp_path)
    ids = {name: store.add(f"{name}.jpg", 100) for name in ("a", "b", "c")}
    ids["gone"] = store.add("gone.jpg", 100, deleted_days_ago=1)
    a, b, gone = ids["a"], ids["b"], ids["gone"]
    store.events(
        [view(a, 2 + n / 100, session_id=f"a{n}") for n in range(3)]
        + [tracked(a, "download", 2), tracked(a, "click", 2), tracked(a, "click", 2)]
        + [tracked(a, "share", 2)]
        + [view(b, 2 + n / 100, session_id=f"b{n}") for n in range(10)]
        + [view(gone, 2 + n / 100, session_id=f"g{n}") for n in range(50)]
    )
    store.refs(ref("a.jpg", "1"), ref("a.jpg", "2"), ref("c.jpg", "3"))
    return store, ids


# (file, views, downloads, clicks, shares, places, score) by the rule:
# a: 3 + 2×1 + 2×2 + 3×1 + 5×2 = 3 + 2 + 4 + 3 + 10 = 22
# b: 10 views = 10;  c: 5×1 = 5;  gone: deleted, never listed
EXPECTED = [("a", 3, 1, 2, 1, 2, 22), ("b", 10, 0, 0, 0, 0, 10), ("c", 0, 0, 0, 0, 1, 5)]


def _named(ids: dict[str, int], rows) -> list[tuple]:
    names = {file_id: name for name, file_id in ids.items()}
    return [(names[row[0]], *row[1:]) for row in rows]


def test_the_weights_are_the_readme_rule() -> None:
    assert ScoreWeights(views=1, downloads=2, clicks=2, shares=3, places=5) == WEIGHTS
    # 3 views, 1 download, 2 clicks, 1 share, 2 places: 3 + 2 + 4 + 3 + 10 = 22
    assert usage_score(3, 1, 2, 1, 2) == 22


def test_the_all_time_query_scores_as_the_rule_says(scored) -> None:
    store, ids = scored
    # the most places any file has is 2 (a.jpg)
    assert _named(ids, top_scores_all_time(store.conn, 10, WEIGHTS, lambda: 2)) == EXPECTED


def test_the_grouped_scan_of_a_range_scores_as_the_rule_says(scored) -> None:
    store, ids = scored
    found = top_scores_in_range(store.conn, store.ctx("30d").time_range, 10, WEIGHTS)
    # rows (file, score, places)
    assert _named(ids, [row for row, _sums in found]) == [("a", 22, 2), ("b", 10, 0), ("c", 5, 1)]


def test_the_sql_takes_the_weights_it_is_given(scored) -> None:
    store, ids = scored
    views_only = ScoreWeights(views=1, downloads=0, clicks=0, shares=0, places=0)
    # by views alone: b 10, a 3; c scores 0 and is left out
    found = top_scores_all_time(store.conn, 10, views_only, lambda: 2)
    assert [(name, row[-1]) for name, *row in _named(ids, found)] == [("b", 10), ("a", 3)]


@pytest.mark.parametrize("spec", ["24h", "30d", "all"])
def test_most_used_gives_the_same_scores_on_every_path(scored, spec, monkeypatch) -> None:
    """24h: the short-range table; 30d: the walk, then (no walk allowed) the grouped scan;
    all: the all-time query. The events are 2 days old, so 24h sees none of them and
    ranks by places alone: a 2 × 5 = 10, c 1 × 5 = 5."""
    from mediatop.analytics import _rollups

    store, ids = scored
    want = [("a", 10), ("c", 5)] if spec == "24h" else [(r[0], r[-1]) for r in EXPECTED]
    got = [(int(u.id), u.score) for u in most_used(store.ctx(spec), 10)]
    assert _named(ids, got) == want
    monkeypatch.setattr(_rollups, "MAX_WALK", 0)  # every walk gives way to the scan
    got = [(int(u.id), u.score) for u in most_used(store.ctx(spec), 10)]
    assert _named(ids, got) == want


def test_a_short_ranges_table_is_scored_by_the_same_weights() -> None:
    from mediatop.analytics.usage.score import _table_scores

    # (requests, views, downloads, clicks, shares, bytes, ...) of file 7: 3 views,
    # 1 download, 2 clicks, 1 share; 2 places: 3 + 2 + 4 + 3 + 10 = 22.
    # File 8: no traffic, 1 place: 5. File 9: 4 views, no place: 4.
    table = {7: (9, 3, 1, 2, 1, 500, 0, 0, 0, 0), 9: (4, 4, 0, 0, 0, 80, 0, 0, 0, 0)}
    assert _table_scores(table, {7: 2, 8: 1}) == {7: 22, 8: 5, 9: 4}
    assert usage_score(3, 1, 2, 1, 2) == 22
