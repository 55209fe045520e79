"""The sample library's images: synthetic photos, screenshots, logos and GIFs from
fixed seeds, with the resized copies WordPress writes beside an upload."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

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
    noisy = (
        np.asarray(small.resize(grain_size, Image.Resampling.BILINEAR), dtype=np.float64) + grain
    )
    texture = Image.fromarray(noisy.clip(0, 255).astype("uint8")).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    return Image.blend(small.resize((width, height), Image.Resampling.BICUBIC), texture, 0.5)


def save_jpeg(image: Image.Image, path: Path, quality: int, progressive: bool = False) -> None:
    image.save(path, "JPEG", quality=quality, progressive=progressive, optimize=progressive)


def wordpress_sizes(image: Image.Image, original: Path, sizes: list[tuple[int, int]]) -> None:
    """The resized copies WordPress writes beside an upload: name-WxH.jpg, centre-cropped."""
    for width, height in sizes:
        scale = max(width / image.width, height / image.height)
        resized = image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
        )
        left, top = (resized.width - width) // 2, (resized.height - height) // 2
        cropped = resized.crop((left, top, left + width, top + height))
        save_jpeg(cropped, original.with_name(f"{original.stem}-{width}x{height}.jpg"), 82)


def scaled_copy(image: Image.Image, original: Path) -> None:
    """WordPress 5.3+ keeps a '-scaled' copy capped at 2560 px for big uploads."""
    height = round(image.height * 2560 / image.width)
    save_jpeg(
        image.resize((2560, height), Image.Resampling.LANCZOS),
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
        edited = team.resize((1600, 1067), Image.Resampling.LANCZOS)
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
    logo(1).resize((32, 32), Image.Resampling.LANCZOS).save(
        out / "logos/favicon.ico", sizes=[(32, 32), (16, 16)]
    )


def build_images(out: Path) -> None:
    build_logos(out)
    build_images_2024(out)
    build_images_2025(out)
    build_images_2026(out)
