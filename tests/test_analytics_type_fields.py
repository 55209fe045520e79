"""Every field of the seed's ImageAnalytics, VideoAnalytics and DocumentAnalytics (and the
item shapes the seed spells out) is in the JSON of `mediatop report NAME ROOT --json`.

The store is built with the real scanner and writers; the CLI reads the real clock, so
the report runs over `--range all`.
"""

from __future__ import annotations

import json
import os

import pytest

from analytics_types_support import (
    NOW_TS,
    context,
    locations,
    new_store,
    photo,
    save_image,
    scan,
    usage,
    video_events,
    views,
    write_pdf,
    write_wav,
)
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.video.report import video_engagement
from mediatop.cli import main
from mediatop.model import ProbeResult, UsageLocation, VideoEngagementEvent
from mediatop.store.connection import transaction
from mediatop.store.files import save_probes

IMAGE_ANALYTICS = {
    "overview": ["totalImages", "totalSize", "averageSize", "compressionRatio",
                 "formatDistribution"],
    "performance": ["averageLoadTime", "compressionSavings", "webPAdoption", "responsiveUsage",
                    "lazyLoadingEffectiveness"],
    "usage": ["mostViewedImages", "featuredImages", "galleryPerformance"],
    "optimization": ["oversizedImages", "unoptimizedImages", "conversionOpportunities"],
}  # fmt: skip
VIDEO_ANALYTICS = {
    "overview": ["totalVideos", "totalDuration", "totalSize", "averageSize", "totalViews",
                 "totalWatchTime"],
    "engagement": ["averageViewDuration", "completionRate", "dropOffPoints",
                   "engagementHeatmap", "mostWatchedVideos"],
    "performance": ["averageLoadTime", "bufferingRate", "qualityDistribution",
                    "devicePerformance"],
    "optimization": ["encodingEfficiency", "storageOptimization", "deliveryOptimization"],
}  # fmt: skip
DOCUMENT_ANALYTICS = {
    "overview": ["totalDocuments", "totalSize", "totalDownloads", "averageFileSize",
                 "formatDistribution"],
    "usage": ["mostDownloadedDocs", "recentUploads", "accessPatterns"],
    "performance": ["averageDownloadTime", "conversionRates", "searchability"],
}  # fmt: skip
VIDEO_ENGAGEMENT_ANALYSIS = {
    "overview": ["totalViews", "uniqueViewers", "totalWatchTime", "averageWatchTime",
                 "completionRate"],
    "engagement": ["dropOffPoints", "engagementHeatmap", "seekPatterns", "qualityPreferences"],
    "audience": ["retentionCurve", "deviceBreakdown", "geographicDistribution"],
}  # fmt: skip
DOCUMENT_SEARCHABILITY = ["totalDocuments", "searchableDocuments", "indexedDocuments",
                          "searchabilityRate", "indexingRate", "missingMetadata",
                          "recommendations"]  # fmt: skip
OPTIMIZATION_OPPORTUNITY = ["type", "mediaId", "currentSize", "recommendedSize",
                            "currentFormat", "recommendedFormat", "unusedSizes",
                            "potentialSavings", "impact"]  # fmt: skip
OVERSIZED_IMAGE_DATA = ["id", "filename", "size", "originalWidth", "originalHeight",
                        "maxDisplayWidth", "recommendedSize", "potentialSavings"]  # fmt: skip
DROP_OFF_POINT = ["time", "count", "percentage"]
ENGAGEMENT_HEATMAP = ["startTime", "endTime", "engagement", "intensity"]


