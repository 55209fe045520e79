"""Labelled demo traffic for `mediatop demo`, fed through the real ingest paths.

`write_demo_inputs` writes, for the files that exist under a media root, over the last
120 days (LABELLED AS DEMO: referrers are on demo.mediatop.invalid or absent, IPs are
from the documentation ranges 192.0.2.0/24 and 198.51.100.0/24, session ids start with
"demo-", page titles end in "(demo)"):

- an access log in an nginx `log_format` (LOG_FORMAT) with `$request_time` and
  `$upstream_cache_status` and a CDN country: a pool of visitors with desktop, mobile,
  tablet and crawler user agents, Zipf-like popularity, a daily rhythm, no request for
  a file before its upload month; cache hits fast, misses slower, large files slower
  (hit rate ~80% for images, lower for video and audio); 304s, a few 404s for files
  that are gone; video/audio plays as 206 range requests bounded by the file's size;
  PDFs mostly viewed inline, some `?download=1`;
- a JSONL of tracked events: clicks and shares on images, sampled Resource Timing
  beacons (`clientTimeMs`, `transferSize`) for images, a viewer event with its timing
  for most inline PDF opens of the log, and a player session for most human plays of
  the log, within the clip's real (probed) duration: play at 0, progress, some seeks
  and quality changes, buffering, then a pause or stop at a plausible point or the end
  (sometimes followed by a share), with quality, device and country;
- a folder of HTML pages referencing the files in use (featured images, galleries,
  srcset/sizes/width/lazy,
  <video>, <audio>, document links).

Some files get no traffic at all (`_UNUSED`: old originals, a group with a generated
size, an old PDF, audio) and are referenced nowhere, so `report usage` has unused
candidates; some generated sizes of used images are never requested nor referenced
(the images report's `unusedSizes`); some files are referenced but never requested
(high-risk candidates). Deterministic per seed.

The access log is made here; the tracked events in `demo.tracked`, the pages in
`demo.pages`, both from the same `Traffic`.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.demo.labels import DEMO_HOST, HIT_RATE, PAGES
from mediatop.demo.pages import content_pages
from mediatop.demo.tracked import tracked_events
from mediatop.kinds import classify

if TYPE_CHECKING:
    import sqlite3

DAYS = 120
LOG_LINES = 25_000
DEMO_PREFIXES = ("/wp-content/uploads/",)
LOG_FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" rt=$request_time ucs=$upstream_cache_status '
    "cc=$http_cf_ipcountry"
)
# (user agent, weight, device class, client bandwidth in bytes/s)
_AGENTS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", 30, "desktop", 8e6),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", 14, "desktop", 8e6),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 22, "mobile", 2e6),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36", 16, "mobile", 2e6),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 6, "tablet", 4e6),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 5, "bot", 2e7),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 3, "bot", 2e7),
    ("curl/8.5.0", 1, "bot", 2e7),
)  # fmt: skip
_COUNTRIES = (("US", 30), ("GB", 12), ("DE", 11), ("ID", 9), ("FR", 8), ("BR", 8), ("IN", 12),
              ("JP", 6), ("CA", 4))  # fmt: skip
# UTC hour-of-day rhythm of human traffic; weekends are quieter
_HOURS = (3, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 6, 5, 4)
# Files of the bundled sample that get no traffic and no reference at all (unused
# candidates), that are referenced but never requested (high risk), and generated sizes
# of used images that nobody requests or references (`unusedSizes`).
_UNUSED = ("2024/01/office-exterior.jpg", "2024/01/team-photo-2024.jpg",
           "2025/04/product-launch-hero.jpg", "2025/04/product-launch-hero-768x512.jpg",
           "2024/11/signed-contract-scan.pdf", "2024/09/podcast-episode-11.mp3",
           "2025/01/doorbell-chime.wav", "2024/07/icon-checkmark.gif",
           "2025/02/newsletter-subscribers.csv")  # fmt: skip
_REFERENCED_IDLE = ("2024/07/customer-portrait.jpg", "2025/06/price-list-2025.docx")
_IDLE_SIZES = ("2024/03/hero-banner-300x200.jpg", "2024/05/product-shot-blue-150x150.jpg",
               "2026/03/store-opening-150x150.jpg")  # fmt: skip
# files deleted long ago that old pages and other sites still link to (404s)
_MISSING = ("2023/05/summer-sale-banner.jpg", "2023/08/team-photo-2023-1024x683.jpg",
            "2024/02/price-list-2024.pdf", "2023/11/promo-video.mp4", "2023/01/logo-old.png",
            "2024/06/webinar-slides.pdf")  # fmt: skip
_DATED = re.compile(r"^(\d{4})/(\d{2})/")


@dataclass(frozen=True)
class DemoInputs:
    """Where the generated demo inputs are, and the access log's format."""

    access_log: Path
    events_jsonl: Path
    content_dir: Path
    log_format: str = LOG_FORMAT


