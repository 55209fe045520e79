"""`mediatop serve`'s POST endpoints against the real server: beacons one at a time, in
arrays and as `text/plain` (sendBeacon); every bad input with its status and a JSON
error naming the field; all or nothing per request; on a SQLite and on a PostgreSQL store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mediatop.library import MediaLibrary
from serve_support import running_server, traffic_library

MEDIA = "/api/analytics/media"
RANGE = {"from": "2026-03-07", "to": "2026-03-15"}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
LOGO = "2024/05/logo.png"
# 23:30 on the log's last day: the snapshot log has requests at 01:00-05:59 only, so a
# tracked view in this hour is not one of the log's requests and counts as a view.
UNCOVERED = "2026-03-14T23:30:00Z"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MediaLibrary, str]]:
    """The API on the traffic library, its store on each backend in turn."""
    on_server = request.param == "postgres"
    db = request.getfixturevalue("pg_module_store_url") if on_server else None
    library = traffic_library(tmp_path_factory.mktemp("beacons"), db)
    with running_server(library) as base:
        yield library, base


def _engagement(base: str, ref: str = "2024%2F05%2Flogo.png") -> dict[str, Any]:
    answer = httpx.get(f"{base}{MEDIA}/{ref}/engagement", params=RANGE)
    assert answer.status_code == 200
    data: dict[str, Any] = answer.json()
    return data


def _post(base: str, endpoint: str, body: object, **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"content-type": "application/json", "user-agent": BROWSER, **headers}
    return httpx.post(f"{base}{MEDIA}/{endpoint}", content=content, headers=sent)


def test_post_then_get_shows_the_event(served: tuple[MediaLibrary, str]) -> None:
    _library, base = served
    before = _engagement(base)
    event = {"mediaId": LOGO, "eventType": "click", "timestamp": UNCOVERED, "userId": "u1"}
    answer = _post(base, "track", event)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 1})
    after = _engagement(base)
    assert after["clicks"] == before["clicks"] + 1


def test_an_array_is_stored_whole(served: tuple[MediaLibrary, str]) -> None:
    _library, base = served
    before = _engagement(base)
    events = [
        {"url": f"/uploads/{LOGO}", "eventType": "share", "timestamp": UNCOVERED},
        {"mediaId": LOGO, "eventType": "share", "timestamp": UNCOVERED},
        {"mediaId": LOGO, "eventType": "view", "timestamp": UNCOVERED, "clientTimeMs": 80},
    ]
    answer = _post(base, "track", events)
    assert (answer.status_code, answer.json()) == (202, {"accepted": 3})
    after = _engagement(base)
    # two shares; the view is in an hour no log covers, so it is a view of its own
    assert (after["shares"], after["views"]) == (before["shares"] + 2, before["views"] + 1)


def test_a_text_plain_beacon_as_sendbeacon_sends_it_is_stored(
    served: tuple[MediaLibrary, str],
) -> None:
    _library, base = served
    before = _engagement(base)
    body = json.dumps({"mediaId": LOGO, "eventType": "download", "timestamp": UNCOVERED})
    answer = _post(base, "track", body.encode(), **{"content-type": "text/plain;charset=UTF-8"})
    assert answer.status_code == 202
    assert _engagement(base)["downloads"] == before["downloads"] + 1


def test_player_events_go_to_engagement_and_usage_events_to_track(
    served: tuple[MediaLibrary, str],
) -> None:
    _library, base = served
    play = {"videoId": "2025/02/jingle.wav", "eventType": "play", "currentTime": 0,
            "duration": 1.5, "sessionId": "s1"}  # fmt: skip
    assert _post(base, "engagement", [play, {**play, "eventType": "complete",
                                             "currentTime": 1.5}]).status_code == 202  # fmt: skip
    wrong = _post(base, "track", play)
    assert (wrong.status_code, wrong.json()["field"]) == (400, "eventType")
    view = _post(base, "engagement", {"mediaId": LOGO, "eventType": "view"})
    assert (view.status_code, view.json()["field"]) == (400, "eventType")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, "body"),
        (b"\xff\xfe{}", 400, "body"),
        (b"[]", 400, "body"),
        (b"[1]", 400, "body"),
        ({"mediaId": LOGO}, 400, "eventType"),
        ({"eventType": "view"}, 400, "mediaId"),
        ({"mediaId": LOGO, "eventType": "like"}, 400, "eventType"),
        ({"mediaId": LOGO, "eventType": "view", "timestamp": "yesterday"}, 400, "timestamp"),
        ({"mediaId": LOGO, "eventType": "view", "clientTimeMs": -1}, 400, "clientTimeMs"),
        ({"mediaId": LOGO, "eventType": "view", "userId": ["x"]}, 400, "userId"),
        ({"mediaId": "../../etc/passwd", "eventType": "view"}, 400, "mediaId"),
        ({"url": "/uploads/../secret.jpg", "eventType": "view"}, 400, "mediaId"),
        ({"mediaId": "nope.jpg", "eventType": "view"}, 404, "mediaId"),
        ({"mediaId": 987654321, "eventType": "view"}, 404, "mediaId"),
        ({"mediaId": "9" * 5000, "eventType": "view"}, 404, "mediaId"),
    ],
)
def test_bad_beacons_get_their_status_and_name_the_field(
    served: tuple[MediaLibrary, str], body: object, status: int, field: str
) -> None:
    _library, base = served
    answer = _post(base, "track", body)
    assert (answer.status_code, answer.json()["field"]) == (status, field)


def test_one_bad_event_refuses_its_whole_array(served: tuple[MediaLibrary, str]) -> None:
    _library, base = served
    before = _engagement(base)
    good = {"mediaId": LOGO, "eventType": "click", "timestamp": UNCOVERED}
    answer = _post(base, "track", [good, {**good, "eventType": "like"}])
    assert (answer.status_code, answer.json()["index"]) == (400, 1)
    assert _engagement(base)["clicks"] == before["clicks"]


def test_bodies_over_the_limit_and_of_other_types_are_refused(
    served: tuple[MediaLibrary, str],
) -> None:
    _library, base = served
    big = json.dumps([{"mediaId": LOGO, "eventType": "click"}] * 3000).encode()
    assert len(big) > 64 * 1024
    assert _post(base, "track", big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield from (big[i : i + 8192] for i in range(0, len(big), 8192))

    streamed = httpx.post(f"{base}{MEDIA}/track", content=chunks(),
                          headers={"content-type": "application/json"})  # fmt: skip
    assert streamed.status_code == 413 and "error" in streamed.json()
    form = _post(base, "track", b"a=1", **{"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415 and "error" in form.json()
