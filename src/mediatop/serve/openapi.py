"""The OpenAPI 3 document served at `/api/openapi.json`: every route, its parameters,
bodies, statuses and the seed's field names each answer carries.

Written out here rather than derived, and checked against the running server by a
schemathesis run (tests/test_serve_openapi.py), so it says what the server does.
"""

from __future__ import annotations

from typing import Any

from mediatop import __version__
from mediatop.serve.reads import MEDIA_PREFIX, PLACE_PATH, REPORT_ENDPOINTS

# the keys (of the seed's interfaces) each report's answer always carries
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "media": ("overview", "usage", "performance", "types"),
    "usage": ("mostUsedFiles", "unusedFiles", "recentUploads", "downloadStats"),
    "performance": ("loadTimes", "bandwidthUsage", "cacheHitRate", "compressionSavings"),
    "optimization": ("resize", "compress", "remove", "convert", "opportunities"),
    "images": ("overview", "performance", "usage", "optimization"),
    "videos": ("overview", "engagement", "performance", "optimization"),
    "documents": ("overview", "usage", "performance"),
    "audio": ("overview", "mostPlayed"),
    "duplicates": ("exactGroups", "nearGroups"),
    "insights": ("insights", "recommendations"),
    "misses": ("humanNotFound", "crawlerNotFound", "mostMissed"),
    "ingest": ("logs", "rejects", "sources", "misses"),
    "file": ("id", "filename", "type", "size", "usage", "performance", "engagement",
             "recommendations", "optimization", "usedIn", "exactCopies"),
    "usage_of_file": ("id", "filename", "type", "size", "usageCount", "lastUsed", "usedIn",
                      "views", "downloads", "engagement"),
    "engagement": ("views", "clicks", "shares", "downloads", "averageViewTime",
                   "interactionRate"),
    "place": ("type", "id", "title", "url", "totalFiles", "totalSize", "files", "missing"),
}  # fmt: skip

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "field": {"type": "string"},
        "index": {"type": "integer", "minimum": 0},
    },
}
_WHY = {
    "400": "a bad parameter or body (`field` names it), or a request that is not valid HTTP",
    "401": "a token is required (Authorization: Bearer TOKEN)",
    "404": "no such media file (or place)",
    "413": "the body is over the limit (64 KB by default)",
    "415": "the body is neither application/json nor text/plain",
    "429": "too many public beacons from this address",
    "431": "the request line and headers are over 64 KB",
    "503": "the store cannot be used now",
}
_RANGE_PARAMETERS = [
    {"name": "range", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "24h, 7d, 30d (default), 90d, Nd, Nh or all"},
    {"name": "from", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "first day, YYYY-MM-DD (wins over range)"},
    {"name": "to", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "last day, YYYY-MM-DD, inclusive"},
]  # fmt: skip
_MEDIA_ID = {
    "name": "mediaId", "in": "path", "required": True, "schema": {"type": "string"},
    "description": "the file's id, its path under the root, or the URL a page requested "
    "it by, as one percent-encoded segment",
}  # fmt: skip
_PLACE = [
    {"name": "placeType", "in": "path", "required": True, "schema": {"type": "string"},
     "description": "the place's type as the references give it: post, page, widget..."},
    {"name": "placeId", "in": "path", "required": True, "schema": {"type": "string"},
     "description": "the place's id as the references give it, percent-encoded"},
]  # fmt: skip


def _errors(*statuses: str) -> dict[str, Any]:
    body = {"application/json": {"schema": _ERROR}}
    return {s: {"description": _WHY[s], "content": body} for s in statuses}


def _read(
    summary: str, keys: tuple[str, ...], *, media_id: bool = False, place: bool = False
) -> dict[str, Any]:
    schema = {"type": "object", "required": list(keys)}
    names = [_MEDIA_ID] if media_id else _PLACE if place else []
    statuses = ("400", "401", "404", "431", "503") if names else ("400", "401", "431", "503")
    return {
        "get": {
            "summary": summary,
            "parameters": names + _RANGE_PARAMETERS,
            "responses": {
                "200": {
                    "description": summary,
                    "content": {"application/json": {"schema": schema}},
                },
                **_errors(*statuses),
            },
        }
    }


def _beacon(summary: str) -> dict[str, Any]:
    event = {"type": "object", "required": ["eventType"], "properties": {
        "eventType": {"type": "string"}, "mediaId": {"type": ["string", "integer"]},
        "videoId": {"type": ["string", "integer"]}, "url": {"type": "string"},
        "userId": {"type": "string"}, "sessionId": {"type": "string"},
        "referrer": {"type": "string"}, "userAgent": {"type": "string"},
        "timestamp": {"type": ["string", "number"]}, "currentTime": {"type": "number"},
        "duration": {"type": "number"}, "quality": {"type": "string"},
        "buffering": {"type": "boolean"}, "clientTimeMs": {"type": "number"},
        "transferSize": {"type": "number"}, "seekFrom": {"type": "number"},
        "device": {"type": "string"}, "country": {"type": "string"},
    }}  # fmt: skip
    body = {"oneOf": [event, {"type": "array", "items": event, "minItems": 1}]}
    accepted = {"type": "object", "required": ["accepted"],
                "properties": {"accepted": {"type": "integer", "minimum": 1}}}  # fmt: skip
    return {
        "post": {
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": body},
                    "text/plain": {"schema": {"type": "string"}},
                },
            },
            "responses": {
                "202": {
                    "description": "stored (committed)",
                    "content": {"application/json": {"schema": accepted}},
                },
                **_errors("400", "401", "404", "413", "415", "429", "431", "503"),
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, Any] = {
        MEDIA_PREFIX + path: _read(f"report {name}", REQUIRED_KEYS[name])
        for path, name in REPORT_ENDPOINTS.items()
    }
    file_path = MEDIA_PREFIX + "/{mediaId}"
    paths[file_path] = _read("one file's report", REQUIRED_KEYS["file"], media_id=True)
    paths[file_path + "/usage"] = _read(
        "one file's usage (MediaUsageData)", REQUIRED_KEYS["usage_of_file"], media_id=True
    )
    paths[file_path + "/engagement"] = _read(
        "one file's engagement (MediaEngagement)", REQUIRED_KEYS["engagement"], media_id=True
    )
    paths[PLACE_PATH] = _read(
        "one place's files (a page, a post...)", REQUIRED_KEYS["place"], place=True
    )
    paths[MEDIA_PREFIX + "/track"] = _beacon("record usage events (view, download, click, share)")
    paths[MEDIA_PREFIX + "/engagement"] = _beacon(
        "record player events (play, pause, seek, progress, complete, stop, quality_change)"
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "mediatop", "version": __version__},
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"token": []}],
        "paths": paths,
    }
