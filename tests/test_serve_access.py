"""Who may call `mediatop serve`: the token rules as a function of the bind address and
the headers, then through the real server (bound to loopback, told it listens on
0.0.0.0), public beacons and their rate limit, CORS, and the command's refusals."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediatop.cli import main
from mediatop.errors import InputError
from mediatop.library import MediaLibrary
from mediatop.serve.access import RateLimiter, check_options, describe, is_loopback, verdict
from mediatop.serve.options import ServeOptions
from serve_support import running_server, traffic_library

TOKEN = "s3cret-token-0123456789"
MEDIA = "/api/analytics/media"
BEACON = json.dumps({"mediaId": "2024/05/logo.png", "eventType": "click"})


def test_loopback_addresses_are_told_from_the_others() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.0.2.7", "example.com", ""]))


def test_any_address_but_loopback_needs_a_token_of_16_characters() -> None:
    check_options(ServeOptions())  # 127.0.0.1, no token
    check_options(ServeOptions(host="0.0.0.0", token=TOKEN))
    exposed = ServeOptions(host="192.0.2.7", public_beacons=True)
    for refused in (ServeOptions(host="0.0.0.0"), exposed, ServeOptions(token="short")):
        with pytest.raises(InputError):
            check_options(refused)


@pytest.mark.parametrize(
    ("options", "beacon", "header", "allowed", "limited"),
    [
        (ServeOptions(), False, None, True, False),  # loopback without a token: open
        (ServeOptions(), True, None, True, False),
        (ServeOptions(token=TOKEN), False, None, False, False),  # a token binds loopback too
        (ServeOptions(host="0.0.0.0", token=TOKEN), False, None, False, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN), False, f"Bearer {TOKEN}", True, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN), False, f"bearer  {TOKEN} ", True, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN), False, f"Basic {TOKEN}", False, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN), False, "Bearer wrong", False, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN), True, None, False, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN, public_beacons=True), True, None, True, True),
        (ServeOptions(host="0.0.0.0", token=TOKEN, public_beacons=True), True, f"Bearer {TOKEN}",
         True, False),
        (ServeOptions(host="0.0.0.0", token=TOKEN, public_beacons=True), False, None, False, False),
    ],
)  # fmt: skip
def test_the_rule_for_each_address_endpoint_and_header(
    options: ServeOptions, beacon: bool, header: str | None, allowed: bool, limited: bool
) -> None:
    rule = verdict(options, beacon=beacon, authorization=header)
    assert (rule.allowed, rule.rate_limited) == (allowed, limited)


def test_the_start_up_line_says_who_may_call() -> None:
    assert describe(ServeOptions()) == "no token, loopback only"
    exposed = ServeOptions(host="0.0.0.0", token=TOKEN, public_beacons=True)
    assert describe(exposed) == "token required; beacons public, rate-limited"


def test_the_rate_limit_refills_at_its_rate() -> None:
    limiter = RateLimiter(rate=2.0, burst=3)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0)  # each address has its own bucket
    assert limiter.allow("a", now=0.5) and not limiter.allow("a", now=0.5)  # 0.5 s x 2/s = 1


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> MediaLibrary:
    return traffic_library(tmp_path_factory.mktemp("access"))


@pytest.fixture
def exposed(library: MediaLibrary) -> Iterator[str]:
    """The server as `--host 0.0.0.0 --token-file F --public-beacons` sets it up (rate:
    2 beacons at once, next one in 1000 s), listening on loopback only."""
    options = ServeOptions(host="0.0.0.0", token=TOKEN, public_beacons=True,
                           beacon_rate=0.001, beacon_burst=2)  # fmt: skip
    with running_server(library, options) as base:
        yield base


def test_reads_need_the_token_and_public_beacons_do_not(exposed: str) -> None:
    refused = httpx.get(exposed + MEDIA + "/usage")
    assert refused.status_code == 401 and refused.json()["field"] == "Authorization"
    assert refused.headers["www-authenticate"] == "Bearer"
    wrong = httpx.get(exposed + MEDIA + "/1/usage", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = httpx.get(exposed + MEDIA + "/1/usage", headers={"authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200 and right.json()["id"] == "1"
    assert httpx.get(exposed + "/api/openapi.json").status_code == 200  # no data in it
    sent = [httpx.post(exposed + MEDIA + "/track", content=BEACON).status_code for _ in range(3)]
    assert sent == [202, 202, 429]  # a burst of 2, then the limit
    with_token = httpx.post(exposed + MEDIA + "/track", content=BEACON,
                            headers={"authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert with_token.status_code == 202  # the token's holder is not limited


def test_without_public_beacons_a_post_needs_the_token_too(library: MediaLibrary) -> None:
    with running_server(library, ServeOptions(host="0.0.0.0", token=TOKEN)) as base:
        assert httpx.post(base + MEDIA + "/track", content=BEACON).status_code == 401
        signed = {"authorization": f"Bearer {TOKEN}"}
        assert (
            httpx.post(base + MEDIA + "/track", content=BEACON, headers=signed).status_code == 202
        )


def test_cors_lets_the_configured_origin_call_and_no_other(library: MediaLibrary) -> None:
    site = "https://www.example.com"
    with running_server(library, ServeOptions(cors_origins=(site,))) as base:
        ask = {"access-control-request-method": "POST",
               "access-control-request-headers": "content-type"}  # fmt: skip
        preflight = httpx.options(base + MEDIA + "/track", headers={"origin": site, **ask})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == site
        other = httpx.options(
            base + MEDIA + "/track", headers={"origin": "https://evil.test", **ask}
        )
        assert other.status_code == 400 and "origin" in other.json()["error"]
        sent = {"origin": site, "content-type": "application/json"}
        posted = httpx.post(base + MEDIA + "/track", content=BEACON, headers=sent)
        assert posted.status_code == 202
        assert posted.headers["access-control-allow-origin"] == site


def _serve(library: MediaLibrary, *args: str) -> list[str]:
    root, db = str(library.settings.root), str(library.settings.db_path)
    return ["serve", root, "--db", db, *args]


def test_the_command_refuses_to_expose_the_api_without_a_token(
    library: MediaLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert main(_serve(library, "--host", "0.0.0.0")) == 2
    assert main(_serve(library, "--host", "0.0.0.0", "--token-file", str(empty))) == 2
    assert main(_serve(library, "--token-file", str(tmp_path / "missing"))) == 2
    err = capsys.readouterr().err
    assert "needs a token" in err and "is empty" in err and "cannot read the token file" in err
    assert "Traceback" not in err


def test_the_command_says_so_when_the_port_is_taken(
    library: MediaLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert main(_serve(library, "--port", port)) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_command_refuses_a_root_never_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "media").mkdir()
    db = str(tmp_path / "s.sqlite3")
    assert main(["serve", str(tmp_path / "media"), "--db", db, "--port", "0"]) == 2
    assert "scan it first" in capsys.readouterr().err
    assert not Path(db).exists()  # refused without making a store
