"""The latency histogram's bucket scheme: log-spaced millisecond buckets.

Bucket 0 holds everything under 1 ms; bucket b >= 1 holds [2**((b-1)/4), 2**(b/4)) ms,
four buckets per doubling (each about 19 % wide), up to bucket MAX_BUCKET which also
takes anything slower (about 10 minutes and beyond). Percentiles read from it are
the upper bound of the bucket the rank falls in: never under the true value, at most
about 19 % over. Writers add counts per bucket (latency_histogram rows); the analytics
engineer sums them over days and calls `percentile`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

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
    return 2.0 ** (bucket / BUCKETS_PER_DOUBLING)


def percentile(counts: Mapping[int, int], q: float) -> float | None:
    """The q-th quantile (0 < q <= 1, e.g. 0.95) of a histogram, or None when empty.

    Returns the upper bound of the bucket holding the rank; for the overflow bucket,
    the lower bound of it (the largest finite value the scheme can name).
    """
    total = sum(c for c in counts.values() if c > 0)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(counts):
        if counts[bucket] <= 0:
            continue
        seen += counts[bucket]
        if seen >= rank:
            if bucket >= MAX_BUCKET:
                return bucket_upper_ms(MAX_BUCKET - 1)
            return bucket_upper_ms(bucket)
    return bucket_upper_ms(min(max(counts), MAX_BUCKET - 1))
