"""What marks the demo's traffic as demo and shapes it, shared by the access log, the
tracked events and the content pages: the site's host (reserved: .invalid), its pages,
and the cache hit rates."""

from __future__ import annotations

DEMO_HOST = "demo.mediatop.invalid"
PAGES = ("spring-sale", "about-us", "product-tour", "annual-report", "team", "podcast",
         "holiday-gifts", "customer-stories")  # fmt: skip
# cache hit probability per kind (the rest are MISS, a few EXPIRED)
HIT_RATE = {"image": 0.8, "document": 0.65, "video": 0.35, "audio": 0.45, "other": 0.7}
