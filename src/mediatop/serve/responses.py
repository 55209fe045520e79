"""JSON responses and errors, as every endpoint answers them.

A body is UTF-8 JSON that a strict reader decodes (`mediatop.json_text.unicode_safe`:
a name that is not UTF-8 comes with its exact bytes beside it). An error is
`{"error": MESSAGE}`, with `field` naming the parameter or body field at fault and
`index` the event of an array, when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from mediatop.json_text import unicode_safe


class ApiError(Exception):
    """A request the API refuses: its HTTP status, message and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        index: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.index = index
        self.headers = dict(headers or {})


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    body = json.dumps(unicode_safe(data), ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), status, headers, media_type="application/json")


def error_response(error: ApiError) -> Response:
    data: dict[str, Any] = {"error": error.message}
    if error.field is not None:
        data["field"] = error.field
    if error.index is not None:
        data["index"] = error.index
    return json_response(data, error.status, error.headers)
