"""Videos: sessions, completion, drop-off buckets, heatmap, retention, seeks, delivery advice."""

from __future__ import annotations

import pytest

from analytics_types_support import NOW_TS, context, new_store, scan, usage, video_events, views
from mediatop.analytics.video.delivery import ladder_key
from mediatop.analytics.video.engagement import play_totals
from mediatop.analytics.video.report import video_engagement, videos_report
from mediatop.model import ProbeResult, VideoEngagementEvent
from mediatop.store.connection import transaction
from mediatop.store.files import save_probes

T0 = NOW_TS - 2 * 86400


def make_videos(tmp_path, probes: dict[str, ProbeResult]):
    conn, settings = new_store(tmp_path)
    for name in probes:
        (settings.root / name).write_bytes(b"\0" * 1000)
    ids = scan(conn, settings.root)
    # The bytes are not a real MP4; store what a probe of one would say.
    with transaction(conn):
        save_probes(conn, [(ids[name], probe) for name, probe in probes.items()], NOW_TS)
    return conn, settings, ids


def ev(video_id, session, etype, position, at, duration=60.0, **fields):
    return VideoEngagementEvent(video_id, etype, position, duration, T0 + at,
                                session_id=session, **fields)  # fmt: skip


def four_sessions(v: int) -> list[VideoEngagementEvent]:
    """s1 pauses at 25 s, s2 completes, s3 seeks 5 -> 40 then stops at 45, s4 pauses at 28."""
    return [
        ev(v, "s1", "play", 0, 0, user_id="u1", quality="720p", device="mobile", country="NL"),
        ev(v, "s1", "pause", 25, 25),
        ev(v, "s2", "play", 0, 100, user_id="u1", quality="1080p", device="mobile", country="NL"),
        ev(v, "s2", "complete", 60, 160),
        ev(v, "s3", "play", 0, 200, quality="720p", device="desktop", country="DE"),
        ev(v, "s3", "seek", 40, 205, seek_from=5.0),
        ev(v, "s3", "stop", 45, 210),
        ev(v, "s4", "play", 0, 300, device="desktop"),
        ev(v, "s4", "pause", 28, 328),
    ]


def test_one_videos_engagement_analysis_matches_hand_counts(tmp_path):
    conn, settings, ids = make_videos(
        tmp_path, {"talk.mp4": ProbeResult(format="MP4", duration_s=60.0, width=1280, height=720)}
    )
    v = ids["talk.mp4"]
    video_events(conn, four_sessions(v))

    analysis = video_engagement(context(conn, settings), v)

    o = analysis.overview
    assert (o.total_views, o.unique_viewers) == (4, 3)  # u1 twice, s3, s4
    assert o.total_watch_time == pytest.approx(25 + 60 + 10 + 28)
    assert o.average_watch_time == pytest.approx(123 / 4)
    assert o.completion_rate == pytest.approx(25.0)
    drops = [(d.time, d.count, d.percentage) for d in analysis.engagement.drop_off_points]
    assert drops == [(20, 2, 50.0), (40, 1, 25.0)]
    heat = [(h.start_time, h.end_time, h.engagement, h.intensity)
            for h in analysis.engagement.engagement_heatmap]  # fmt: skip
    assert heat == [
        (0, 10, 4, "high"),  # 4 plays / 4 sessions
        (10, 20, 0, "low"),
        (20, 30, -2, "low"),  # two pauses
        (30, 40, 0, "low"),
        (40, 50, 1, "medium"),  # one seek landing: 0.25 per session
        (50, 60, 0, "low"),
    ]
    retention = [(p.time, p.sessions, p.percentage) for p in analysis.audience.retention_curve]
    assert retention == [(0, 4, 100.0), (10, 4, 100.0), (20, 4, 100.0), (30, 2, 50.0),
                         (40, 2, 50.0), (50, 1, 25.0), (60, 1, 25.0)]  # fmt: skip
    [seek] = analysis.engagement.seek_patterns
    assert (seek.time, seek.count, seek.forward, seek.backward) == (40, 1, 1, 0)
    assert seek.average_jump == pytest.approx(35.0)
    quality = {q.value: (q.sessions, q.percentage) for q in analysis.engagement.quality_preferences}
    assert quality == {"720p": (2, pytest.approx(200 / 3)), "1080p": (1, pytest.approx(100 / 3))}
    devices = {d.value: d.sessions for d in analysis.audience.device_breakdown}
    assert devices == {"mobile": 2, "desktop": 2}
    countries = {c.value: c.sessions for c in analysis.audience.geographic_distribution}
    assert countries == {"NL": 2, "DE": 1}


