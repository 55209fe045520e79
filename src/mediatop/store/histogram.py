"""The latency histogram's bucket scheme: log-spaced millisecond buckets.

Bucket 0 holds everything under 1 ms; bucket b >= 1 holds [2**((b-1)/4), 2**(b/4)) ms,
four buckets per doubling (each about 19 % wide), up to bucket MAX_BUCKET which also
takes anything slower (about 10 minutes and beyond). Writers add counts per bucket and
keep the smallest and largest duration each bucket has seen (latency_histogram rows);
the analytics sum them over days and call `percentile`.

The estimator (nearest rank): the q-quantile of n samples is the r-th smallest, r =
⌈q·n⌉. Within the bucket that holds it, the estimate is interpolated linearly between
the bucket's smallest and largest recorded duration by r's position among the bucket's
samples. So an estimate never leaves the observed range [min, max]; the largest rank
is the largest sample exactly; the error is at most the bucket's width (about 19 %).
A bucket whose range is unknown (rows written before store version 33) gives its
upper bound, as before: never under the true value, at most about 19 % over.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# bucket -> (smallest, largest) duration in ms recorded in it
Ranges = Mapping[int, tuple[float, float]]

BUCKETS_PER_DOUBLING = 4
MAX_BUCKET = 1 + BUCKETS_PER_DOUBLING * 20  # 2**20 ms ≈ 17.5 minutes


def bucket_of(ms: float) -> int:
    """The bucket a duration in milliseconds falls in."""
    if not ms >= 1.0:  # also catches NaN and negatives
        return 0
    bucket = 1 + int(math.log2(ms) * BUCKETS_PER_DOUBLING)
    return bucket if bucket < MAX_BUCKET else MAX_BUCKET


def bucket_upper_ms(bucket: int) -> float:
    """The exclusive upper bound of a bucket, in milliseconds (inf for the last)."""
    if bucket >= MAX_BUCKET:
        return math.inf
    return float(2.0 ** (bucket / BUCKETS_PER_DOUBLING))


def percentile(counts: Mapping[int, int], q: float, ranges: Ranges | None = None) -> float | None:
    """The q-th quantile (0 < q <= 1, e.g. 0.95) of a histogram, or None when empty.

    Interpolated within the observed range of the bucket holding the rank where
    `ranges` has it (see the module docstring); otherwise the upper bound of that bucket,
    or for the overflow bucket its lower bound (the largest finite value it can name).
    """
    total = sum(c for c in counts.values() if c > 0)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(counts):
        count = counts[bucket]
        if count <= 0:
            continue
        if seen + count >= rank:
            observed = ranges.get(bucket) if ranges else None
            if observed is not None:
                low, high = observed
                position = (rank - seen - 1) / (count - 1) if count > 1 else 1.0
                # min/max: floating-point rounding must not step outside either
                return min(high, max(low, low + (high - low) * position))
            if bucket >= MAX_BUCKET:
                return bucket_upper_ms(MAX_BUCKET - 1)
            return bucket_upper_ms(bucket)
        seen += count
    return bucket_upper_ms(min(max(counts), MAX_BUCKET - 1))


@dataclass(frozen=True)
class LatencyHistogram:
    """Bucket counts and, where every sample's duration was recorded, each bucket's range."""

    counts: dict[int, int] = field(default_factory=dict)
    ranges: dict[int, tuple[float, float]] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return sum(self.counts.values())

    def percentile(self, q: float) -> float | None:
        return percentile(self.counts, q, self.ranges)

    def merged(self, other: LatencyHistogram) -> LatencyHistogram:
        """Both histograms' samples in one; a bucket's range stays known only where it is
        known on both sides that have samples in it."""
        counts = dict(self.counts)
        for bucket, n in other.counts.items():
            counts[bucket] = counts.get(bucket, 0) + n
        ranges = {}
        for bucket in counts:
            sides = [h for h in (self, other) if h.counts.get(bucket)]
            known = [h.ranges[bucket] for h in sides if bucket in h.ranges]
            if len(known) == len(sides):
                ranges[bucket] = (min(r[0] for r in known), max(r[1] for r in known))
        return LatencyHistogram(counts, ranges)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, ...]]) -> LatencyHistogram:
        """From (bucket, count, min_ms, max_ms) rows; a range with a NULL end is unknown."""
        counts: dict[int, int] = {}
        ranges: dict[int, tuple[float, float]] = {}
        for bucket, count, low, high in rows:
            if not count:
                continue
            counts[bucket] = int(count)
            if low is not None and high is not None:
                ranges[bucket] = (float(low), float(high))
        return cls(counts, ranges)


def add_to_bucket(
    rows: dict[Any, list[float]], key: Any, count: int, low: float, high: float
) -> None:
    """Add `count` durations seen between `low` and `high` ms to the bucket row `key` of
    `rows` ([count, smallest, largest]): a batch's deltas before they are upserted."""
    row = rows.get(key)
    if row is None:
        rows[key] = [count, low, high]
    else:
        row[0] += count
        row[1] = min(row[1], low)
        row[2] = max(row[2], high)


def widened_range_sql() -> str:
    """An upsert's SET list that widens a bucket's stored range (min_ms, max_ms) by the
    row being added, an unknown (NULL) bound staying unknown, as SQLite's two-argument
    min/max keep it; written as CASE, which both backends speak alike."""
    return (
        "min_ms = CASE WHEN stored.min_ms IS NULL OR excluded.min_ms IS NULL THEN NULL "
        "WHEN excluded.min_ms < stored.min_ms THEN excluded.min_ms ELSE stored.min_ms END, "
        "max_ms = CASE WHEN stored.max_ms IS NULL OR excluded.max_ms IS NULL THEN NULL "
        "WHEN excluded.max_ms > stored.max_ms THEN excluded.max_ms ELSE stored.max_ms END"
    )
