"""Probe speed as a user meets it (issue 15's P3): the first scan of real media files.

    python bench/scan_probe.py [N]        (default 20000)

Builds a CMS-like tree (YYYY/MM folders, about 170 files a folder) of N copies of
sample_media's images, audio, video and PDFs under 200 KB, then times, whole processes
on a warm cache, each the best of REPEATS:
  - the reference: a bare one-process Python loop (this script run with `--loop ROOT`)
    that opens each file with Pillow, mutagen or pypdf and reads the header fields our
    probes read (scan/probe_image.py, probe_av.py, probe_document.py): an image's
    format, size, mode, frames, progressive flag and JPEG quantisation tables (an SVG's
    head and `<svg>` tag, as our probe reads it); an audio or MP4 file's duration,
    bitrate, codec, channels, sample rate and title, and an MP4's top-level atoms; a
    PDF's pages, metadata and the text of its first 3 pages. WebM, which mutagen cannot
    read, goes to MediaInfo, as in our probe. (Our probe also asks MediaInfo for an
    MP4's video stream, which mutagen does not read; the loop does not, so it is the
    stricter reference.)
  - P3: `mediatop scan ROOT --db DB` with default flags on a new store: walk, probe in
    parallel, store. Target <= 1.0x the loop.
Peak RSS of each: the largest resident set of any one process of the command (the
kernel's `ru_maxrss` of the command and its waited-for children), target <= 200 MB.
Also printed, the CPU time of each (user + system, children included): on a machine
busy with other work the wall times say little (the probe workers run at nice 10 and
yield), the CPU times still compare the work done.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from user_shell import as_a_user

P3_TARGET = 1.0  # x the bare loop
RSS_TARGET_MB = 200
REPEATS = 2
SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
MAX_SOURCE_BYTES = 200 * 1024
PROBED_SUFFIXES = {
    ".jpg", ".png", ".gif", ".webp", ".ico", ".svg",
    ".mp3", ".ogg", ".flac", ".wav", ".m4a", ".mp4", ".webm",
    ".pdf",
}  # fmt: skip
PER_FOLDER = 170


def sources() -> list[Path]:
    """sample_media's probed files under 200 KB, in a fixed order."""
    return sorted(
        path
        for path in SAMPLE_MEDIA.rglob("*")
        if path.is_file()
        and path.suffix.lower() in PROBED_SUFFIXES
        and path.stat().st_size < MAX_SOURCE_BYTES
    )


