"""Labelled demo traffic for `mediatop demo`, fed through the real ingest paths.

`write_demo_inputs` writes, for the files that exist under a media root:
a combined access log (LABELLED AS DEMO: referrers are on demo.mediatop.invalid or
absent, IPs are from the documentation ranges 192.0.2.0/24 and 198.51.100.0/24,
page titles end in "(demo)") over the last
120 days with Zipf-like popularity, desktop/mobile/tablet and crawler user agents,
200/206/304/404 mixes, range requests for video/audio and `?download=1` on PDFs;
a JSONL of engagement events (clicks and shares on images, video sessions with
play/progress/seek/pause/complete, quality and buffering); and a folder of HTML
pages referencing some of the files (srcset/sizes/width/lazy, <video>, PDF links),
leaving several unreferenced so that "unused" has candidates. Deterministic per seed.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from mediatop.kinds import classify

if TYPE_CHECKING:
    import sqlite3

DAYS = 120
LOG_LINES = 30_000
DEMO_HOST = "demo.mediatop.invalid"
DEMO_PREFIXES = ("/wp-content/uploads/",)
_AGENTS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", 30),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", 14),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 22),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36", 16),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 6),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 5),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 3),
    ("curl/8.5.0", 1),
)  # fmt: skip
_PAGES = ("spring-sale", "about-us", "product-tour", "annual-report", "team", "podcast",
          "holiday-gifts", "customer-stories")  # fmt: skip
_COUNTRIES = ("US", "GB", "DE", "ID", "FR", "BR", "IN", "JP")


@dataclass(frozen=True)
class DemoInputs:
    """Where the generated demo inputs are."""

    access_log: Path
    events_jsonl: Path
    content_dir: Path


def _media_files(root: Path) -> list[tuple[str, str]]:
    """(relative path, kind) of every media file under root, sorted."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            relative = (Path(folder) / name).relative_to(root).as_posix()
            found.append((relative, str(classify(name)[0])))
    return found


def _log_lines(files: list[tuple[str, str]], now: datetime, rng: random.Random) -> list[str]:
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(files))]
    agents = [a for a, _ in _AGENTS]
    agent_weights = [w for _, w in _AGENTS]
    start = now - timedelta(days=DAYS)
    span = int((now - start).total_seconds())
    moments = sorted(rng.randrange(span) for _ in range(LOG_LINES))
    lines = []
    for offset in moments:
        when = (start + timedelta(seconds=offset)).strftime("%d/%b/%Y:%H:%M:%S +0000")
        path, kind = rng.choices(files, weights)[0]
        agent = rng.choices(agents, agent_weights)[0]
        ip = f"192.0.2.{rng.randrange(1, 255)}" if rng.random() < 0.6 else (
            f"198.51.100.{rng.randrange(1, 255)}")  # fmt: skip
        url = f"/wp-content/uploads/{path}"
        status, size = 200, rng.randrange(20_000, 900_000)
        roll = rng.random()
        if roll < 0.02:
            url, status, size = f"/wp-content/uploads/2023/01/old-{rng.randrange(9)}.jpg", 404, 153
        elif kind in ("video", "audio") and roll < 0.85:
            status, size = 206, rng.randrange(200_000, 2_000_000)
        elif roll < 0.15:
            status, size = 304, 0
        elif kind == "document" and roll < 0.4:
            url += "?download=1"
        referrer = f"https://{DEMO_HOST}/{rng.choice(_PAGES)}/" if rng.random() < 0.8 else "-"
        lines.append(f'{ip} - - [{when}] "GET {url} HTTP/1.1" {status} {size} '
                     f'"{referrer}" "{agent}"\n')  # fmt: skip
    return lines


