"""`mediatop report media` carries every field name of the seed's MediaAnalytics.

The names are copied here from the seed specification (SPEC.md, "Media Usage Tracking"
and the per-type interfaces) so the test needs nothing outside the repository.
"""

from __future__ import annotations

import importlib

import pytest

from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.media import media_report
from test_analytics_usage_fixtures import one_of_each_kind

MEDIA_ANALYTICS = {
    "overview": [
        "totalFiles", "totalSize", "averageFileSize", "storageUsed", "storageQuota",
        "filesUploaded", "filesDeleted",
    ],
    "usage": ["mostUsedFiles", "unusedFiles", "recentUploads", "downloadStats"],
    "performance": ["loadTimes", "bandwidthUsage", "cacheHitRate", "compressionSavings"],
    "types": ["images", "videos", "documents", "audio"],
}  # fmt: skip
MEDIA_USAGE_DATA = [
    "id", "filename", "type", "size", "usageCount", "lastUsed", "usedIn", "views",
    "downloads", "engagement",
]  # fmt: skip
MEDIA_USAGE_LOCATION = ["type", "id", "title", "url", "usage"]
MEDIA_ENGAGEMENT = ["views", "clicks", "shares", "downloads", "averageViewTime", "interactionRate"]
UNUSED_MEDIA_DATA = [
    "id", "filename", "size", "uploadedAt", "lastUsed", "potentialSavings", "riskLevel",
]  # fmt: skip
TYPE_FIELDS = {
    "images": {
        "overview": [
            "totalImages", "totalSize", "averageSize", "compressionRatio", "formatDistribution",
        ],
        "performance": [
            "averageLoadTime", "compressionSavings", "webPAdoption", "responsiveUsage",
            "lazyLoadingEffectiveness",
        ],
        "usage": ["mostViewedImages", "featuredImages", "galleryPerformance"],
        "optimization": ["oversizedImages", "unoptimizedImages", "conversionOpportunities"],
    },
    "videos": {
        "overview": [
            "totalVideos", "totalDuration", "totalSize", "averageSize", "totalViews",
            "totalWatchTime",
        ],
        "engagement": [
            "averageViewDuration", "completionRate", "dropOffPoints", "engagementHeatmap",
            "mostWatchedVideos",
        ],
        "performance": [
            "averageLoadTime", "bufferingRate", "qualityDistribution", "devicePerformance",
        ],
        "optimization": ["encodingEfficiency", "storageOptimization", "deliveryOptimization"],
    },
    "documents": {
        "overview": [
            "totalDocuments", "totalSize", "totalDownloads", "averageFileSize",
            "formatDistribution",
        ],
        "usage": ["mostDownloadedDocs", "recentUploads", "accessPatterns"],
        "performance": ["averageDownloadTime", "conversionRates", "searchability"],
    },
    # The seed names AudioAnalytics without defining it: only its presence is checked.
    "audio": {},
}  # fmt: skip


@pytest.fixture(scope="module")
def media_json(tmp_path_factory):
    store = one_of_each_kind(tmp_path_factory.mktemp("media"))
    return to_jsonable(media_report(store.ctx("30d")))


def _has(obj: dict, names: list[str], where: str) -> None:
    missing = [n for n in names if n not in obj]
    assert not missing, f"{where} lacks {missing}"


def test_top_level_blocks_carry_every_seed_field(media_json):
    for block, names in MEDIA_ANALYTICS.items():
        _has(media_json[block], names, block)


def test_usage_items_carry_every_seed_field(media_json):
    usage = media_json["usage"]
    (used,) = [u for u in usage["mostUsedFiles"] if u["filename"] == "hero.jpg"]
    _has(used, MEDIA_USAGE_DATA, "MediaUsageData")
    _has(used["usedIn"][0], MEDIA_USAGE_LOCATION, "MediaUsageLocation")
    _has(used["engagement"], MEDIA_ENGAGEMENT, "MediaEngagement")
    assert usage["unusedFiles"], "the store has an unused file"
    _has(usage["unusedFiles"][0], UNUSED_MEDIA_DATA, "UnusedMediaData")
    assert usage["recentUploads"]
    _has(usage["recentUploads"][0], ["id", "filename", "size"], "RecentUploadData")


TYPE_MODULES = [
    ("images", "mediatop.analytics.images.report"),
    ("videos", "mediatop.analytics.video.report"),
    ("documents", "mediatop.analytics.documents.report"),
    ("audio", "mediatop.analytics.audio.report"),
]


@pytest.mark.parametrize(("name", "module"), TYPE_MODULES)
def test_type_reports_carry_every_seed_field(media_json, name, module):
    importlib.import_module(module)  # fails loudly if the type module is missing
    report = media_json["types"][name]
    assert report is not None, f"types.{name} is empty"
    for block, names in TYPE_FIELDS[name].items():
        _has(report[block], names, f"types.{name}.{block}")