def build_tree(root: Path, count: int) -> dict[str, int]:
    """`count` copies of the sources, round robin, in YYYY/MM folders; copies per suffix."""
    files = sources()
    per_suffix: dict[str, int] = {}
    for index in range(count):
        folder_number = index // PER_FOLDER
        folder = root / str(2015 + folder_number // 12 % 12) / f"{folder_number % 12 + 1:02d}"
        if index % PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        source = files[index % len(files)]
        shutil.copyfile(source, folder / f"{source.stem}-{index}{source.suffix}")
        per_suffix[source.suffix] = per_suffix.get(source.suffix, 0) + 1
    return per_suffix


# The reference loop: run in its own process (`--loop ROOT`), so that its start-up and
# imports count as mediatop's do.


def _image_fields(path: str) -> tuple[object, ...]:
    from PIL import Image

    with Image.open(path) as image:
        tables = getattr(image, "quantization", None)
        quality = sum(tables[0]) if image.format == "JPEG" and tables else None
        info = image.info
        return (
            image.format, image.size, image.mode, getattr(image, "n_frames", 1),
            getattr(image, "is_animated", False), info.get("progressive"),
            info.get("interlace"), quality,
        )  # fmt: skip


def _svg_fields(path: str) -> tuple[object, ...]:
    with open(path, "rb") as handle:
        head = handle.read(65_536).decode("utf-8", errors="replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.IGNORECASE | re.DOTALL)
    return (re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(0)) if tag else None,)


def _mp4_atoms(path: str) -> list[bytes]:
    kinds = []
    with open(path, "rb") as handle:
        while len(header := handle.read(8)) == 8:
            size, kind = int.from_bytes(header[:4], "big"), header[4:]
            kinds.append(kind)
            if kind in (b"moov", b"mdat") or size < 8:
                break
            handle.seek(size - 8, 1)
    return kinds


def _audio_fields(path: str) -> tuple[object, ...]:
    import mutagen

    media = mutagen.File(path)
    info = media.info
    tags = media.tags
    title = tags.get("title") or tags.get("TIT2") if tags is not None else None
    fields = (
        info.length, getattr(info, "bitrate", None), getattr(info, "codec", None),
        getattr(info, "channels", None), getattr(info, "sample_rate", None), title,
    )  # fmt: skip
    return (*fields, _mp4_atoms(path)) if path.endswith(".mp4") else fields


def _container_fields(path: str) -> tuple[object, ...]:
    from pymediainfo import MediaInfo

    with open(path, "rb") as handle:
        info = MediaInfo.parse(handle)
    return tuple(
        (t.track_type, t.format, t.duration, t.width, t.height, t.bit_rate) for t in info.tracks
    )


def _pdf_fields(path: str) -> tuple[object, ...]:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    pages = len(reader.pages)
    text = [reader.pages[i].extract_text() for i in range(min(pages, 3))]
    return (pages, dict(reader.metadata or {}), any(t.strip() for t in text))


def reference_loop(root: Path) -> int:
    """Read every file's header fields in this one process; how many were read."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    readers = {".svg": _svg_fields, ".webm": _container_fields, ".pdf": _pdf_fields}
    readers.update(dict.fromkeys((".jpg", ".png", ".gif", ".webp", ".ico"), _image_fields))
    readers.update(dict.fromkeys((".mp3", ".ogg", ".flac", ".wav", ".m4a", ".mp4"), _audio_fields))
    read = 0
    for folder, _, names in os.walk(root):
        for name in names:
            fields = readers[os.path.splitext(name)[1]](os.path.join(folder, name))
            read += fields is not None
    return read


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB of its largest process, CPU seconds of it and its
    children) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def best_of(run) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """The least time, the largest peak RSS and the least CPU time of REPEATS runs."""
    results = [run() for _ in range(REPEATS)]
    return (
        min(seconds for seconds, _, _ in results),
        max(rss for _, rss, _ in results),
        min(cpu for _, _, cpu in results),
    )


def main() -> int:
    if sys.argv[1:2] == ["--loop"]:
        print(reference_loop(Path(sys.argv[2])))
        return 0
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    workdir = Path(tempfile.mkdtemp(prefix="mediatop-bench-probe-"))
    try:
        root = workdir / "uploads"
        print(f"building {count:,} media files…", file=sys.stderr)
        per_suffix = build_tree(root, count)
        for path in root.rglob("*"):  # a warm cache for both commands
            if path.is_file():
                path.read_bytes()
        loop = best_of(lambda: timed([sys.executable, __file__, "--loop", str(root)]))
        store = workdir / "probe.sqlite3"
        command = [sys.executable, "-m", "mediatop", "scan", str(root), "--db", str(store)]

        def first_scan() -> tuple[float, float, float]:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
            return timed(command)

        scan = best_of(first_scan)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    mix = ", ".join(f"{n:,} {suffix}" for suffix, n in sorted(per_suffix.items()))
    print(f"whole processes, default flags, {count:,} real media files, best of {REPEATS}")
    print(f"({mix})")
    for label, (seconds, rss, cpu), target in (
        ("bare loop (reference)", loop, None),
        ("P3 mediatop scan, first", scan, P3_TARGET),
    ):
        ratio = seconds / loop[0]
        verdict = f"target <= {target}x  {'PASS' if ratio <= target else 'FAIL'}" if target else ""
        rss_verdict = "PASS" if rss <= RSS_TARGET_MB else "FAIL"
        print(
            f"{label:<26}{seconds:8.3f} s  {ratio:5.2f}x loop  {verdict:<24}"
            f"peak RSS {rss:5.0f} MB (<= {RSS_TARGET_MB} {rss_verdict})  CPU {cpu:6.2f} s"
        )
    return 0


if __name__ == "__main__":
    as_a_user()
    sys.exit(main())
