"""Indexes into a rollup vector: the counters kept per media file and day."""

REQ, BOT, VIEWS, DOWNLOADS, CLICKS, SHARES, NOT_MOD, ERRORS, BYTES = range(9)
ST_SUM, ST_N, CT_SUM, CT_N, HITS, MISSES = range(9, 15)
WIDTH = 15
