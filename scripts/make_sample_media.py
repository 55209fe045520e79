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

Usage: .venv/bin/python scripts/make_sample_media.py [--out DIR]
ffmpeg must be on PATH for the audio and video files.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import wave
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "sample_media"

# Dates for the folders that are not named after a month.
TOP_LEVEL_DATES = {"logos": (2023, 6), "downloads": (2023, 10)}
FIXED_ZIP_TIME = (2023, 10, 2, 9, 30, 0)
GENERATED_SIZE = re.compile(r"(-\d+x\d+|-scaled|@2x)$")


class CannotBuild(RuntimeError):
    """The tree cannot be built; the message says why."""


class FfmpegMissing(CannotBuild):
    """ffmpeg is not installed, so audio and video cannot be made."""


class FfmpegFailed(CannotBuild):
    """ffmpeg rejected a command, e.g. because it lacks an encoder."""


class NotASampleTree(CannotBuild):
    """The output folder holds other files, which this script must not delete."""


# ---- images -----------------------------------------------------------------

Colour = tuple[int, int, int]
Scene = Callable[[tuple[int, int], np.random.Generator], Image.Image]


def rgb(values: np.ndarray) -> Colour:
    return (int(values[0]), int(values[1]), int(values[2]))


def vertical_gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    width, height = size
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    rows = np.array(top) * (1 - t) + np.array(bottom) * t
    return Image.fromarray(np.repeat(rows, width, axis=1).astype("uint8"))


