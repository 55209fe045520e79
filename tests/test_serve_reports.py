"""`mediatop serve`'s GET endpoints against the real server: each answers the JSON of
the matching `mediatop report ... --json` for the same range, with the seed's field
names; a file is found by id, by path and by URL; bad requests get their status and a
JSON error naming the parameter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from mediatop.cli import main
from mediatop.config import Settings
from mediatop.library import MediaLibrary
from serve_support import LATIN1_NAME, running_server, traffic_library

# The snapshot log's week (2026-03-08..14) and a day around it on each side.
RANGE = {"from": "2026-03-07", "to": "2026-03-15"}
MEDIA = "/api/analytics/media"
# endpoint -> (report, keys of the seed's interface it must carry)
ENDPOINTS = {
    "": ("media", {"overview", "usage", "performance", "types"}),
    "/usage": ("usage", {"mostUsedFiles", "unusedFiles", "recentUploads", "downloadStats"}),
    "/performance": ("performance", {"loadTimes", "bandwidthUsage", "cacheHitRate",
                                     "compressionSavings"}),
    "/optimization": ("optimization", {"resize", "compress", "remove", "convert"}),
    "/images": ("images", {"overview", "performance", "usage", "optimization"}),
    "/videos": ("videos", {"overview", "engagement", "performance", "optimization"}),
    "/documents": ("documents", {"overview", "usage", "performance"}),
    "/audio": ("audio", {"overview", "mostPlayed"}),
    "/duplicates": ("duplicates", {"exactGroups", "nearGroups"}),
    "/insights": ("insights", {"insights", "recommendations"}),
}  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MediaLibrary, str]]:
    library = traffic_library(tmp_path_factory.mktemp("served"))
    with running_server(library) as base:
        # A report measures the image savings and hashes not measured yet first, and says
        # how many it measured now (`measuredNow`, `hashedNow`): a first run measures them
        # all, so the runs compared below all find the same caches.
        for warm_up in ("", "/duplicates"):
            assert httpx.get(base + MEDIA + warm_up, params=RANGE, timeout=120).status_code == 200
        yield library, base


def _cli(library: MediaLibrary, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    capsys.readouterr()
    db = str(library.settings.db_path)
    root = str(library.settings.root)
    code = main(["report", args[0], root, "--db", db, "--from", RANGE["from"],
                 "--to", RANGE["to"], *args[1:], "--json"])  # fmt: skip
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_report_endpoint_equals_the_cli_report_for_the_same_range(
    served: tuple[MediaLibrary, str], endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    library, base = served
    name, seed_keys = ENDPOINTS[endpoint]
    answer = httpx.get(base + MEDIA + endpoint, params=RANGE, timeout=60)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert seed_keys <= answer.json().keys()
    assert answer.json() == _cli(library, capsys, name)


def test_the_usage_endpoint_counts_the_logs_views(served: tuple[MediaLibrary, str]) -> None:
    _library, base = served
    top = httpx.get(base + MEDIA + "/usage", params=RANGE).json()["mostUsedFiles"][0]
    # write_access_log: logo.png 9 requests, the most of any file; score 9 views + 0 places
    assert (top["filename"], top["views"], top["usageCount"]) == ("2024/05/logo.png", 9, 9)


def test_a_file_is_found_by_id_path_and_url_with_the_cli_figures(
    served: tuple[MediaLibrary, str], capsys: pytest.CaptureFixture[str]
) -> None:
    library, base = served
    expected = _cli(library, capsys, "file", "--file", "2024/05/logo.png")
    assert isinstance(expected, dict)
    by = [expected["id"], quote("2024/05/logo.png", safe=""), "2024/05/logo.png",
          quote("/uploads/2024/05/logo.png", safe=""),
          quote("https://example.com/wp-content/uploads/2024/05/logo.png", safe="")]  # fmt: skip
    for ref in by:
        whole = httpx.get(f"{base}{MEDIA}/{ref}", params=RANGE)
        assert (ref, whole.status_code) == (ref, 200)
        assert whole.json() == expected
    usage = httpx.get(f"{base}{MEDIA}/{expected['id']}/usage", params=RANGE).json()
    engagement = httpx.get(f"{base}{MEDIA}/2024%2F05%2Flogo.png/engagement", params=RANGE)
    assert usage == expected["usage"] and engagement.json() == expected["engagement"]
    # the seed's MediaUsageData and MediaEngagement
    assert {"id", "filename", "type", "size", "usageCount", "lastUsed", "usedIn", "views",
            "downloads", "engagement"} <= usage.keys()  # fmt: skip
    assert {"views", "clicks", "shares", "downloads", "averageViewTime",
            "interactionRate"} <= engagement.json().keys()  # fmt: skip
    assert usage["views"] == 9 and engagement.json()["views"] == 9  # the log's 9 requests


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        (f"{MEDIA}/999999", 404, "mediaId"),
        (f"{MEDIA}/99999999999999999999999999", 404, "mediaId"),
        (f"{MEDIA}/2024%2Fnope.jpg/usage", 404, "mediaId"),
        (f"{MEDIA}/%2Fother-prefix%2Fx.jpg", 404, "mediaId"),
        (f"{MEDIA}/..%2F..%2Fetc%2Fpasswd", 400, "mediaId"),
        (f"{MEDIA}/%2Fuploads%2F..%2Fsecret.jpg", 400, "mediaId"),
        (f"{MEDIA}/usage?range=0d", 400, "range"),
        (f"{MEDIA}/usage?range=soon", 400, "range"),
        (f"{MEDIA}/usage?range=7d&range=30d", 400, "range"),
        (f"{MEDIA}/images?from=2026-02-30", 400, "from"),
        (f"{MEDIA}/images?from=2026-03-10&to=2026-03-01", 400, "to"),
        (f"{MEDIA}/1?to=99999-01-01", 400, "to"),
    ],
)
def test_bad_reads_get_their_status_and_a_json_error_naming_the_field(
    served: tuple[MediaLibrary, str], path: str, status: int, field: str
) -> None:
    _library, base = served
    answer = httpx.get(base + path)
    assert (answer.status_code, answer.json()["field"]) == (status, field)
    assert answer.json()["error"] and "Traceback" not in answer.text


def test_unknown_routes_and_methods_answer_json(served: tuple[MediaLibrary, str]) -> None:
    _library, base = served
    assert httpx.get(base + "/nothing/here").json() == {"error": "Not Found"}
    refused = httpx.delete(base + MEDIA + "/usage")
    assert refused.status_code == 405 and refused.json() == {"error": "Method Not Allowed"}


def test_a_name_that_is_not_utf8_decodes_strictly_with_its_bytes_beside_it(
    served: tuple[MediaLibrary, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """PHP's json_decode refuses a lone \\udcXX; json.loads of the bytes decoded
    strictly as UTF-8 stands in for it, and no string may hold a surrogate."""
    library, base = served
    answer = httpx.get(f"{base}{MEDIA}/{quote(LATIN1_NAME, safe='')}/usage", params=RANGE)
    assert answer.status_code == 200
    data = json.loads(answer.content.decode("utf-8", "strict"))
    # 0xE9 is no UTF-8: shown as U+FFFD, its exact bytes percent-encoded beside it
    assert data["filename"] == "2025/02/caf\ufffd.jpg"
    assert data["filenameBytes"] == "2025/02/caf%E9.jpg"
    assert "filenameBytes" not in httpx.get(f"{base}{MEDIA}/1/usage").json()
    cli = _cli(library, capsys, "usage", "--top", "50")
    assert isinstance(cli, dict)
    named = [f for f in cli["unusedFiles"] if f.get("filenameBytes")]
    assert [f["filename"] for f in named] == ["2025/02/caf\ufffd.jpg"]
    assert Path(library.settings.root, "2025/02/caf\udce9.jpg").exists()


def test_a_name_or_place_id_with_a_newline_is_reached_like_any_other(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "two\nlines.jpg").write_bytes(b"x" * 10)
    library = MediaLibrary(Settings(root=root, db_path=tmp_path / "store.sqlite3"))
    library.scan(probe=False)
    name, place_id = quote("two\nlines.jpg", safe=""), quote("a\nb", safe="")
    with running_server(library) as base:
        by_path = httpx.get(f"{base}{MEDIA}/{name}")
        place = httpx.get(f"{base}/api/analytics/places/post/{place_id}")
        unknown = httpx.get(f"{base}{MEDIA}/%FF%FE.jpg")
    assert by_path.status_code == 200
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "no media file '\ufffd\ufffd.jpg' in the library"
    assert by_path.json()["filename"] == "two\nlines.jpg"
    # no reference names that place: the report's own 404, not the router's
    assert place.status_code == 404
    assert place.json()["field"] == "placeId"
