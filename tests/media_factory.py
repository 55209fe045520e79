"""Real media files for tests, written with Pillow and the standard library.

Shared by the scanner, probe and face tests, so every test works on files a real tool
made rather than on mocks.
"""

from __future__ import annotations

import math
import os
import struct
import wave
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

SAMPLE_MEDIA = Path(__file__).resolve().parents[1] / "sample_media"


def photo(path: Path, width: int, height: int, *, quality: int = 85, **save: object) -> Path:
    """A photo-like JPEG/PNG/WebP/GIF (gradient and shapes, so it compresses like a photo)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        shade = int(255 * y / max(1, height))
        draw.rectangle([0, y, width, y + 3], fill=(shade, 120, 255 - shade))
    draw.ellipse([width // 4, height // 4, width // 2, height // 2], fill=(250, 200, 30))
    options = dict(save)
    if path.suffix.lower() in (".jpg", ".jpeg", ".webp"):
        options.setdefault("quality", quality)
    image.save(path, **options)
    return path


def animated_gif(path: Path, frames: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.new("RGB", (32, 32), (i * 60, 0, 0)) for i in range(frames)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)
    return path


def wav(path: Path, seconds: float = 1.0, rate: int = 8000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        samples = (
            int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))
        )
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def png_bomb(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A tiny PNG whose header claims width×height pixels (the decompression-bomb case)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (width + 1) * 4)  # a few rows; the header is what matters
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


def write_bytes_name(folder: Path, name: bytes, content: bytes = b"x") -> bytes:
    """Create a file whose name is raw bytes (may be invalid UTF-8); returns the name."""
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, content)
    finally:
        os.close(fd)
    return name


def small_served_library(root: Path) -> Path:
    """Ten one-byte images, a clip in v/ and a PDF, once: the files the ingest tests'
    generated logs ask for (their contents never matter to an access log)."""
    if not root.exists():
        (root / "v").mkdir(parents=True)
        for index in range(10):
            (root / f"img-{index}.jpg").write_bytes(b"x")
        (root / "v" / "clip.mp4").write_bytes(b"x")
        (root / "guide.pdf").write_bytes(b"x")
    return root