@dataclass(frozen=True)
class TrafficFile:
    path: str
    kind: str
    size: int
    uploaded: int  # epoch seconds: the path's upload month, else the file's mtime
    duration: float = 0.0  # seconds, for video and audio


def _media_files(root: Path, durations: Mapping[str, float] | None) -> list[TrafficFile]:
    """Every file under root, sorted, with its size, upload time and (for video and
    audio) its duration: from `durations` when given, else probed as the scanner does."""
    from mediatop.scan.probe import probe_one

    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            kind = str(classify(name)[0])
            st = full.stat()
            dated = _DATED.match(relative)
            uploaded = (
                int(datetime(int(dated[1]), int(dated[2]), 1, tzinfo=UTC).timestamp())
                if dated and 1 <= int(dated[2]) <= 12
                else int(st.st_mtime)
            )
            duration = 0.0
            if kind in ("video", "audio"):
                known = (durations or {}).get(relative)
                if known is None and durations is None:
                    known = probe_one(os.fsencode(full), kind, st.st_size).duration_s
                duration = float(known or 0.0)
            found.append(TrafficFile(relative, kind, st.st_size, uploaded, duration))
    return found


def _roles(files: list[TrafficFile], now: int) -> tuple[set[str], set[str], set[str]]:
    """(unused, referenced but idle, idle generated sizes): the bundled sample's named
    files, or for another library every 8th media file uploaded over 180 days ago."""
    present = {f.path for f in files}
    unused = set(_UNUSED) & present
    if not unused:
        old = [f.path for f in files if f.kind != "other" and f.uploaded < now - 180 * 86400]
        unused = set(old[3::8])
    return unused, set(_REFERENCED_IDLE) & present, set(_IDLE_SIZES) & present


