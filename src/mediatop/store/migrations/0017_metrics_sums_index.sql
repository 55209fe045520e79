-- Analytics (issue 5): one file's sums over a range of days are read from this covering
-- index, a contiguous run of narrow entries, instead of one lookup per day into the wide
-- rows of the per-file daily rollup. Every top-N walk and per-type report sums files
-- this way, so it roughly halves their time. An ingest batch rewrites one entry per
-- file and day it touched.
CREATE INDEX media_performance_metrics_sums ON media_performance_metrics(
  media_id, date, requests, views, downloads, clicks, shares, bandwidth_usage, errors,
  bot_requests, cache_hits, cache_misses
);
