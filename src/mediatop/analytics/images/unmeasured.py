"""Which images still lack a savings measurement: what the background measuring works on."""

from __future__ import annotations

import sqlite3


def images_to_measure(conn: sqlite3.Connection) -> list[int]:
    """Present images with a planned re-encoding that is not measured yet, largest first
    (the largest stand to save the most)."""
    from mediatop.analytics.images.facts import load_image_facts, max_display_widths, target_names
    from mediatop.store.measurements import cached_measurements

    facts = load_image_facts(conn)
    widths = max_display_widths(conn)
    cached = cached_measurements(conn)
    missing = [
        f for f in facts
        if any(name not in cached.get(f.id, {}) for name in target_names(f, widths.get(f.id)))
    ]  # fmt: skip
    return [f.id for f in sorted(missing, key=lambda f: (-f.size, f.id))]
