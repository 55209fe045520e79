-- Time ranges (issue 13): `24h`, `7d`, `30d`, `90d` are the last N×24 hours, which start
-- and end mid-day. Each daily rollup a ranged figure reads gets an hourly twin with the
-- same columns plus `hour` (0-23 UTC of `date`); a range reads its whole days from the
-- daily tables and the hours of its partial first and last days from these. Kept for
-- all time (any `Nd` range and --compare's previous period may start on any day), in
-- the same transaction as the daily rows. Existing stores get them rebuilt from the raw
-- events when this migration runs (store.hourly_rebuild). A range reads a day's hours
-- (`date = ? AND hour BETWEEN ? AND ?`), so the keys lead with them where a report
-- reads every file, kind or path of those hours.
-- usage_breakdown (one file's uses by device, referrer, country...) has no hourly twin:
-- it would add several rows per file and hour to every ingest batch. A file's
-- breakdowns count the partial first and last days of a range whole.
CREATE TABLE IF NOT EXISTS media_hourly (
  media_id        INTEGER NOT NULL,
  date            TEXT NOT NULL,
  hour            INTEGER NOT NULL,
  requests        INTEGER NOT NULL DEFAULT 0,
  bot_requests    INTEGER NOT NULL DEFAULT 0,
  views           INTEGER NOT NULL DEFAULT 0,
  downloads       INTEGER NOT NULL DEFAULT 0,
  clicks          INTEGER NOT NULL DEFAULT 0,
  shares          INTEGER NOT NULL DEFAULT 0,
  not_modified    INTEGER NOT NULL DEFAULT 0,
  errors          INTEGER NOT NULL DEFAULT 0,
  bandwidth_usage INTEGER NOT NULL DEFAULT 0,
  server_time_sum_ms REAL NOT NULL DEFAULT 0,
  server_time_count  INTEGER NOT NULL DEFAULT 0,
  client_time_sum_ms REAL NOT NULL DEFAULT 0,
  client_time_count  INTEGER NOT NULL DEFAULT 0,
  cache_hits      INTEGER NOT NULL DEFAULT 0,
  cache_misses    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(date, hour, media_id)
) WITHOUT ROWID;
-- One file's hours (a file report, the top lists' per-file sums), read from the index
-- alone for the sums the top lists add up (as media_performance_metrics_sums).
CREATE INDEX IF NOT EXISTS media_hourly_file ON media_hourly(
  media_id, date, hour, requests, views, downloads, clicks, shares, bandwidth_usage, errors,
  bot_requests, cache_hits, cache_misses
);

CREATE TABLE IF NOT EXISTS kind_hourly (
  kind          TEXT NOT NULL,
  date          TEXT NOT NULL,
  hour          INTEGER NOT NULL,
  requests      INTEGER NOT NULL DEFAULT 0,
  bot_requests  INTEGER NOT NULL DEFAULT 0,
  views         INTEGER NOT NULL DEFAULT 0,
  downloads     INTEGER NOT NULL DEFAULT 0,
  clicks        INTEGER NOT NULL DEFAULT 0,
  shares        INTEGER NOT NULL DEFAULT 0,
  errors        INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL DEFAULT 0,
  cache_hits    INTEGER NOT NULL DEFAULT 0,
  cache_misses  INTEGER NOT NULL DEFAULT 0,
  server_time_sum_ms REAL NOT NULL DEFAULT 0,
  server_time_count  INTEGER NOT NULL DEFAULT 0,
  client_time_sum_ms REAL NOT NULL DEFAULT 0,
  client_time_count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(date, hour, kind)
) WITHOUT ROWID;

-- Per kind only ('kind:<kind>'): the per-file histograms are all-time.
CREATE TABLE IF NOT EXISTS latency_hourly (
  scope   TEXT NOT NULL,
  day     TEXT NOT NULL,
  hour    INTEGER NOT NULL,
  source  TEXT NOT NULL,
  bucket  INTEGER NOT NULL,
  count   INTEGER NOT NULL,
  min_ms  REAL,  -- the smallest and largest duration seen in the bucket (as 0033 adds
  max_ms  REAL,  -- to latency_histogram); NULL: unknown
  PRIMARY KEY(day, hour, scope, source, bucket)
) WITHOUT ROWID;

-- The dimensions a ranged report reads per kind: device, referrer, hour, weekday (and
-- user_type 'bot'), for the kinds it reads them of (store.rollup_hourly's
-- BROKEN_DOWN_KINDS: documents); kind_breakdown keeps every dimension of every kind by day.
CREATE TABLE IF NOT EXISTS kind_breakdown_hourly (
  kind       TEXT NOT NULL,
  date       TEXT NOT NULL,
  hour       INTEGER NOT NULL,
  dimension  TEXT NOT NULL,
  value      TEXT NOT NULL,
  count      INTEGER NOT NULL,
  PRIMARY KEY(kind, date, hour, dimension, value)
) WITHOUT ROWID;

-- Misses keep no raw rows to rebuild from: those recorded since migration 0031 (which
-- dropped the older, mixed counts) are placed at hour 0 of their day (a range counts
-- them if it holds that day's start).
CREATE TABLE IF NOT EXISTS misses_hourly (
  path            BLOB NOT NULL,
  date            TEXT NOT NULL,
  hour            INTEGER NOT NULL,
  human_not_found INTEGER NOT NULL DEFAULT 0,
  bot_not_found   INTEGER NOT NULL DEFAULT 0,
  human_served    INTEGER NOT NULL DEFAULT 0,
  bot_served      INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  PRIMARY KEY(date, hour, path)
) WITHOUT ROWID;
DELETE FROM misses_hourly;
INSERT INTO misses_hourly (path, date, hour, human_not_found, bot_not_found, human_served,
                           bot_served, last_status)
  SELECT path, date, 0, human_not_found, bot_not_found, human_served, bot_served, last_status
  FROM media_misses;
