"""Images: formats, compression, WebP/AVIF adoption, responsive and lazy use, and the
oversized, unoptimised and most viewed images, with every image opportunity ranked
(`mediatop report images`)."""

from __future__ import annotations

from mediatop.tui.screens.listing import ListScreen
from mediatop.tui.screens.subjects.columns import FILE, FORMATS, SIZE
from mediatop.tui.view import Column, Figure, ListSpec

SAVING = Column("Saving", "potentialSavings", "size", 10)


class ImagesScreen(ListScreen):
    """The images report."""

    NAME, LABEL, REPORT = "images", "Images", "images"
    # Savings are measured by the dashboard's background worker: read what is cached.
    OPTIONS = {"measure": "cached"}
    FIGURES = (
        Figure("Images", "overview.totalImages"),
        Figure("Stored", "overview.totalSize", "size"),
        Figure("Average size", "overview.averageSize", "size"),
        Figure("Compression ratio", "overview.compressionRatio", "ratio"),
        Figure("WebP/AVIF adoption", "performance.webPAdoption", "percent"),
        Figure("Measured savings", "performance.compressionSavings", "size"),
        Figure("Responsive use", "performance.responsiveUsage", "percent"),
        Figure("Lazy loading", "performance.lazyLoadingEffectiveness", "percent"),
        Figure("Average load", "performance.averageLoadTime", "ms"),
    )
    LISTS = (
        ListSpec(
            "Oversized images",
            "optimization.oversizedImages",
            (
                FILE,
                Column("Width", "originalWidth", "count", 7),
                Column("Shown at", "maxDisplayWidth", "count", 9),
                Column("Resize to", "recommendedWidth", "count", 9),
                SIZE,
                SAVING,
            ),
        ),
        ListSpec(
            "Unoptimised images",
            "optimization.unoptimizedImages",
            (
                FILE,
                Column("Format", "format", "text", 7),
                Column("Quality", "quality", "count", 7),
                Column("Best as", "bestTarget", "text", 7),
                SIZE,
                SAVING,
            ),
        ),
        ListSpec(
            "Opportunities",  # resize, format (WebP/AVIF) and unused sizes: ranked
            "optimization.conversionOpportunities",
            (
                FILE,
                Column("Type", "type", "text", 7),
                Column("From", "currentFormat", "text", 6),
                Column("To", "recommendedFormat", "text", 6),
                Column("Size", "currentSize", "size", 10),
                SAVING,
            ),
            file_key="mediaId",
        ),
        ListSpec(
            "Most viewed images",
            "usage.mostViewedImages",
            (
                FILE,
                Column("Views", "views", "count", 7),
                Column("Clicks", "clicks", "count", 7),
                Column("Engagement", "engagementRate", "percent", 10),
                SIZE,
            ),
        ),
        FORMATS,
    )
