"""The store's read queries for the per-type reports, asked directly (no analytics).

What a second backend must answer the same way: each test builds a real library
(files scanned from tmp_path, events through the real writers) and checks one query of
`store.queries.{media,images,video,duplicates}` against figures counted by hand.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from analytics_types_support import (
    DAY,
    NOW,
    NOW_TS,
    locations,
    photo,
    save_image,
    scan,
    usage,
    video_events,
    views,
)
from mediatop.measure.for_reports import hashes_for_duplicates
from mediatop.model import UsageLocation, VideoEngagementEvent
from mediatop.store.queries.duplicates import exact_copies
from mediatop.store.queries.images import featured_places, unused_size_groups
from mediatop.store.queries.media import files_by_total, requests_by_file, uses_by_file
from mediatop.store.queries.video import Scope, session_sums, sessions_by_file
from mediatop.timerange import parse_range


@pytest.fixture
def five_images(empty_store):
    """a..e.png viewed 5, 4, 3, 2 and 1 times an hour ago; guide.txt viewed 9 times."""
    conn, settings = empty_store
    for name in "abcde":
        save_image(settings.root, f"{name}.png", photo(16, 12, seed=ord(name)))
    (settings.root / "guide.txt").write_text("a guide")
    ids = scan(conn, settings.root)
    for count, name in zip((5, 4, 3, 2, 1), "abcde", strict=True):
        usage(conn, views(ids[f"{name}.png"], count))
    usage(conn, views(ids["guide.txt"], 9))
    return conn, settings, ids


def test_files_by_total_pages_grow_and_stop_when_the_kind_runs_out(five_images):
    conn, _, ids = five_images
    image = {ids[f"{n}.png"]: n for n in "abcde"}

    pages = list(files_by_total(conn, "image", "views", 2))

    # pages of 2 then 4 rows: the second holds the last 3 images, so the files ran out;
    # guide.txt (9 views) is not an image.
    named = [[(image[i], n) for i, n in page] for page in pages]
    assert named == [[("a", 5), ("b", 4)], [("c", 3), ("d", 2), ("e", 1)]]


def test_files_by_total_leaves_out_excluded_files_and_other_roles(five_images):
    conn, _, ids = five_images
    used = [
        UsageLocation(b"c.png", "post", "1", "featured", "t"),
        UsageLocation(b"e.png", "page", "2", "featured", "t"),
        UsageLocation(b"e.png", "post", "3", "featured", "t"),
        UsageLocation(b"a.png", "post", "1", "inline", "t"),
    ]
    locations(conn, "t", used)

    excluding_a = next(files_by_total(conn, "image", "views", 2, excluding=[ids["a.png"]]))
    featured = list(files_by_total(conn, "image", "views", 10, used_as="featured"))

    assert excluding_a == [(ids["b.png"], 4), (ids["c.png"], 3)]
    assert featured == [[(ids["c.png"], 3), (ids["e.png"], 1)]]
    # c is featured in one location, e in two; a is only inline
    assert featured_places(conn, [ids[f"{n}.png"] for n in "ace"]) == {
        ids["c.png"]: 1,
        ids["e.png"]: 2,
    }


def test_uses_by_file_sums_the_range_or_all_time(empty_store):
    conn, settings = empty_store
    save_image(settings.root, "a.png", photo(16, 12))
    a = scan(conn, settings.root)["a.png"]
    usage(conn, views(a, 2))  # an hour ago
    usage(conn, views(a, 3, ts=NOW_TS - 3 * DAY))
    usage(conn, views(a, 1, ts=NOW_TS - 3 * DAY, etype="download"))

    def counts(spec: str) -> dict[int, tuple[int, int, int, int, int]]:
        return uses_by_file(conn, parse_range(spec, now=NOW), [a])

    # (requests, views, clicks, shares, downloads): the last 24 h hold the 2 recent
    # views only; 7 days and all time hold 2 + 3 = 5 views and the download, each a
    # request: 5 + 1 = 6.
    assert counts("24h") == {a: (2, 2, 0, 0, 0)}
    assert counts("7d") == {a: (6, 5, 0, 0, 1)}
    assert counts("all") == {a: (6, 5, 0, 0, 1)}
    day = (NOW - timedelta(days=3)).date().isoformat()
    assert requests_by_file(conn, day, day) == {a: 4}  # 3 views + 1 download that day
    assert requests_by_file(conn, day, day, ids=[a + 1]) == {}


def test_unused_sizes_are_grouped_under_their_original(empty_store):
    conn, settings = empty_store
    root = settings.root
    save_image(root, "photo.jpg", photo(60, 40))
    small = save_image(root, "photo-300x200.jpg", photo(30, 20, seed=2))
    save_image(root, "photo-150x150.jpg", photo(15, 15, seed=3))
    ids = scan(conn, root)
    usage(conn, views(ids["photo-150x150.jpg"], 1))  # requested: not unused

    groups = unused_size_groups(conn)

    # one group, named by its original, holding the one unrequested generated size
    assert [(bytes(g), total, owner) for g, total, owner in groups] == [
        (b"photo.jpg", small.stat().st_size, ids["photo.jpg"])
    ]
    assert unused_size_groups(conn, [b"other.jpg"]) == []


def test_a_hash_taken_before_the_file_changed_makes_no_copy(empty_store):
    conn, settings = empty_store
    root = settings.root
    for name in ("x.txt", "y.txt", "z.txt"):
        (root / name).write_text("dup")
    scan(conn, root)
    hashes_for_duplicates(conn, settings, {"phash": "cached"})  # hashes the three
    (root / "z.txt").write_text("dux")  # same size, other bytes, a later mtime
    later = NOW_TS + 60
    os.utime(root / "z.txt", (later, later))
    ids = scan(conn, root)

    copies = exact_copies(conn)

    # z's hash was taken of its old bytes: only x and y still share a current hash
    assert [file_id for _, file_id in copies] == [ids["x.txt"], ids["y.txt"]]
    assert copies[0][0] == copies[1][0]


def test_sessions_are_counted_by_the_second_they_started(empty_store):
    conn, settings = empty_store
    (settings.root / "talk.mp4").write_bytes(b"\0" * 1000)
    (settings.root / "song.mp3").write_bytes(b"\0" * 1000)
    ids = scan(conn, settings.root)
    talk, song = ids["talk.mp4"], ids["song.mp3"]
    start = NOW_TS - 2 * DAY

    def session(file_id: int, name: str, at: int, user: str | None = None) -> list:
        return [
            VideoEngagementEvent(file_id, "play", 0, 60, at, session_id=name, user_id=user),
            VideoEngagementEvent(file_id, "complete", 60, 60, at + 60, session_id=name),
        ]

    video_events(
        conn,
        [
            *session(talk, "s1", start, user="u1"),
            *session(talk, "s2", start + 100, user="u1"),
            *session(talk, "s3", start + 200),
            *session(talk, "old", NOW_TS - 40 * DAY),  # before the 30 days
            *session(song, "s4", start),
        ],
    )
    days_30 = parse_range("30d", now=NOW)

    sessions, viewers, watched, completed, buffered = session_sums(conn, Scope(talk), days_30)

    # s1, s2, s3 in range; u1 watched twice, s3 alone: 2 viewers; 60 s played each
    assert (sessions, viewers, completed, buffered) == (3, 2, 3, 0)
    assert watched == pytest.approx(180.0)
    assert session_sums(conn, Scope(kind="audio"), days_30)[:2] == (1, 1)
    assert sessions_by_file(conn, "video", days_30) == {talk: (3, 2, pytest.approx(180.0), 3)}
