"""Audio: durations, bitrate, plays from player sessions or the log, completion."""

from __future__ import annotations

import pytest

from analytics_types_support import (
    NOW_TS,
    context,
    scan,
    usage,
    video_events,
    views,
    write_wav,
)
from mediatop.analytics.audio.report import audio_report
from mediatop.model import VideoEngagementEvent


def test_plays_and_completion_come_from_player_sessions_else_the_log(empty_store):
    conn, settings = empty_store
    write_wav(settings.root / "talk.wav", 1.0)
    write_wav(settings.root / "song.wav", 2.0)
    ids = scan(conn, settings.root)
    talk, song = ids["talk.wav"], ids["song.wav"]
    t0 = NOW_TS - 86400
    events = []
    for n, finished in enumerate((True, True, False)):
        session = f"p{n}"
        events.append(VideoEngagementEvent(talk, "play", 0, 1.0, t0 + 10 * n,
                                           session_id=session))  # fmt: skip
        last = "complete" if finished else "pause"
        events.append(VideoEngagementEvent(talk, last, 1.0 if finished else 0.2, 1.0,
                                           t0 + 10 * n + 1, session_id=session))  # fmt: skip
    video_events(conn, events)
    usage(conn, views(song, 2))

    report = audio_report(context(conn, settings))

    o = report.overview
    assert (o.total_audio, o.total_duration, o.average_duration) == (2, 3.0, 1.5)
    assert o.average_bitrate == pytest.approx(128_000)  # 8000 Hz × 16 bit, mono
    assert o.total_plays == 5
    assert o.completion_rate == pytest.approx(200 / 3)
    by_id = {a.id: a for a in report.most_played}
    assert (by_id[str(talk)].plays, by_id[str(talk)].player_sessions) == (3, 3)
    assert by_id[str(talk)].completion_rate == pytest.approx(200 / 3)
    assert (by_id[str(song)].plays, by_id[str(song)].log_plays) == (2, 2)
    assert by_id[str(song)].completion_rate is None
    # listened: 1 + 1 + 0.2 s in the talk's sessions; unknown for the song, only logged
    assert by_id[str(talk)].listen_time == pytest.approx(2.2)
    assert by_id[str(song)].listen_time is None


def test_without_player_events_completion_is_unknown(empty_store):
    conn, settings = empty_store
    write_wav(settings.root / "a.wav", 1.0)
    scan(conn, settings.root)

    report = audio_report(context(conn, settings))

    assert report.overview.completion_rate is None
    assert report.overview.total_plays == 0
    assert report.most_played == []
