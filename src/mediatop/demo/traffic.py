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
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.kinds import classify

if TYPE_CHECKING:
    import sqlite3

DAYS = 120
LOG_LINES = 25_000
DEMO_HOST = "demo.mediatop.invalid"
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
_PAGES = ("spring-sale", "about-us", "product-tour", "annual-report", "team", "podcast",
          "holiday-gifts", "customer-stories")  # fmt: skip
_COUNTRIES = (("US", 30), ("GB", 12), ("DE", 11), ("ID", 9), ("FR", 8), ("BR", 8), ("IN", 12),
              ("JP", 6), ("CA", 4))  # fmt: skip
# UTC hour-of-day rhythm of human traffic; weekends are quieter
_HOURS = (3, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 9, 10, 11, 11, 11, 11, 10, 9, 8, 7, 6, 5, 4)
# cache hit probability per kind (the rest are MISS, a few EXPIRED)
_HIT_RATE = {"image": 0.8, "document": 0.65, "video": 0.35, "audio": 0.45, "other": 0.7}
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
_SIZE_SUFFIX = re.compile(r"-(\d+x\d+|scaled)$|@\dx$")


@dataclass(frozen=True)
class DemoInputs:
    """Where the generated demo inputs are, and the access log's format."""

    access_log: Path
    events_jsonl: Path
    content_dir: Path
    log_format: str = LOG_FORMAT


@dataclass(frozen=True)
class _File:
    path: str
    kind: str
    size: int
    uploaded: int  # epoch seconds: the path's upload month, else the file's mtime
    duration: float = 0.0  # seconds, for video and audio


def _media_files(root: Path, durations: Mapping[str, float] | None) -> list[_File]:
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
            found.append(_File(relative, kind, st.st_size, uploaded, duration))
    return found


def _roles(files: list[_File], now: int) -> tuple[set[str], set[str], set[str]]:
    """(unused, referenced but idle, idle generated sizes): the bundled sample's named
    files, or for another library every 8th media file uploaded over 180 days ago."""
    present = {f.path for f in files}
    unused = set(_UNUSED) & present
    if not unused:
        old = [f.path for f in files if f.kind != "other" and f.uploaded < now - 180 * 86400]
        unused = set(old[3::8])
    return unused, set(_REFERENCED_IDLE) & present, set(_IDLE_SIZES) & present


