"""The demo's tracked events (the JSONL `mediatop track` imports): clicks and shares on
images, sampled Resource Timing beacons, a viewer event for most inline PDF opens of
the access log and a player session for most human plays of it.

Deterministic per seed: each function draws from the traffic's rng in a fixed order,
after the access log's lines are made (they decide which opens and plays there are).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from mediatop.demo.labels import DEMO_HOST, HIT_RATE, PAGES

if TYPE_CHECKING:
    from mediatop.demo.traffic import Traffic, TrafficFile


def tracked_events(traffic: Traffic) -> list[str]:
    """The JSONL lines of the tracked events, in time order."""
    rng = traffic.rng
    events: list[dict[str, object]] = []
    images = [f for f in traffic.active if f.kind == "image"][:14]
    for _ in range(600 if images else 0):
        f = rng.choice(images)
        _, agent, country = rng.choice(traffic.visitors[:600])
        events.append({"media": f.path, "eventType": rng.choice(("click", "click", "share")),
                       "timestamp": traffic.moment(f.uploaded), "device": agent[2],
                       "sessionId": f"demo-{rng.randrange(400)}", "country": country,
                       "referrer": f"https://{DEMO_HOST}/{rng.choice(PAGES)}/"})  # fmt: skip
    events.extend(_beacons(traffic))
    for ts, f, device, country, bandwidth, hit in traffic.opens:
        if rng.random() < 0.9:  # some visitors block the viewer's script
            seconds = _client_seconds(traffic, f, device, bandwidth, hit)
            events.append({"media": f.path, "eventType": "view", "timestamp": ts,
                           "clientTimeMs": round(seconds * 1000, 1), "device": device,
                           "transferSize": f.size + 300, "country": country,
                           "sessionId": f"demo-viewer-{len(events)}"})  # fmt: skip
    for ts, f, device, country in traffic.plays:
        if f.duration > 0 and rng.random() < 0.85:
            events.extend(_session(traffic, f, len(events), ts, device, country))
    events.sort(key=lambda e: int(e["timestamp"]))  # type: ignore[call-overload]
    return [json.dumps(e) + "\n" for e in events]


def _beacons(traffic: Traffic) -> list[dict[str, object]]:
    """Resource Timing beacons (what the visitor waited) for images,
    sampled: the site's script reports one page view in twenty."""
    rng = traffic.rng
    seen = [(f, w) for f, w in zip(traffic.active, traffic.weights, strict=True)
            if f.kind == "image"]  # fmt: skip
    out: list[dict[str, object]] = []
    for f in rng.choices([f for f, _ in seen], [w for _, w in seen], k=1500) if seen else []:
        _, (_, _, device, bandwidth), country = rng.choice(traffic.visitors[:600])
        if device == "bot":
            continue
        cached = rng.random() < 0.2  # from the browser's cache: nothing transferred
        seconds = (
            rng.uniform(0.001, 0.008) if cached else
            _client_seconds(traffic, f, device, bandwidth, rng.random() < HIT_RATE[f.kind])
        )  # fmt: skip
        out.append({"media": f.path, "eventType": "view", "timestamp": traffic.moment(f.uploaded),
                    "clientTimeMs": round(seconds * 1000, 1), "device": device,
                    "transferSize": 0 if cached else f.size + 300, "country": country,
                    "sessionId": f"demo-rt-{rng.randrange(2000)}",
                    "referrer": f"https://{DEMO_HOST}/{rng.choice(PAGES)}/"})  # fmt: skip
    return out


def _client_seconds(
    traffic: Traffic, f: TrafficFile, device: str, bandwidth: float, hit: bool
) -> float:
    """What the visitor waited (Resource Timing `duration`): a round trip, the
    transfer, and the upstream fetch on a cache miss."""
    rng = traffic.rng
    rtt = {"mobile": 0.09, "tablet": 0.05}.get(device, 0.03)
    seconds = rtt * rng.lognormvariate(0, 0.3) + f.size / (bandwidth * rng.lognormvariate(0, 0.4))
    return seconds + (0 if hit else rng.lognormvariate(math.log(0.12), 0.5))


def _session(
    traffic: Traffic, f: TrafficFile, serial: int, ts: int, device: str, country: str
) -> list[dict[str, object]]:
    """One player session within the clip: play at 0, progress about every quarter,
    maybe a seek or a quality change, then a pause, a stop or the end."""
    rng = traffic.rng
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
                    "referrer": f"https://{DEMO_HOST}/{rng.choice(PAGES)}/"})  # fmt: skip
    return out


def _tenth(seconds: float) -> float:
    """A player position as players report it, rounded down so it never passes the end."""
    return math.floor(seconds * 10) / 10
