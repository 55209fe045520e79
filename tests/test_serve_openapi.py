"""`/api/openapi.json` says what the server does: schemathesis generates requests from it
(a few hundred, bounded) against the real server, and no answer is a 5xx, has a status
or content type the document does not list, or breaks its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from serve_support import running_server, traffic_library

# 15 operations x 10 examples (POSTs once per body type, with their shrinking): about
# 500 requests in all
EXAMPLES_PER_OPERATION = 10


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    library = traffic_library(tmp_path_factory.mktemp("openapi"))
    with running_server(library) as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> Any:
    return schemathesis.openapi.from_url(base_url + "/api/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


def test_the_document_lists_every_endpoint_of_the_seed(base_url: str) -> None:
    paths = httpx.get(base_url + "/api/openapi.json").json()["paths"]
    seed = ["", "/usage", "/performance", "/optimization", "/{mediaId}", "/{mediaId}/usage",
            "/{mediaId}/engagement", "/images", "/videos", "/documents", "/track",
            "/engagement", "/audio", "/duplicates", "/insights"]  # fmt: skip
    # and the reports of screens the seed has no endpoint for (the Ingest screen's)
    more = ["/misses", "/ingest"]
    # and one place's report (the Files on a page screen's)
    place = "/api/analytics/places/{placeType}/{placeId}"
    assert sorted(paths) == sorted([*("/api/analytics/media" + p for p in [*seed, *more]), place])
    assert set(paths["/api/analytics/media/track"]) == {"post"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_server_keeps_to_its_openapi_document(case: Any) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
        timeout=60,
    )