class _Traffic:
    """The generator's shared state: files, clock, visitors and the seeded rng."""

    def __init__(self, files: list[_File], now: int, rng: random.Random) -> None:
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
        self.plays: list[tuple[int, _File, str, str]] = []
        self.opens: list[tuple[int, _File, str, str, float, bool]] = []
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
                f"https://{DEMO_HOST}/{rng.choice(_PAGES)}/")  # fmt: skip
            url = f"/wp-content/uploads/{f.path}"
            hit = rng.random() < (_HIT_RATE[f.kind] if device != "bot" else 0.35)
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
        self, f: _File, device: str, bandwidth: float, hit: bool, agent: str
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

    def events(self) -> list[str]:
        rng = self.rng
        events: list[dict[str, object]] = []
        images = [f for f in self.active if f.kind == "image"][:14]
        for _ in range(600 if images else 0):
            f = rng.choice(images)
            _, agent, country = rng.choice(self.visitors[:600])
            events.append({"media": f.path, "eventType": rng.choice(("click", "click", "share")),
                           "timestamp": self.moment(f.uploaded), "device": agent[2],
                           "sessionId": f"demo-{rng.randrange(400)}", "country": country,
                           "referrer": f"https://{DEMO_HOST}/{rng.choice(_PAGES)}/"})  # fmt: skip
        events.extend(self._beacons())
        for ts, f, device, country, bandwidth, hit in self.opens:
            if rng.random() < 0.9:  # some visitors block the viewer's script
                seconds = self._client_seconds(f, device, bandwidth, hit)
                events.append({"media": f.path, "eventType": "view", "timestamp": ts,
                               "clientTimeMs": round(seconds * 1000, 1), "device": device,
                               "transferSize": f.size + 300, "country": country,
                               "sessionId": f"demo-viewer-{len(events)}"})  # fmt: skip
        for ts, f, device, country in self.plays:
            if f.duration > 0 and rng.random() < 0.85:
                events.extend(self._session(f, len(events), ts, device, country))
        events.sort(key=lambda e: int(e["timestamp"]))  # type: ignore[call-overload]
        return [json.dumps(e) + "\n" for e in events]

    def _beacons(self) -> list[dict[str, object]]:
        """Resource Timing beacons (what the visitor waited) for images,
        sampled: the site's script reports one page view in twenty."""
        rng = self.rng
        seen = [(f, w) for f, w in zip(self.active, self.weights, strict=True)
                if f.kind == "image"]  # fmt: skip
        out: list[dict[str, object]] = []
        for f in rng.choices([f for f, _ in seen], [w for _, w in seen], k=1500) if seen else []:
            _, (_, _, device, bandwidth), country = rng.choice(self.visitors[:600])
            if device == "bot":
                continue
            cached = rng.random() < 0.2  # from the browser's cache: nothing transferred
            seconds = (
                rng.uniform(0.001, 0.008) if cached else
                self._client_seconds(f, device, bandwidth, rng.random() < _HIT_RATE[f.kind])
            )  # fmt: skip
            out.append({"media": f.path, "eventType": "view", "timestamp": self.moment(f.uploaded),
                        "clientTimeMs": round(seconds * 1000, 1), "device": device,
                        "transferSize": 0 if cached else f.size + 300, "country": country,
                        "sessionId": f"demo-rt-{rng.randrange(2000)}",
                        "referrer": f"https://{DEMO_HOST}/{rng.choice(_PAGES)}/"})  # fmt: skip
        return out

    def _client_seconds(self, f: _File, device: str, bandwidth: float, hit: bool) -> float:
        """What the visitor waited (Resource Timing `duration`): a round trip, the
        transfer, and the upstream fetch on a cache miss."""
        rng = self.rng
        rtt = {"mobile": 0.09, "tablet": 0.05}.get(device, 0.03)
        seconds = rtt * rng.lognormvariate(0, 0.3) + f.size / (
            bandwidth * rng.lognormvariate(0, 0.4)
        )
        return seconds + (0 if hit else rng.lognormvariate(math.log(0.12), 0.5))

    def _session(
        self, f: _File, serial: int, ts: int, device: str, country: str
    ) -> list[dict[str, object]]:
        """One player session within the clip: play at 0, progress about every quarter,
        maybe a seek or a quality change, then a pause, a stop or the end."""
        rng = self.rng
        length = f.duration
        quality = rng.choice(("360p", "480p", "720p") if device == "mobile" else ("720p", "1080p"))
        common = {"media": f.path, "sessionId": f"demo-player-{serial}", "duration": length,
                  "device": device, "country": country}  # fmt: skip
        out: list[dict[str, object]] = [
            {**common, "eventType": "play", "currentTime": 0, "timestamp": ts, "quality": quality}
        ]
        roll = rng.random()
        end = length if roll < 0.55 else _tenth(length * rng.uniform(0.1, 0.9))
        final = "complete" if end >= length else ("pause" if roll < 0.85 else "stop")
        step = max(1.0, length / 4)
        position = 0.0
        while position + step < end:
            if rng.random() < 0.12 and position > 0:
                target = _tenth(min(end, position + rng.uniform(0.2, 0.4) * length) if
                                rng.random() < 0.6 else rng.uniform(0, position))  # fmt: skip
                ts += 1
                out.append({**common, "eventType": "seek", "currentTime": target,
                            "seekFrom": position, "timestamp": ts, "quality": quality})  # fmt: skip
                position = target
                continue
            if rng.random() < 0.05:
                quality = "480p" if quality != "480p" else "720p"
                out.append({**common, "eventType": "quality_change", "currentTime": position,
                            "timestamp": ts, "quality": quality})  # fmt: skip
            position = _tenth(position + step)
            ts += math.ceil(step)
            buffering = rng.random() < (0.12 if device == "mobile" else 0.04)
            out.append({**common, "eventType": "progress", "currentTime": position,
                        "timestamp": ts, "quality": quality, "buffering": buffering})  # fmt: skip
        ts += max(1, math.ceil(end - position))
        out.append({**common, "eventType": final, "currentTime": end, "timestamp": ts,
                    "quality": quality})  # fmt: skip
        if final == "complete" and rng.random() < 0.08:
            out.append({"media": f.path, "eventType": "share", "timestamp": ts + 2,
                        "sessionId": common["sessionId"], "device": device, "country": country,
                        "referrer": f"https://{DEMO_HOST}/{rng.choice(_PAGES)}/"})  # fmt: skip
        return out

    def pages(self) -> dict[str, str]:
        """HTML pages referencing the files in use and the referenced-but-idle ones."""
        shown = {f.path for f in self.active} | self.referenced_idle
        files = sorted(shown)
        sizes: dict[str, list[str]] = {}
        for path in files:
            stem, suffix = os.path.splitext(path)
            original = _SIZE_SUFFIX.sub("", stem) + suffix
            if original != path and original in shown:
                sizes.setdefault(original, []).append(path)
        grouped = {p for members in sizes.values() for p in members}
        images = [p for p in files if classify(p)[0] == "image" and p not in grouped]
        others = [p for p in files if classify(p)[0] in ("video", "audio", "document")]
        pages: dict[str, str] = {}
        for index, slug in enumerate(_PAGES):
            title = slug.replace("-", " ").title() + " (demo)"
            body = []
            gallery: list[str] = []
            for number, image in enumerate(images[index :: len(_PAGES)]):
                url = escape(f"/wp-content/uploads/{image}")
                # the first image of a page is its featured image
                featured = ' class="wp-post-image"' if number == 0 else ""
                if image in sizes:
                    srcset = ", ".join(f"/wp-content/uploads/{p} {_width(p)}"
                                       for p in sizes[image])  # fmt: skip
                    body.append(f'<img{featured} src="{url}" srcset="{escape(srcset)}" '
                                f'sizes="(max-width: 900px) 100vw, 900px" alt="">')  # fmt: skip
                else:
                    lazy = ' loading="lazy"' if index % 2 and not featured else ""
                    width = self.rng.choice((300, 640, 800))
                    body.append(f'<img{featured} src="{url}" width="{width}"{lazy} alt="">')
            if index in (4, 6):  # the team page and the gift guide have a gallery
                plain = [p for p in images if p not in sizes][index % 3 :: 3][:5]
                gallery = [f'<img src="{escape(f"/wp-content/uploads/{p}")}" width="300" '
                           f'loading="lazy" alt="">' for p in plain]  # fmt: skip
            if gallery:
                body.append(f'<div class="wp-block-gallery gallery">{"".join(gallery)}</div>')
            for item in others[index :: len(_PAGES)]:
                url = escape(f"/wp-content/uploads/{item}")
                tag = classify(item)[0]
                if tag == "document":
                    body.append(f'<a href="{url}">{escape(Path(item).name)}</a>')
                else:
                    body.append(f'<{tag} controls src="{url}"></{tag}>')
            folder = "pages" if index % 3 == 0 else "posts"
            pages[f"{folder}/{slug}.html"] = (
                f"<!doctype html><html><head><title>{escape(title)}</title>"
                f'<link rel="canonical" href="https://{DEMO_HOST}/{slug}/"></head>'
                f"<body><h1>{escape(title)}</h1>{''.join(body)}</body></html>\n"
            )
        return pages