def test_videos_report_totals_and_buffering(tmp_path):
    conn, settings, ids = make_videos(tmp_path, {
        "a.mp4": ProbeResult(format="MP4", duration_s=60.0, height=720),
        "b.mp4": ProbeResult(format="MP4", duration_s=30.0, height=720),
    })  # fmt: skip
    a, b = ids["a.mp4"], ids["b.mp4"]
    video_events(conn, [*four_sessions(a),
                        ev(b, "x", "play", 0, 50, duration=30.0, buffering=True),
                        ev(b, "x", "complete", 30, 80, duration=30.0)])  # fmt: skip

    report = videos_report(context(conn, settings))

    assert report.overview.total_videos == 2
    assert report.overview.total_duration == pytest.approx(90.0)
    assert report.overview.total_size == 2000
    assert report.overview.total_views == 5
    assert report.overview.total_watch_time == pytest.approx(123 + 30)
    assert report.engagement.completion_rate == pytest.approx(40.0)  # 2 of 5
    assert report.engagement.average_view_duration == pytest.approx(153 / 5)
    assert report.performance.buffering_rate == pytest.approx(20.0)  # 1 of 5 sessions
    assert [v.id for v in report.engagement.most_watched_videos] == [str(a), str(b)]
    assert report.engagement.drop_off_points[0].percentage == pytest.approx(40.0)  # 2 of 5


def test_a_video_completed_far_less_than_its_length_band_is_flagged(tmp_path):
    names = [f"v{i}.mp4" for i in range(5)]
    conn, settings, ids = make_videos(
        tmp_path, {n: ProbeResult(format="MP4", duration_s=100.0, height=480) for n in names}
    )
    completions = {"v0.mp4": 5, "v1.mp4": 4, "v2.mp4": 4, "v3.mp4": 4, "v4.mp4": 0}
    events = []
    for name, done in completions.items():
        for s in range(5):
            key = f"{name}-{s}"
            start = s * 1000
            events.append(ev(ids[name], key, "play", 0, start, duration=100.0))
            if s < done:
                events.append(ev(ids[name], key, "complete", 100, start + 100, duration=100.0))
            else:
                events.append(ev(ids[name], key, "pause", 30, start + 30, duration=100.0))
    video_events(conn, events)

    report = videos_report(context(conn, settings))

    # rates 100, 80, 80, 80, 0: median 80, IQR 0 -> threshold 80 - 10 = 70
    [flag] = report.engagement.abnormal_drop_offs
    assert flag.id == str(ids["v4.mp4"])
    assert (flag.band, flag.band_median, flag.threshold) == ("1-5 min", 80.0, 70.0)
    flagged = [v.id for v in report.engagement.most_watched_videos if v.abnormal_drop_off]
    assert flagged == [str(ids["v4.mp4"])]


def test_delivery_advice_for_bitrate_faststart_and_missing_small_versions(tmp_path):
    conn, settings, ids = make_videos(tmp_path, {
        "big.mp4": ProbeResult(format="MP4", height=1080, width=1920, bitrate=20_000_000,
                               codec="h264", faststart=False),
        "clip-1080p.mp4": ProbeResult(format="MP4", height=1080, bitrate=5_000_000,
                                      codec="h264", faststart=True),
        "clip-480p.mp4": ProbeResult(format="MP4", height=480, bitrate=1_000_000,
                                     codec="h264", faststart=True),
        "lone.mp4": ProbeResult(format="MP4", height=720, bitrate=2_000_000, codec="hevc",
                                faststart=True),
    })  # fmt: skip

    optimization = videos_report(context(conn, settings)).optimization

    by_id = {e.id: e for e in optimization.encoding_efficiency}
    big = by_id[str(ids["big.mp4"])]
    assert big.recommended_bitrate == 6_000_000
    assert big.verdict == "high"
    assert big.estimated_savings == int(1000 * (1 - 6 / 20))
    assert by_id[str(ids["lone.mp4"])].recommended_bitrate == 1_800_000  # HEVC: 60 % of 3M
    assert by_id[str(ids["clip-480p.mp4"])].verdict == "efficient"
    delivery = optimization.delivery_optimization
    assert [r.id for r in delivery.missing_faststart] == [str(ids["big.mp4"])]
    assert {r.id for r in delivery.no_lower_resolution} == {str(ids["big.mp4"]),
                                                           str(ids["lone.mp4"])}  # fmt: skip
    assert len(delivery.recommendations) == 3
    storage = optimization.storage_optimization
    assert (storage.over_bitrate_videos, storage.unwatched_videos) == (1, 4)