class Traffic:
    """The generator's shared state: files, clock, visitors and the seeded rng."""

    def __init__(self, files: list[TrafficFile], now: int, rng: random.Random) -> None:
        self.rng = rng
        self.now = now
        self.start = now - DAYS * 86400
        self.unused, self.referenced_idle, self.idle_sizes = _roles(files, now)
        quiet = self.unused | self.referenced_idle | self.idle_sizes
        self.active = [f for f in files if f.path not in quiet and f.uploaded < now - 3600]
        # popularity: site-wide images first, then other images, video and PDFs, audio,
        # the rest; shuffled within a class; Zipf-like over the ranks, scaled by how much
        # of the window the file has existed
        order = {f.path: rng.random() for f in self.active}
        self.active.sort(key=lambda f: (_popularity_class(f), order[f.path]))
        self.weights = [
            (self.now - max(self.start, f.uploaded)) / (DAYS * 86400) / (rank + 1) ** 0.9
            for rank, f in enumerate(self.active)
        ]
        # human plays (video/audio) and inline PDF opens in the log, which the site's
        # player and viewer scripts also report as tracked events
        self.plays: list[tuple[int, TrafficFile, str, str]] = []
        self.opens: list[tuple[int, TrafficFile, str, str, float, bool]] = []
        countries = [c for c, _ in _COUNTRIES]
        country_weights = [w for _, w in _COUNTRIES]
        agent_weights = [a[1] for a in _AGENTS]
        self.visitors = []
        for _ in range(900):
            agent = rng.choices(_AGENTS, agent_weights)[0]
            net = "192.0.2" if rng.random() < 0.6 else "198.51.100"
            country = "US" if agent[2] == "bot" else rng.choices(countries, country_weights)[0]
            self.visitors.append((f"{net}.{rng.randrange(1, 255)}", agent, country))

    def moment(self, earliest: int) -> int:
        """A time after `earliest` in the window, following the daily and weekly rhythm."""
        low = max(self.start, earliest)
        while True:
            ts = self.rng.randrange(low, self.now)
            weekend = (ts // 86400 + 3) % 7 >= 5  # 1970-01-01 was a Thursday
            if self.rng.random() * 11 < _HOURS[ts % 86400 // 3600] * (0.7 if weekend else 1.0):
                return ts

    def log_lines(self) -> list[str]:
        rng = self.rng
        picks = rng.choices(self.active, self.weights, k=LOG_LINES) if self.active else []
        lines: list[tuple[int, str]] = []
        for f in picks:
            if len(lines) >= LOG_LINES:
                break
            ip, (agent, _, device, bandwidth), country = rng.choice(self.visitors)
            ts = self.moment(f.uploaded)
            referrer = "-" if device == "bot" or rng.random() < 0.15 else (
                f"https://{DEMO_HOST}/{rng.choice(PAGES)}/")  # fmt: skip
            url = f"/wp-content/uploads/{f.path}"
            hit = rng.random() < (HIT_RATE[f.kind] if device != "bot" else 0.35)
            if rng.random() < 0.02:  # a link to a file deleted long ago
                url = "/wp-content/uploads/" + rng.choices(_MISSING, (5, 3, 2, 2, 1, 1))[0]
                requests = [(404, 153, "MISS", 0.002)]
            elif f.kind in ("video", "audio"):
                requests = self._ranges(f, device, bandwidth, hit, agent)
                if device != "bot":
                    self.plays.append((ts, f, device, country))
            elif f.kind != "other" and rng.random() < 0.12:
                requests = [(304, 0, "HIT", 0.0005 + rng.random() * 0.001)]
            else:
                if f.path.endswith(".pdf") and rng.random() < 0.25:
                    url += "?download=1"
                elif f.path.endswith(".pdf") and device != "bot":
                    self.opens.append((ts, f, device, country, bandwidth, hit))
                requests = [(200, f.size, *self._timing(f.size, bandwidth, hit))]
            for offset, (status, nbytes, cache, seconds) in enumerate(requests):
                when = datetime.fromtimestamp(ts + offset, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
                lines.append((ts + offset,
                    f'{ip} - - [{when}] "GET {url} HTTP/1.1" {status} {nbytes} "{referrer}" '
                    f'"{agent}" rt={seconds:.3f} ucs={cache} cc={country}\n'))  # fmt: skip
        lines.sort(key=lambda item: item[0])
        return [line for _, line in lines]

    def _timing(self, nbytes: int, bandwidth: float, hit: bool) -> tuple[str, float]:
        """(cache status, $request_time in s): a hit is served from the proxy cache, a
        miss waits for the upstream first; sending the bytes takes what the client allows."""
        rng = self.rng
        send = nbytes / (bandwidth * rng.lognormvariate(0, 0.4))
        if hit:
            return "HIT", rng.lognormvariate(math.log(0.002), 0.5) + send
        upstream = rng.lognormvariate(math.log(0.035), 0.5) + nbytes / 40e6
        return ("EXPIRED" if rng.random() < 0.1 else "MISS"), upstream + send

    def _ranges(
        self, f: TrafficFile, device: str, bandwidth: float, hit: bool, agent: str
    ) -> list[tuple[int, int, str, float]]:
        """One play as a player fetches it: Safari probes 2 bytes first; a seek fetches
        the rest again from the middle. Bytes never exceed the file's size."""
        rng = self.rng
        chunks = [f.size]
        if "Safari" in agent and "Chrome" not in agent:
            chunks.insert(0, min(2, f.size))
        if rng.random() < 0.2 and device != "bot":
            chunks.append(rng.randrange(1, max(2, f.size // 2)))
        return [(206, n, *self._timing(n, bandwidth, hit)) for n in chunks]


def _popularity_class(f: TrafficFile) -> int:
    if f.kind == "image":
        return 0 if re.search(r"logo|favicon|hero|banner", f.path) else 1
    if f.kind == "video" or f.path.endswith(".pdf"):
        return 2
    return 3 if f.kind == "audio" else 4


def stored_durations(conn: sqlite3.Connection) -> dict[str, float]:
    """Relative path -> duration (s) of the video and audio files the store has probed."""
    from mediatop.store.files import get_file, path_ids

    found = {}
    for path, (media_id, kind) in path_ids(conn).items():
        if kind in ("video", "audio"):
            media = get_file(conn, media_id)
            if media is not None and media.probe.duration_s:
                found[os.fsdecode(path)] = float(media.probe.duration_s)
    return found


def write_demo_inputs(
    root: Path,
    out_dir: Path,
    now: datetime,
    seed: int = 7,
    durations: Mapping[str, float] | None = None,
) -> DemoInputs:
    """Write the demo's access log, event JSONL and content pages into out_dir.

    `durations` (relative path -> seconds) gives the clips' lengths, as the store has
    them; without it the video and audio files are probed here.
    """
    rng = random.Random(seed)
    now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    traffic = Traffic(_media_files(root, durations), int(now.timestamp()), rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "demo-access.log"
    log.write_text("".join(traffic.log_lines()), encoding="utf-8")
    events = out_dir / "demo-events.jsonl"
    events.write_text("".join(tracked_events(traffic)), encoding="utf-8")
    content = out_dir / "demo-content"
    for relative, html in content_pages(traffic).items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return DemoInputs(log, events, content)


def load_demo_inputs(conn: sqlite3.Connection, inputs: DemoInputs) -> dict[str, object]:
    """Feed demo inputs through the real paths: log ingest (in the demo's log format),
    JSONL import, usage-location scan. Returns the three summaries (as the CLI prints
    with --json)."""
    from mediatop.ingest.events.tracked import import_events
    from mediatop.ingest.locations.importer import scan_locations
    from mediatop.ingest.logs.logfile import ingest_logs

    log = ingest_logs(
        conn, [inputs.access_log], url_prefixes=DEMO_PREFIXES, log_format=inputs.log_format
    )
    events = import_events(conn, inputs.events_jsonl, url_prefixes=DEMO_PREFIXES)
    locations = scan_locations(conn, inputs.content_dir, url_prefixes=DEMO_PREFIXES)
    return {"ingest": log.as_dict(), "events": events.as_dict(), "locations": locations.as_dict()}