def _tenth(seconds: float) -> float:
    """A player position as players report it, rounded down so it never passes the end."""
    return math.floor(seconds * 10) / 10


def _popularity_class(f: _File) -> int:
    if f.kind == "image":
        return 0 if re.search(r"logo|favicon|hero|banner", f.path) else 1
    if f.kind == "video" or f.path.endswith(".pdf"):
        return 2
    return 3 if f.kind == "audio" else 4


def _width(path: str) -> str:
    """A srcset descriptor for a generated size: its width, 2560w for WordPress's
    "-scaled" copy, or the density of an "@2x" copy."""
    found = re.search(r"-(\d+)x\d+\.[^.]+$|@(\d)x\.[^.]+$", path)
    if found is None:
        return "2560w"
    return f"{found[1]}w" if found[1] else f"{found[2]}x"


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
    traffic = _Traffic(_media_files(root, durations), int(now.timestamp()), rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "demo-access.log"
    log.write_text("".join(traffic.log_lines()), encoding="utf-8")
    events = out_dir / "demo-events.jsonl"
    events.write_text("".join(traffic.events()), encoding="utf-8")
    content = out_dir / "demo-content"
    for relative, html in traffic.pages().items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return DemoInputs(log, events, content)


def load_demo_inputs(conn: sqlite3.Connection, inputs: DemoInputs) -> dict[str, object]:
    """Feed demo inputs through the real paths: log ingest (in the demo's log format),
    JSONL import, refs scan. Returns the three summaries (as the CLI prints with --json)."""
    from mediatop.ingest.events.tracked import import_events
    from mediatop.ingest.locations.importer import scan_refs
    from mediatop.ingest.logs.logfile import ingest_logs

    log = ingest_logs(
        conn, [inputs.access_log], url_prefixes=DEMO_PREFIXES, log_format=inputs.log_format
    )
    events = import_events(conn, inputs.events_jsonl, url_prefixes=DEMO_PREFIXES)
    refs = scan_refs(conn, inputs.content_dir, url_prefixes=DEMO_PREFIXES)
    return {"ingest": log.as_dict(), "events": events.as_dict(), "refs": refs.as_dict()}
