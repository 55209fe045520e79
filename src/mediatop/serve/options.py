"""How `mediatop serve` is set up: address, token, CORS origins, limits."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_BODY = 64 * 1024
# Public beacons, per client address: a page sends a few per view, a burst on load.
DEFAULT_BEACON_RATE = 20.0  # requests per second, sustained
DEFAULT_BEACON_BURST = 100  # requests at once


@dataclass(frozen=True)
class ServeOptions:
    """The server's settings. `token` is None when none was given (allowed only on a
    loopback address); `public_beacons` opens the two POST endpoints to anyone,
    rate-limited per client address; `cors_origins` may call the API from a page."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    public_beacons: bool = False
    cors_origins: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    beacon_rate: float = DEFAULT_BEACON_RATE
    beacon_burst: int = DEFAULT_BEACON_BURST
