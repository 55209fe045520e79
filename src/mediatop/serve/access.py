"""Who may call what: the token rules, as a function of the bind address and the headers.

- Bound to a loopback address (127.0.0.0/8, ::1, `localhost`, the default) without a
  token: every endpoint is open, as the CLI is to the same user.
- Given a token (`--token-file`), on any address: every endpoint needs it
  (`Authorization: Bearer TOKEN`), except `/api/openapi.json`, which describes the API
  and holds no data.
- Bound to any other address: a token is required; the server refuses to start without.
- `--public-beacons`: the two POST endpoints are open without the token, rate-limited
  per client address (a request with the right token is not limited).
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections import OrderedDict
from dataclasses import dataclass

from mediatop.errors import InputError
from mediatop.serve.options import ServeOptions

MIN_TOKEN_CHARS = 16


def is_loopback(host: str) -> bool:
    """Whether `host` is an address only this machine reaches."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_options(options: ServeOptions) -> None:
    """InputError when the options would expose the API without a token."""
    if options.token is not None and len(options.token) < MIN_TOKEN_CHARS:
        raise InputError(f"the token must be at least {MIN_TOKEN_CHARS} characters long")
    if options.token is None and not is_loopback(options.host):
        raise InputError(
            f"serving on {options.host} needs a token: pass --token-file FILE "
            "(or bind a loopback address such as 127.0.0.1, the default)"
        )


def describe(options: ServeOptions) -> str:
    """Who may call, in a few words, for the start-up line."""
    rule = "no token, loopback only" if options.token is None else "token required"
    if options.public_beacons:
        rule += "; beacons public, rate-limited"
    return rule


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go on, and whether it counts against its client's rate."""

    allowed: bool
    rate_limited: bool = False


def verdict(options: ServeOptions, *, beacon: bool, authorization: str | None) -> Verdict:
    """The rule for one request: `beacon` for the two POST endpoints; `authorization`
    is its Authorization header, if any."""
    token_ok = options.token is None or _bearer_matches(authorization, options.token)
    if beacon and options.public_beacons:
        return Verdict(True, rate_limited=options.token is None or not token_ok)
    return Verdict(token_ok)


def _bearer_matches(authorization: str | None, token: str) -> bool:
    if not authorization:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())


class RateLimiter:
    """A token bucket per client address: `rate` requests per second, `burst` at once.
    Keeps at most `clients` addresses, forgetting the least recently seen."""

    def __init__(self, rate: float, burst: int, clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.clients = clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(client, (float(self.burst), moment))
        tokens = min(float(self.burst), tokens + (moment - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if allowed else tokens, moment)
        while len(self._buckets) > self.clients:
            self._buckets.popitem(last=False)
        return allowed