def test_ladder_key_strips_resolution_tokens():
    assert ladder_key(b"v/clip-720p.mp4") == ladder_key(b"v/clip_480.mp4") == b"v/clip"
    assert ladder_key(b"v/clip-1280x720.webm") == b"v/clip"
    assert ladder_key(b"clip-mobile.mp4") == b"clip"


@pytest.mark.parametrize("range_", ["30d", "all"])
@pytest.mark.parametrize("images", [0, 12], ids=["videos only", "videos rare"])
def test_most_played_finds_log_only_videos_past_those_with_sessions(tmp_path, range_, images):
    """Videos with player sessions rank by sessions, the others by log views: the top must
    look past the sessions' files, however many log views those have."""
    names = [f"v{i}.mp4" for i in range(6)] + [f"p{i}.png" for i in range(images)]
    conn, settings, ids = make_videos(
        tmp_path, {n: ProbeResult(format="MP4", duration_s=60.0) for n in names}
    )
    played, logged = [ids[f"v{i}.mp4"] for i in range(3)], [ids[f"v{i}.mp4"] for i in (3, 4, 5)]
    events = [views(v, 100 + n) for n, v in enumerate(played)]
    events += [views(v, count) for v, count in zip(logged, (30, 20, 10), strict=True)]
    events += [views(ids[f"p{i}.png"], 200) for i in range(images)]
    usage(conn, [e for batch in events for e in batch])
    video_events(conn, [ev(v, f"s{v}", "play", 0, 0) for v in played])

    totals = play_totals(context(conn, settings, range_), "video", 2)

    assert [(p.id, p.plays) for p in totals.top] == [(logged[0], 30), (logged[1], 20)]
    assert totals.total_plays == 3 + 30 + 20 + 10


def test_viewers_and_watch_time_are_unknown_where_no_player_reported(tmp_path):
    """A video only the log saw: 4 views, but no player session says who watched or for
    how long. Those figures are unknown (None), not 0; the other video's are counted."""
    conn, settings, ids = make_videos(
        tmp_path, {n: ProbeResult(format="MP4", duration_s=60.0) for n in ("log.mp4", "p.mp4")}
    )
    usage(conn, views(ids["log.mp4"], 4))
    video_events(conn, four_sessions(ids["p.mp4"]))
    report = videos_report(context(conn, settings, "30d"))
    rows = {row.id: row for row in report.engagement.most_watched_videos}
    logged, played = rows[str(ids["log.mp4"])], rows[str(ids["p.mp4"])]
    assert (logged.views, logged.unique_viewers, logged.watch_time) == (4, None, None)
    # 4 sessions; viewers u1 (twice), s3, s4 = 3; watched 25 + 60 + 28, and s3's 0-5 s
    # and 40-45 s (its seek skipped 5-40) = 10: 123 s
    assert (played.views, played.unique_viewers, played.watch_time) == (4, 3, 123.0)
    assert report.overview.total_watch_time == 123.0

    (tmp_path / "logs-only").mkdir()
    conn2, settings2, ids2 = make_videos(
        tmp_path / "logs-only", {"log.mp4": ProbeResult(format="MP4", duration_s=60.0)}
    )
    usage(conn2, views(ids2["log.mp4"], 4))
    overview = videos_report(context(conn2, settings2, "30d")).overview
    assert (overview.total_views, overview.total_watch_time) == (4, None)
