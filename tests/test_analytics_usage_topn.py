"""Most used over a range is exact: the bounded walk agrees with summing every file."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from mediatop.analytics.usage.report import most_used
from test_analytics_usage_fixtures import make_store, ref, tracked, ts, view


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """600 files, Zipf-ish traffic over 120 days, references on some."""
    rng = random.Random(3)
    store = make_store(tmp_path_factory.mktemp("busy"))
    ids = [store.add(f"f{i}.jpg", 100 + i) for i in range(600)]
    events, log = [], []
    for _ in range(6000):
        media_id = ids[min(int(rng.paretovariate(1.1)) - 1, 599)]
        days = rng.uniform(0, 120)
        kind = rng.choice(("view", "view", "view", "download", "click", "share"))
        events.append(view(media_id, days) if kind == "view" else tracked(media_id, kind, days))
        log.append((media_id, kind, ts(days)))
    store.events(events)
    referenced = rng.sample(ids, 40)
    store.refs(*(ref(f"f{ids.index(i)}.jpg", str(n)) for n, i in enumerate(referenced)))
    return store, log, Counter(referenced)


def _brute_force(store, log, places, spec):
    ctx = store.ctx(spec)
    weights = {"view": 1, "download": 2, "click": 2, "share": 3}
    score, views = Counter(), Counter()
    for media_id, kind, when in log:
        # Every event is at or before NOW, where each range ends.
        if when >= ctx.time_range.start_ts:
            score[media_id] += weights[kind]
            views[media_id] += kind == "view"
    for media_id, n in places.items():
        score[media_id] += 5 * n
    ranked = sorted((s, views[i], -i) for i, s in score.items() if s > 0)
    return [(-neg, s) for s, _v, neg in reversed(ranked)]


@pytest.mark.parametrize("spec", ["24h", "7d", "30d", "90d", "all"])
@pytest.mark.parametrize("limit", [1, 10, 300])
def test_most_used_matches_brute_force(busy, spec, limit):
    store, log, places = busy
    expected = _brute_force(store, log, places, spec)[:limit]
    got = [(int(u.id), u.score) for u in most_used(store.ctx(spec), limit)]
    assert got == expected


@pytest.mark.parametrize("spec", ["24h", "30d"])
def test_summing_the_whole_range_after_a_long_walk_gives_the_same_answer(busy, spec, monkeypatch):
    from mediatop.analytics import _rollups

    store, log, places = busy
    monkeypatch.setattr(_rollups, "MAX_WALK", 20)  # force the one-scan path
    expected = _brute_force(store, log, places, spec)[:50]
    got = [(int(u.id), u.score) for u in most_used(store.ctx(spec), 50)]
    assert got == expected


@pytest.fixture(scope="module")
def lifted(tmp_path_factory):
    """Files with 100, 99, ... 81 views and 30, 29, ... 1 views, and two files lifted by
    their references past files with more traffic: 96 views and 2 places, 70 views and 6
    places."""
    store = make_store(tmp_path_factory.mktemp("lifted"))
    log, places = [], Counter()
    views = {store.add(f"v{n}.jpg", 1000): n for n in range(100, 80, -1)}
    two = store.add("two-places.jpg", 1000)
    three = store.add("three-places.jpg", 1000)
    views |= {store.add(f"low{n}.jpg", 1000): n for n in range(30, 0, -1)}
    views |= {two: 96, three: 70}
    events = []
    for media_id, n in views.items():
        events += [view(media_id, 2) for _ in range(n)]
        log += [(media_id, "view", ts(2))] * n
    store.events(events)
    store.refs(
        ref("two-places.jpg", "a"), ref("two-places.jpg", "b"),
        *(ref("three-places.jpg", page) for page in "cdefgh"),
    )  # fmt: skip
    places.update({two: 2, three: 6})
    return store, log, places


@pytest.mark.parametrize("spec", ["30d", "all"])
@pytest.mark.parametrize("walk", [16, 2048])
def test_references_lift_a_file_over_the_traffic_floor(lifted, spec, walk, monkeypatch):
    """Only files whose traffic is within 5 × the most places of the traffic floor are
    scored (walk 16 makes the floor 85 views for 30d, 97 for the top 4 of all): the file
    with 70 views and 6 places (score 100) must still rank third, behind the one with 96
    views and 2 places (106) and the one with 100 views (100, more views)."""
    from mediatop.analytics import _rollups

    store, log, places = lifted
    monkeypatch.setattr(_rollups, "MAX_WALK", walk)  # the walk's depth and its bound's
    expected = _brute_force(store, log, places, spec)[:4]
    got = [(int(u.id), u.score) for u in most_used(store.ctx(spec), 4)]
    assert got == expected
    assert [s for _, s in got] == [106, 100, 100, 99]
