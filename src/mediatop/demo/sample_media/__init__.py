"""Regenerate sample_media/, the small demo media library committed with mediatop.

The tree looks like a WordPress uploads folder: year/month folders plus a few
top-level ones. Everything is synthetic and built from fixed seeds, so a rebuild
gives the same files (byte-identical with the same Pillow and ffmpeg versions).
The whole tree stays under 5 MB. It is for the demo and smoke tests; unit tests
build their own fixtures.

Contents, by folder (60 files, about 3.4 MB):

    logos/      logo-variations.svg (hand-written), site-logo.png (RGBA),
                site-logo@2x.png, favicon.ico
    downloads/  brand-assets.zip, product-feed.json, readme.txt
    2024/01     team-photo-2024.jpg (3000 px, q90), office-exterior.jpg (progressive)
    2024/03     hero-banner.jpg (3600 px, q92) with WordPress sizes -300x200,
                -1024x683 and -scaled (2560 px); product-demo.mp4 (H.264/AAC,
                faststart); spring-sale.gif (animated)
    2024/05     product-shot-blue.jpg with -150x150 and -600x600;
                pricing-page-screenshot.png (would be far smaller as WebP);
                user-guide.pdf (text layer, title/author/subject, 3 pages)
    2024/07     testimonial-audio.mp3 (tagged), testimonial-clip.webm (VP9/Opus),
                customer-portrait.jpg (quality 30), icon-checkmark.gif (static)
    2024/09     conference-keynote.jpg (4000 px), podcast-episode-11.mp3 (untagged)
    2024/11     annual-report-2024.pdf (text, no metadata), signed-contract-scan.pdf
                (image only, no text layer), holiday-card.webp
    2025/01     podcast-episode-12.mp3 (tagged), intro-jingle.ogg (Vorbis, tagged),
                ambient-loop.flac (tagged), doorbell-chime.wav
    2025/02     interview-snippet.m4a (AAC, tagged), office-tour.mp4 (moov atom at
                the end), newsletter-subscribers.csv
    2025/04     product-launch-hero.jpg (2400 px, progressive) with -768x512,
                feature-overview.webp, app-dashboard-screenshot.png
    2025/06     price-list-2025.docx, release-notes.txt, how-to-upload.webm (VP8/Vorbis)
    2025/11     black-friday-banner.jpg with -1024x410, team-offsite-2025.jpg,
                loading-spinner.gif (animated), gift-guide-2025.pdf
    2026/03     store-opening.jpg with -150x150, spring-lookbook.pdf
    2026/10     autumn-collection.jpg with -1536x1024, size-chart.png,
                webinar-recording.mp3, team-photo-2024.jpg (exact duplicate of
                the 2024/01 file)
    2026/11     winter-campaign-hero.jpg (3200 px) with -300x200, gift-card.webp,
                team-photo-2024-edited.jpg (resized re-encode: a near duplicate)

File mtimes are set to dates inside each file's year/month folder (git does not
keep them, so nothing may rely on them).

Usage: .venv/bin/python -m mediatop.demo.sample_media [--out DIR] (or the same
through scripts/make_sample_media.py). ffmpeg must be on PATH for the audio and video.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from mediatop.demo import bundled_sample_media
from mediatop.demo.sample_media.audio_video import build_audio, build_video
from mediatop.demo.sample_media.common import CannotBuild, FfmpegMissing
from mediatop.demo.sample_media.documents import build_documents
from mediatop.demo.sample_media.images import build_images
from mediatop.demo.sample_media.tree import (
    build_other,
    clear,
    make_folders,
    stamp_upload_dates,
    write_dates_manifest,
)

__all__ = ["CannotBuild", "build", "main"]


def build(out: Path) -> None:
    """Make the whole tree in `out` (emptied first, if it is a sample tree) and its
    dates manifest beside it."""
    if shutil.which("ffmpeg") is None:
        raise FfmpegMissing("ffmpeg not found on PATH; install it (e.g. apt-get install ffmpeg)")
    clear(out)
    make_folders(out)
    build_images(out)
    build_documents(out)
    build_audio(out)
    build_video(out)
    build_other(out)
    stamp_upload_dates(out)
    write_dates_manifest(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make_sample_media", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=bundled_sample_media(), help="output folder")
    out = parser.parse_args(argv).out.resolve()
    try:
        build(out)
    except CannotBuild as error:
        print(f"make_sample_media: {error}", file=sys.stderr)
        return 1
    files = [p for p in out.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files, {total:,} bytes, to {out}", file=sys.stderr)
    return 0