def landscape(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """Sky, sun and layered hills: an outdoor photo."""
    width, height = size
    image = vertical_gradient(size, rgb(rng.uniform(70, 140, 3)), (235, 215, 190))
    draw = ImageDraw.Draw(image)
    sun_x, sun_r = rng.uniform(0.2, 0.8) * width, height * 0.08
    draw.ellipse(
        [sun_x - sun_r, height * 0.2, sun_x + sun_r, height * 0.2 + 2 * sun_r], fill=(255, 240, 200)
    )
    xs = np.linspace(0, width, 64)
    for layer in range(4):
        phase, base = rng.uniform(0, 6, 3), height * (0.45 + 0.13 * layer)
        ridge = base + height * 0.06 * sum(
            np.sin(xs / width * (k + 2) * 3 + phase[k]) for k in range(3)
        )
        shade = np.array([60, 110, 70]) * (0.6 + 0.15 * layer) + rng.uniform(-20, 20, 3)
        draw.polygon([*zip(xs, ridge, strict=True), (width, height), (0, height)], fill=rgb(shade))
    return image


def group_photo(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A wall, a floor and a row of people: an indoor team photo."""
    width, height = size
    image = vertical_gradient(size, rgb(rng.uniform(150, 210, 3)), (120, 100, 80))
    draw = ImageDraw.Draw(image)
    people = int(rng.integers(4, 8))
    for i in range(people):
        cx = width * (i + 0.5) / people + rng.uniform(-0.03, 0.03) * width
        head, top = height * rng.uniform(0.07, 0.09), height * rng.uniform(0.25, 0.35)
        draw.rounded_rectangle(
            [cx - head * 1.8, top + head * 1.8, cx + head * 1.8, height],
            radius=int(head),
            fill=rgb(rng.uniform(30, 200, 3)),
        )
        skin = np.array([225, 180, 150]) * rng.uniform(0.45, 1.0)
        draw.ellipse([cx - head, top, cx + head, top + head * 2.2], fill=rgb(skin))
    return image


def product_shot(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A studio backdrop with one object and its shadow: a shop product photo."""
    width, height = size
    image = vertical_gradient(size, (245, 245, 242), (205, 205, 200))
    draw = ImageDraw.Draw(image)
    w, h = width * 0.36, height * 0.5
    left, top = (width - w) / 2, height * 0.22
    draw.ellipse(
        [left - w * 0.1, top + h * 0.9, left + w * 1.1, top + h * 1.12], fill=(150, 150, 145)
    )
    body = np.array([40, 90, 170]) + rng.uniform(-20, 20, 3)
    draw.rounded_rectangle([left, top, left + w, top + h], radius=int(w * 0.18), fill=rgb(body))
    draw.rounded_rectangle(
        [left + w * 0.15, top + h * 0.45, left + w * 0.85, top + h * 0.85],
        radius=int(w * 0.08),
        fill=rgb(body * 0.75),
    )
    draw.ellipse(
        [left + w * 0.12, top + h * 0.06, left + w * 0.3, top + h * 0.3],
        fill=rgb(np.minimum(body + 90, 255)),
    )
    return image


def photo(scene: Scene, width: int, height: int, seed: int) -> Image.Image:
    """Render a scene small, soften it, scale it up and add grain.

    Working at a quarter size keeps big images cheap to store: the detail that
    costs JPEG bytes is the grain, which is added at a coarse scale.
    """
    rng = np.random.default_rng(seed)
    small = scene((max(width // 4, 64), max(height // 4, 64)), rng)
    small = small.filter(ImageFilter.GaussianBlur(1.2))
    grain_size = (max(width // 16, 16), max(height // 16, 16))
    grain = rng.normal(0, 5, (grain_size[1], grain_size[0], 1))
    noisy = np.asarray(small.resize(grain_size, Image.BILINEAR), dtype=float) + grain
    texture = Image.fromarray(noisy.clip(0, 255).astype("uint8")).resize(
        (width, height), Image.BICUBIC
    )
    return Image.blend(small.resize((width, height), Image.BICUBIC), texture, 0.5)


def save_jpeg(image: Image.Image, path: Path, quality: int, progressive: bool = False) -> None:
    image.save(path, "JPEG", quality=quality, progressive=progressive, optimize=progressive)


def wordpress_sizes(image: Image.Image, original: Path, sizes: list[tuple[int, int]]) -> None:
    """The resized copies WordPress writes beside an upload: name-WxH.jpg, centre-cropped."""
    for width, height in sizes:
        scale = max(width / image.width, height / image.height)
        resized = image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.LANCZOS
        )
        left, top = (resized.width - width) // 2, (resized.height - height) // 2
        cropped = resized.crop((left, top, left + width, top + height))
        save_jpeg(cropped, original.with_name(f"{original.stem}-{width}x{height}.jpg"), 82)


def scaled_copy(image: Image.Image, original: Path) -> None:
    """WordPress 5.3+ keeps a '-scaled' copy capped at 2560 px for big uploads."""
    height = round(image.height * 2560 / image.width)
    save_jpeg(
        image.resize((2560, height), Image.LANCZOS),
        original.with_name(f"{original.stem}-scaled.jpg"),
        82,
    )


def screenshot(width: int, height: int, seed: int) -> Image.Image:
    """A web page screenshot: flat UI, lines of 'text' and one embedded photo."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, 56], fill=(31, 95, 63))
    draw.rectangle([0, 56, 220, height], fill=(236, 238, 240))
    for row in range(20):
        draw.rectangle(
            [24, 80 + row * 28, 24 + int(rng.integers(80, 170)), 92 + row * 28],
            fill=(150, 155, 160),
        )
    image.paste(photo(landscape, width - 280, height // 3, seed + 1), (250, 80))
    for card in range(3):
        left = 250 + card * ((width - 280) // 3)
        top = 110 + height // 3
        draw.rounded_rectangle(
            [left, top, left + (width - 280) // 3 - 20, height - 40],
            8,
            fill="white",
            outline=(210, 212, 215),
        )
        for line in range(12):
            y = top + 24 + line * 22
            draw.rectangle(
                [left + 16, y, left + 16 + int(rng.integers(90, 260)), y + 9], fill=(60, 64, 70)
            )
    return image


def logo(scale: int) -> Image.Image:
    """The site logo on a transparent background."""
    image = Image.new("RGBA", (320 * scale, 96 * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    s = scale
    draw.polygon([(12 * s, 84 * s), (48 * s, 12 * s), (84 * s, 84 * s)], fill=(31, 95, 63, 255))
    draw.polygon([(40 * s, 84 * s), (64 * s, 40 * s), (88 * s, 84 * s)], fill=(90, 150, 110, 220))
    for i in range(7):
        draw.rounded_rectangle(
            [(104 + i * 30) * s, 30 * s, (128 + i * 30) * s, 66 * s], 6 * s, fill=(26, 26, 26, 255)
        )
    return image


def animated_banner(path: Path) -> None:
    frames = []
    for i in range(8):
        frame = Image.new("RGB", (480, 160), (232, 220, 192))
        draw = ImageDraw.Draw(frame)
        draw.rectangle([0, 0, 480, 24], fill=(31, 95, 63))
        draw.ellipse([40 + i * 40, 50, 110 + i * 40, 120], fill=(220, 80, 60))
        draw.rectangle([300, 60, 300 + i * 20, 100], fill=(31, 95, 63))
        frames.append(frame.quantize(32))
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=150, loop=0)


def spinner(path: Path) -> None:
    frames = []
    for i in range(12):
        frame = Image.new("P", (64, 64), 0)
        frame.putpalette([255, 255, 255, 31, 95, 63, 200, 200, 200])
        draw = ImageDraw.Draw(frame)
        draw.arc([8, 8, 56, 56], 0, 360, fill=2, width=6)
        draw.arc([8, 8, 56, 56], i * 30, i * 30 + 90, fill=1, width=6)
        frames.append(frame)
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=80, loop=0, transparency=0
    )


def checkmark(path: Path) -> None:
    image = Image.new("P", (48, 48), 0)
    image.putpalette([255, 255, 255, 40, 160, 90])
    ImageDraw.Draw(image).line([(10, 25), (20, 35), (38, 13)], fill=1, width=6)
    image.save(path, transparency=0)


LOGO_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320" viewBox="0 0 640 320">
  <title>Northwind Outfitters logo variations</title>
  <defs>
    <g id="mark">
      <path d="M12 84 L48 12 L84 84 Z" fill="#1F5F3F"/>
      <path d="M40 84 L64 40 L88 84 Z" fill="#5A966E" fill-opacity="0.86"/>
    </g>
  </defs>
  <!-- full colour on light -->
  <use href="#mark" x="16" y="16"/>
  <text x="120" y="72" font-family="Georgia, serif" font-size="40" fill="#1A1A1A">Northwind</text>
  <!-- reversed on dark -->
  <rect x="0" y="160" width="640" height="160" fill="#1F5F3F"/>
  <g transform="translate(16 176)" fill="#FFFFFF">
    <path d="M12 84 L48 12 L84 84 Z"/>
    <path d="M40 84 L64 40 L88 84 Z" fill-opacity="0.6"/>
  </g>
  <text x="120" y="232" font-family="Georgia, serif" font-size="40" fill="#E8DCC0">Northwind</text>
  <!-- mark only -->
  <use href="#mark" x="520" y="16"/>
</svg>
"""


def build_images_2024(out: Path) -> None:
    team = photo(group_photo, 3000, 2000, seed=11)
    save_jpeg(team, out / "2024/01/team-photo-2024.jpg", 90)
    save_jpeg(
        photo(landscape, 1200, 800, seed=12),
        out / "2024/01/office-exterior.jpg",
        82,
        progressive=True,
    )

    hero_path = out / "2024/03/hero-banner.jpg"
    hero = photo(landscape, 3600, 2400, seed=13)
    save_jpeg(hero, hero_path, 92)
    wordpress_sizes(hero, hero_path, [(300, 200), (1024, 683)])
    scaled_copy(hero, hero_path)
    animated_banner(out / "2024/03/spring-sale.gif")

    product_path = out / "2024/05/product-shot-blue.jpg"
    product = photo(product_shot, 1000, 1000, seed=14)
    save_jpeg(product, product_path, 85)
    wordpress_sizes(product, product_path, [(150, 150), (600, 600)])
    screenshot(1440, 900, seed=15).save(out / "2024/05/pricing-page-screenshot.png", optimize=True)

    save_jpeg(photo(group_photo, 800, 1000, seed=16), out / "2024/07/customer-portrait.jpg", 30)
    checkmark(out / "2024/07/icon-checkmark.gif")
    save_jpeg(photo(group_photo, 4000, 2667, seed=17), out / "2024/09/conference-keynote.jpg", 85)
    photo(landscape, 800, 600, seed=18).save(out / "2024/11/holiday-card.webp", quality=80)


def build_images_2025(out: Path) -> None:
    launch_path = out / "2025/04/product-launch-hero.jpg"
    launch = photo(landscape, 2400, 1600, seed=19)
    save_jpeg(launch, launch_path, 85, progressive=True)
    wordpress_sizes(launch, launch_path, [(768, 512)])
    screenshot(1200, 750, seed=20).save(out / "2025/04/feature-overview.webp", quality=75)
    screenshot(1280, 800, seed=21).save(out / "2025/04/app-dashboard-screenshot.png", optimize=True)

    banner_path = out / "2025/11/black-friday-banner.jpg"
    banner = photo(product_shot, 1600, 640, seed=22)
    save_jpeg(banner, banner_path, 80, progressive=True)
    wordpress_sizes(banner, banner_path, [(1024, 410)])
    save_jpeg(photo(landscape, 1200, 800, seed=23), out / "2025/11/team-offsite-2025.jpg", 80)
    spinner(out / "2025/11/loading-spinner.gif")


def build_images_2026(out: Path) -> None:
    store_path = out / "2026/03/store-opening.jpg"
    store = photo(group_photo, 1200, 800, seed=24)
    save_jpeg(store, store_path, 82)
    wordpress_sizes(store, store_path, [(150, 150)])

    autumn_path = out / "2026/10/autumn-collection.jpg"
    autumn = photo(product_shot, 2048, 1365, seed=25)
    save_jpeg(autumn, autumn_path, 85)
    wordpress_sizes(autumn, autumn_path, [(1536, 1024)])
    screenshot(960, 600, seed=26).save(out / "2026/10/size-chart.png", optimize=True)
    # The same team photo uploaded again, byte for byte, and later as an edited copy.
    shutil.copyfile(out / "2024/01/team-photo-2024.jpg", out / "2026/10/team-photo-2024.jpg")
    with Image.open(out / "2024/01/team-photo-2024.jpg") as team:
        edited = team.resize((1600, 1067), Image.LANCZOS)
    save_jpeg(edited, out / "2026/11/team-photo-2024-edited.jpg", 80)

    winter_path = out / "2026/11/winter-campaign-hero.jpg"
    winter = photo(landscape, 3200, 2133, seed=27)
    save_jpeg(winter, winter_path, 90)
    wordpress_sizes(winter, winter_path, [(300, 200)])
    photo(product_shot, 600, 400, seed=28).save(out / "2026/11/gift-card.webp", quality=80)


def build_logos(out: Path) -> None:
    (out / "logos/logo-variations.svg").write_text(LOGO_SVG)
    logo(1).save(out / "logos/site-logo.png", optimize=True)
    logo(2).save(out / "logos/site-logo@2x.png", optimize=True)
    logo(1).resize((32, 32), Image.LANCZOS).save(
        out / "logos/favicon.ico", sizes=[(32, 32), (16, 16)]
    )


def build_images(out: Path) -> None:
    build_logos(out)
    build_images_2024(out)
    build_images_2025(out)
    build_images_2026(out)


# ---- documents --------------------------------------------------------------

Page = tuple[str, list[str]]


def pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def page_stream(heading: str, lines: list[str]) -> bytes:
    """PDF drawing operators for one page: a heading, a rule and body text."""
    body = " T* ".join(f"({pdf_escape(line)}) Tj" for line in lines)
    return (
        f"BT /F2 20 Tf 72 740 Td ({pdf_escape(heading)}) Tj ET\n"
        f"0.12 0.37 0.25 RG 2 w 72 728 m 540 728 l S\n"
        f"BT /F1 11 Tf 15 TL 72 700 Td {body} ET\n"
    ).encode("latin-1")


def write_text_pdf(path: Path, pages: list[Page], info: dict[str, str] | None) -> None:
    """A minimal valid PDF with real text on each page, written by hand."""
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    kids = []
    for heading, lines in pages:
        stream = page_stream(heading, lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % len(objects)
        )
        kids.append(f"{len(objects)} 0 R")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    if info:
        entries = " ".join(f"/{key} ({pdf_escape(value)})" for key, value in info.items())
        objects.append(f"<< {entries} >>".encode("latin-1"))

    data = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = f" /Info {len(objects)} 0 R" if info else ""
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info_ref} >>\n".encode()
    data += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(data))


USER_GUIDE: list[Page] = [
    (
        "Northwind Trail Backpack: User Guide",
        [
            "Thank you for choosing the Northwind Trail Backpack.",
            "This guide covers fitting, packing and caring for your pack.",
            "",
            "1. Fitting the harness",
            "Loosen all straps, load the pack with about 8 kg and put it on.",
            "Tighten the hip belt so it sits on your hip bones, then the shoulder",
            "straps, then the load lifters until they run at about 45 degrees.",
        ],
    ),
    (
        "Packing",
        [
            "Heavy items go close to your back and between your shoulder blades.",
            "Keep rain gear and snacks in the lid pocket for quick access.",
            "The side pockets take a 1 litre bottle each.",
        ],
    ),
    (
        "Care and warranty",
        [
            "Hand wash in lukewarm water with mild soap and air dry in the shade.",
            "Never machine wash or tumble dry the pack.",
            "Northwind repairs manufacturing faults free of charge for 10 years.",
        ],
    ),
]

ANNUAL_REPORT: list[Page] = [
    (
        "Annual Report 2024",
        [
            "Revenue grew 18 percent to 4.2 million, led by online sales.",
            "We opened a repair workshop and mended 3,100 items for customers.",
        ],
    ),
    (
        "Outlook",
        [
            "In 2025 we will launch the rain shell line and a second warehouse.",
        ],
    ),
]

GIFT_GUIDE: list[Page] = [
    (
        "Gift Guide 2025",
        [
            "Under 20: camp mug, enamel pin set, trail snacks sampler.",
            "Under 100: trail backpack, merino beanie, headlamp.",
        ],
    ),
    ("For the whole family", ["Gift cards from 10 to 500, delivered by email."]),
]


SPRING_LOOKBOOK: list[Page] = [
    (
        "Spring Lookbook 2026",
        ["Light layers for long days: linen shirts, shell jackets, canvas totes."],
    ),
    ("Colours", ["Forest, sand and ink, plus a limited run in sunrise orange."]),
]


def scanned_page() -> Image.Image:
    """A greyscale 'scan' of a signed page: no text layer, only pixels."""
    rng = np.random.default_rng(31)
    page = Image.new("L", (850, 1100), 246)
    draw = ImageDraw.Draw(page)
    draw.rectangle([90, 90, 420, 112], fill=40)
    for row in range(30):
        y = 160 + row * 26
        draw.rectangle(
            [90, y, 90 + int(rng.integers(400, 670)), y + 8], fill=int(rng.integers(50, 90))
        )
    xs = np.linspace(520, 740, 40)
    draw.line([*zip(xs, 1000 + 18 * np.sin(xs / 9), strict=True)], fill=30, width=3)
    noisy = np.asarray(page, dtype=float) + rng.normal(0, 6, (1100, 850))
    return Image.fromarray(noisy.clip(0, 255).astype("uint8")).rotate(0.6, fillcolor=246)


def write_scanned_pdf(path: Path) -> None:
    fixed = time.struct_time((2024, 11, 14, 10, 5, 0, 3, 319, 0))
    scanned_page().save(path, "PDF", resolution=100.0, title="", creationDate=fixed, modDate=fixed)


OOXML = "http://schemas.openxmlformats.org"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DOCX_CONTENT_TYPES = f"""{XML_DECLARATION}<Types xmlns="{OOXML}/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml"
 ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""
DOCX_RELATIONSHIPS = f"""{XML_DECLARATION}<Relationships xmlns="{OOXML}/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="{OOXML}/officeDocument/2006/relationships/officeDocument"/>
<Relationship Id="rId2" Target="docProps/core.xml"
 Type="{OOXML}/package/2006/relationships/metadata/core-properties"/>
</Relationships>"""


def write_docx(path: Path, title: str, paragraphs: list[str]) -> None:
    """A minimal Word document that Word and LibreOffice open."""
    core = (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="{OOXML}/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>Northwind Outfitters</dc:creator>"
        "</cp:coreProperties>"
    )
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        f'{XML_DECLARATION}<w:document xmlns:w="{OOXML}/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": DOCX_CONTENT_TYPES,
        "_rels/.rels": DOCX_RELATIONSHIPS,
        "docProps/core.xml": core,
        "word/document.xml": document,
    }
    write_zip(path, {name: text.encode() for name, text in parts.items()})


def write_chime_wav(path: Path) -> None:
    """A two-note doorbell chime, 16 kHz mono 16-bit PCM, via the wave module."""
    rate = 16000
    t = np.arange(int(rate * 1.6)) / rate
    ding = np.sin(2 * np.pi * 659.25 * t) * np.exp(-3 * t)
    dong = np.sin(2 * np.pi * 523.25 * (t - 0.6)) * np.exp(-3 * (t - 0.6)) * (t >= 0.6)
    samples = (0.4 * 32767 * (ding + dong)).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def build_documents(out: Path) -> None:
    write_text_pdf(
        out / "2024/05/user-guide.pdf",
        USER_GUIDE,
        {
            "Title": "Northwind Trail Backpack - User Guide",
            "Author": "Northwind Outfitters",
            "Subject": "Fitting, packing and care instructions",
            "Creator": "Northwind docs team",
        },
    )
    write_text_pdf(out / "2024/11/annual-report-2024.pdf", ANNUAL_REPORT, None)
    write_text_pdf(
        out / "2026/03/spring-lookbook.pdf",
        SPRING_LOOKBOOK,
        {"Title": "Spring Lookbook 2026", "Author": "Northwind Outfitters"},
    )
    write_text_pdf(
        out / "2025/11/gift-guide-2025.pdf",
        GIFT_GUIDE,
        {
            "Title": "Gift Guide 2025",
            "Author": "Northwind Outfitters",
        },
    )
    write_scanned_pdf(out / "2024/11/signed-contract-scan.pdf")
    write_docx(
        out / "2025/06/price-list-2025.docx",
        "Price list 2025",
        [
            "Northwind Outfitters - wholesale price list 2025",
            "Trail backpack: 54.00",
            "Camp mug: 7.90",
            "Rain shell: 78.00",
        ],
    )
    subscribers = ["email,name,subscribed_at"] + [
        f"reader{i:02d}@example.com,Reader {i},2025-02-{i + 1:02d}" for i in range(1, 21)
    ]
    (out / "2025/02/newsletter-subscribers.csv").write_text("\n".join(subscribers) + "\n")
    (out / "2025/06/release-notes.txt").write_text(
        "Shop release notes, June 2025\n\n"
        "- Faster product pages: images now served as WebP where supported.\n"
        "- New size guide on every product page.\n"
    )


# ---- audio and video ---------------------------------------------------------


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly with bit-exact output, raising with its stderr on failure."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FfmpegFailed(f"ffmpeg failed: {' '.join(command)}\n{result.stderr}")


def chord(frequencies: list[float], seconds: float, rate: int = 22050) -> str:
    """An aevalsrc source: a soft chord that fades in and out."""
    voices = "+".join(f"sin(2*PI*{f}*t)" for f in frequencies)
    envelope = f"min(1,t*4)*min(1,({seconds}-t)*2)"
    gain = 0.6 / len(frequencies)
    # Quoted because the expression's commas would otherwise split the filter arguments.
    return f"aevalsrc='{gain:.3f}*{envelope}*({voices})':s={rate}:d={seconds}"


def tag_args(tags: dict[str, str]) -> list[str]:
    return [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]


BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-flags:v", "+bitexact"]


def make_audio(path: Path, source: str, codec: list[str], tags: dict[str, str]) -> None:
    ffmpeg("-f", "lavfi", "-i", source, "-ac", "1", *codec, *tag_args(tags), *BITEXACT, str(path))


def make_video(path: Path, picture: str, tone: str, codec: list[str]) -> None:
    inputs = ["-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone, "-shortest"]
    # One thread keeps the encoders' output identical from run to run.
    ffmpeg(*inputs, "-threads", "1", *codec, *BITEXACT, str(path))


def build_audio(out: Path) -> None:
    make_audio(
        out / "2024/07/testimonial-audio.mp3",
        chord([220, 277.18, 329.63], 5),
        ["-c:a", "libmp3lame", "-b:a", "32k"],
        {"title": "Customer testimonial: Priya S.", "artist": "Northwind Outfitters"},
    )
    make_audio(
        out / "2024/09/podcast-episode-11.mp3",
        chord([196, 246.94], 8),
        ["-c:a", "libmp3lame", "-b:a", "24k"],
        {},
    )
    make_audio(
        out / "2025/01/podcast-episode-12.mp3",
        chord([174.61, 220, 261.63], 12),
        ["-c:a", "libmp3lame", "-b:a", "24k"],
        {
            "title": "Episode 12: Cleaning up your media library",
            "artist": "The Northwind Podcast",
            "album": "The Northwind Podcast",
            "track": "12",
            "genre": "Podcast",
            "date": "2025",
        },
    )
    make_audio(
        out / "2025/01/intro-jingle.ogg",
        chord([261.63, 329.63, 392], 4),
        ["-c:a", "libvorbis", "-q:a", "0"],
        {"title": "Intro jingle", "artist": "Northwind Studio"},
    )
    make_audio(
        out / "2025/01/ambient-loop.flac",
        chord([110, 164.81], 3, rate=16000),
        ["-c:a", "flac", "-sample_fmt", "s16", "-compression_level", "8"],
        {"title": "Ambient loop", "artist": "Northwind Studio"},
    )
    make_audio(
        out / "2025/02/interview-snippet.m4a",
        chord([146.83, 185, 220], 6),
        ["-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart"],
        {"title": "Interview with our founder", "artist": "Northwind Outfitters"},
    )
    write_chime_wav(out / "2025/01/doorbell-chime.wav")
    make_audio(
        out / "2026/10/webinar-recording.mp3",
        chord([130.81, 164.81, 196], 20, rate=16000),
        ["-c:a", "libmp3lame", "-b:a", "16k"],
        {"title": "Webinar: caring for waxed cotton", "artist": "Northwind Outfitters"},
    )


def build_video(out: Path) -> None:
    h264 = ["-c:v", "libx264", "-preset", "slow", "-crf", "38", "-pix_fmt", "yuv420p"]
    aac = ["-c:a", "aac", "-b:a", "32k", "-ac", "1"]
    make_video(
        out / "2024/03/product-demo.mp4",
        "testsrc2=size=640x360:rate=24:duration=6",
        chord([220, 330], 6, rate=44100),
        [*h264, *aac, "-movflags", "+faststart"],
    )
    # Without +faststart the moov atom is written after the media data.
    make_video(
        out / "2025/02/office-tour.mp4",
        "smptebars=size=320x180:rate=24:duration=5",
        chord([261.63], 5, rate=44100),
        [*h264, *aac],
    )
    make_video(
        out / "2024/07/testimonial-clip.webm",
        "testsrc2=size=320x180:rate=24:duration=4",
        chord([293.66, 369.99], 4, rate=48000),
        [
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "120k",
            "-deadline",
            "good",
            "-cpu-used",
            "4",
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
            "-ac",
            "1",
        ],
    )
    make_video(
        out / "2025/06/how-to-upload.webm",
        "smptebars=size=320x180:rate=24:duration=3",
        chord([329.63], 3, rate=44100),
        ["-c:v", "libvpx", "-b:v", "100k", "-c:a", "libvorbis", "-q:a", "0", "-ac", "1"],
    )


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip whose entries carry a fixed timestamp so rebuilds are identical."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), data, zipfile.ZIP_DEFLATED)


def build_other(out: Path) -> None:
    downloads = out / "downloads"
    write_zip(
        downloads / "brand-assets.zip",
        {
            "brand-assets/logo-variations.svg": (out / "logos/logo-variations.svg").read_bytes(),
            "brand-assets/site-logo@2x.png": (out / "logos/site-logo@2x.png").read_bytes(),
            "brand-assets/colours.txt": b"Forest #1F5F3F\nSand #E8DCC0\nInk #1A1A1A\n",
        },
    )
    feed = {
        "generated": "2023-10-02T09:30:00Z",
        "products": [
            {"sku": f"NW-{100 + i}", "name": name, "price": price, "image": image}
            for i, (name, price, image) in enumerate(
                [
                    ("Trail backpack", 89.0, "/wp-content/uploads/2024/05/product-shot-blue.jpg"),
                    ("Camp mug", 14.5, "/wp-content/uploads/2024/03/hero-banner-300x200.jpg"),
                    ("Rain shell", 129.0, "/wp-content/uploads/2025/04/product-launch-hero.jpg"),
                ]
            )
        ],
    }
    (downloads / "product-feed.json").write_text(json.dumps(feed, indent=2) + "\n")
    (downloads / "readme.txt").write_text(
        "Northwind Outfitters downloads\n\n"
        "brand-assets.zip   logos and colours for press use\n"
        "product-feed.json  nightly product feed for partners\n"
    )


def upload_time(folder: Path, index: int) -> float:
    """A plausible time for the index-th upload in a year/month folder (UTC)."""
    top = folder.parts[0]
    year, month = (int(top), int(folder.parts[1])) if top.isdigit() else TOP_LEVEL_DATES[top]
    day = min(2 + 3 * index, 28)
    return calendar.timegm((year, month, day, 9 + index % 8, 17 * index % 60, 0))


def upload_name(path: Path) -> str:
    """The upload a file belongs to: generated sizes share their original's name."""
    return GENERATED_SIZE.sub("", path.stem)


def stamp_upload_dates(out: Path) -> None:
    """Give each upload its own day in its folder; its generated sizes share that time."""
    for folder in sorted({p.parent for p in out.rglob("*") if p.is_file()}):
        uploads: dict[str, list[Path]] = {}
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            uploads.setdefault(upload_name(path), []).append(path)
        for index, files in enumerate(uploads.values()):
            stamp = upload_time(folder.relative_to(out), index)
            for path in files:
                os.utime(path, (stamp, stamp))


def dates_manifest(out: Path) -> Path:
    """Where the upload dates of `out` are kept: beside it, so the tree holds only media."""
    return out.with_name(f"{out.name}.dates.json")


def write_dates_manifest(out: Path) -> None:
    """Record every file's upload date: git does not keep mtimes, and `mediatop demo`
    restores them from this file so a fresh clone shows the same upload history."""
    dates = {
        path.relative_to(out).as_posix(): int(path.stat().st_mtime)
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }
    dates_manifest(out).write_text(json.dumps(dates, indent=1, sort_keys=True) + "\n")


def is_sample_tree(out: Path) -> bool:
    """Whether every entry in `out` is a folder this script makes, so clearing it is safe."""
    return all(
        child.is_dir() and (child.name.isdigit() or child.name in TOP_LEVEL_DATES)
        for child in out.iterdir()
    )


def clear(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not is_sample_tree(out):
        raise NotASampleTree(f"{out} holds files this script did not make; refusing to delete them")
    for child in out.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def make_folders(out: Path) -> None:
    months = ["2024/01", "2024/03", "2024/05", "2024/07", "2024/09", "2024/11"]
    months += ["2025/01", "2025/02", "2025/04", "2025/06", "2025/11"]
    months += ["2026/03", "2026/10", "2026/11"]
    for folder in [*months, *TOP_LEVEL_DATES]:
        (out / folder).mkdir(parents=True)


def build(out: Path) -> None:
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
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


if __name__ == "__main__":
    sys.exit(main())
