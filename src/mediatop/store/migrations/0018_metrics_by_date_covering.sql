-- Analytics (issue 5): the sums of every file over a short range (the top lists of a
-- 24h or 7d report) are read from a covering index led by the date, a contiguous run
-- of narrow entries, instead of one lookup into the wide rollup rows per file and day.
-- It replaces the plain date index, which it serves in every query that used it.
DROP INDEX IF EXISTS media_performance_metrics_date;
CREATE INDEX media_performance_metrics_by_date ON media_performance_metrics(
  date, media_id, requests, views, downloads, clicks, shares, bandwidth_usage, errors,
  bot_requests, cache_hits, cache_misses
);