def missing_fields(data: dict, spec: dict[str, list[str]]) -> list[str]:
    """'block.field' for every seed field absent from the JSON."""
    return [f"{block}.{name}" for block, names in spec.items() for name in names
            if name not in data.get(block, {})]  # fmt: skip


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fields")
    conn, settings = new_store(tmp_path)
    root = settings.root
    save_image(root, "hero.jpg", photo(1200, 800), quality=92)
    save_image(root, "hero-300x200.jpg", photo(300, 200))
    write_pdf(root / "guide.pdf", "Hello", {"Title": "Guide"})
    write_wav(root / "talk.wav", 1.0)
    (root / "clip.mp4").write_bytes(b"\0" * 4000)
    ids = scan(conn, root)
    with transaction(conn):
        save_probes(conn, [(ids["clip.mp4"], ProbeResult(
            format="MP4", duration_s=30.0, height=1080, bitrate=9_000_000, codec="h264",
            faststart=False))], NOW_TS)  # fmt: skip
    locations(conn, "t", [
        UsageLocation(b"hero.jpg", "post", "1", "featured", "t", display_width=400,
                      is_lazy=False, is_responsive=True),
        UsageLocation(b"guide.pdf", "page", "2", "attachment", "t"),
    ])  # fmt: skip
    usage(conn, views(ids["hero.jpg"], 5) + views(ids["guide.pdf"], 2, etype="download")
          + views(ids["hero.jpg"], 1, etype="click", source="track"))  # fmt: skip
    clip = ids["clip.mp4"]
    video_events(conn, [
        VideoEngagementEvent(clip, "play", 0, 30, NOW_TS - 500, session_id="a", quality="1080p",
                             device="mobile", country="NL"),
        VideoEngagementEvent(clip, "seek", 20, 30, NOW_TS - 495, session_id="a", seek_from=5),
        VideoEngagementEvent(clip, "pause", 24, 30, NOW_TS - 491, session_id="a"),
    ])  # fmt: skip
    conn.close()
    return settings, ids


def run_json(capsys, settings, name: str) -> dict:
    code = main(["report", name, str(settings.root), "--db", str(settings.db_path),
                 "--range", "all", "--json"])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize(
    "name", ["images", "videos", "documents", "audio", "duplicates", "optimization"]
)
def test_every_type_report_prints_parseable_json(library, capsys, name):
    settings, _ = library
    assert isinstance(run_json(capsys, settings, name), dict)


def test_images_json_has_every_seed_field(library, capsys):
    data = run_json(capsys, library[0], "images")

    assert missing_fields(data, IMAGE_ANALYTICS) == []
    [oversized] = data["optimization"]["oversizedImages"]
    assert [f for f in OVERSIZED_IMAGE_DATA if f not in oversized] == []
    opportunities = data["optimization"]["conversionOpportunities"]
    assert {o["type"] for o in opportunities} >= {"resize", "cleanup"}
    for opportunity in opportunities:
        assert [f for f in OPTIMIZATION_OPPORTUNITY if f not in opportunity] == []


def test_videos_json_has_every_seed_field(library, capsys):
    data = run_json(capsys, library[0], "videos")

    assert missing_fields(data, VIDEO_ANALYTICS) == []
    assert all(f in data["engagement"]["dropOffPoints"][0] for f in DROP_OFF_POINT)
    assert all(f in data["engagement"]["engagementHeatmap"][0] for f in ENGAGEMENT_HEATMAP)


def test_documents_json_has_every_seed_field(library, capsys):
    data = run_json(capsys, library[0], "documents")

    assert missing_fields(data, DOCUMENT_ANALYTICS) == []
    searchability = data["performance"]["searchability"]
    assert [f for f in DOCUMENT_SEARCHABILITY if f not in searchability] == []


def test_video_engagement_analysis_has_every_seed_field(library):
    settings, ids = library
    from mediatop.store.connection import connect

    conn = connect(settings.db_path)
    try:
        data = to_jsonable(video_engagement(context(conn, settings, "all"), ids["clip.mp4"]))
    finally:
        conn.close()

    assert missing_fields(data, VIDEO_ENGAGEMENT_ANALYSIS) == []
    assert data["overview"]["totalViews"] == 1
    assert os.fsdecode(b"clip.mp4") == data["filename"]
