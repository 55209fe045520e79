"""The sample library's audio and video: soft chords and test pictures made by ffmpeg
with bit-exact flags, and one WAV written with the wave module."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from mediatop.demo.sample_media.common import FfmpegFailed


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