def _engagement(files: list[tuple[str, str]], now: datetime, rng: random.Random) -> list[str]:
    images = [p for p, k in files if k == "image"][:12]
    videos = [p for p, k in files if k == "video"]
    events: list[dict[str, object]] = []
    base = int(now.timestamp()) - DAYS * 86400
    for _ in range(600 if images else 0):
        events.append(
            {
                "media": rng.choice(images),
                "eventType": rng.choice(("click", "click", "share")),
                "timestamp": base + rng.randrange(DAYS * 86400),
                "sessionId": f"demo-{rng.randrange(400)}",
                "country": rng.choice(_COUNTRIES),
                "referrer": f"https://{DEMO_HOST}/",
            }
        )
    for session in range(150 if videos else 0):
        video = rng.choice(videos)
        duration = 90.0
        ts = base + rng.randrange(DAYS * 86400)
        common = {"media": video, "sessionId": f"demo-video-{session}", "duration": duration,
                  "quality": rng.choice(("480p", "720p", "1080p")),
                  "device": rng.choice(("desktop", "mobile", "tablet")),
                  "country": rng.choice(_COUNTRIES)}  # fmt: skip
        events.append({**common, "eventType": "play", "currentTime": 0, "timestamp": ts})
        stop_at = rng.choice((15, 25, 40, 60, 85, 90, 90))
        position = 0
        while position + 10 < stop_at:
            position += 10
            ts += 10
            events.append({**common, "eventType": "progress", "currentTime": position,
                           "timestamp": ts, "buffering": rng.random() < 0.05})  # fmt: skip
        if rng.random() < 0.2:
            events.append({**common, "eventType": "seek", "currentTime": min(position + 20, 89),
                           "seekFrom": position, "timestamp": ts + 1})  # fmt: skip
        final = "complete" if stop_at >= duration else "pause"
        events.append({**common, "eventType": final, "currentTime": stop_at, "timestamp": ts + 5})
    return [json.dumps(e) + "\n" for e in events]


def _pages(files: list[tuple[str, str]], rng: random.Random) -> dict[str, str]:
    originals = [p for p, k in files if k == "image" and "x" not in Path(p).stem.split("-")[-1]]
    used_images = originals[: max(1, len(originals) * 2 // 3)]
    videos = [p for p, k in files if k == "video"][:2]
    documents = [p for p, k in files if k == "document" and p.endswith(".pdf")][:3]
    pages: dict[str, str] = {}
    for index, slug in enumerate(_PAGES):
        title = slug.replace("-", " ").title() + " (demo)"
        body = []
        for image in used_images[index :: len(_PAGES)] or used_images[:1]:
            url = f"/wp-content/uploads/{image}"
            if index % 2:
                body.append(f'<img src="{escape(url)}" width="{rng.choice((300, 640, 800))}" '
                            f'loading="lazy" alt="">')  # fmt: skip
            else:
                body.append(f'<img src="{escape(url)}" srcset="{escape(url)} 1024w" '
                            f'sizes="(max-width: 600px) 100vw, 600px" alt="">')  # fmt: skip
        if videos and index < len(videos):
            body.append(
                f'<video controls src="/wp-content/uploads/{escape(videos[index])}"></video>'
            )
        if documents and index < len(documents):
            body.append(f'<a href="/wp-content/uploads/{escape(documents[index])}">Download</a>')
        folder = "pages" if index % 3 == 0 else "posts"
        pages[f"{folder}/{slug}.html"] = (
            f"<!doctype html><html><head><title>{escape(title)}</title>"
            f'<link rel="canonical" href="https://{DEMO_HOST}/{slug}/"></head>'
            f"<body><h1>{escape(title)}</h1>{''.join(body)}</body></html>\n"
        )
    return pages


def write_demo_inputs(root: Path, out_dir: Path, now: datetime, seed: int = 7) -> DemoInputs:
    """Write the demo's access log, engagement JSONL and content pages into out_dir."""
    rng = random.Random(seed)
    now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    files = _media_files(root) or [("missing.jpg", "image")]
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "demo-access.log"
    log.write_text("".join(_log_lines(files, now, rng)), encoding="utf-8")
    events = out_dir / "demo-events.jsonl"
    events.write_text("".join(_engagement(files, now, rng)), encoding="utf-8")
    content = out_dir / "demo-content"
    for relative, html in _pages(files, rng).items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return DemoInputs(log, events, content)


def load_demo_inputs(conn: sqlite3.Connection, inputs: DemoInputs) -> dict[str, object]:
    """Feed demo inputs through the real paths: log ingest, JSONL import, refs scan.

    Returns the three summaries (as the CLI would print them with --json).
    """
    from mediatop.ingest.logfile import ingest_logs
    from mediatop.ingest.refs_import import scan_refs
    from mediatop.ingest.tracked import import_events

    log = ingest_logs(conn, [inputs.access_log], url_prefixes=DEMO_PREFIXES)
    events = import_events(conn, inputs.events_jsonl, url_prefixes=DEMO_PREFIXES)
    refs = scan_refs(conn, inputs.content_dir, url_prefixes=DEMO_PREFIXES)
    return {"ingest": log.as_dict(), "events": events.as_dict(), "refs": refs.as_dict()}
