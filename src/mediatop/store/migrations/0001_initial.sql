-- mediatop store, version 1.
-- Timestamps are INTEGER seconds since the Unix epoch, UTC. Days are TEXT 'YYYY-MM-DD' (UTC).
-- Paths are BLOBs: the file's path relative to the media root, as the file system's bytes,
-- so names that are not UTF-8 survive losslessly.

CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per file ever seen under the root. Rows are never deleted: a file that
-- disappears gets deleted_at, which is how "deleted this month" is known.
CREATE TABLE media_files (
  id              INTEGER PRIMARY KEY,
  path            BLOB NOT NULL UNIQUE,
  group_path      BLOB NOT NULL,          -- the original's path for generated sizes (photo-300x200.jpg -> photo.jpg), else path
  variant         TEXT,                   -- '300x200', 'scaled', '@2x' for generated sizes, NULL for originals
  kind            TEXT NOT NULL,          -- image | video | audio | document | other
  mime            TEXT NOT NULL,
  ext             TEXT NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ns        INTEGER NOT NULL,
  inode           INTEGER,
  first_seen      INTEGER NOT NULL,
  uploaded_at     INTEGER NOT NULL,
  uploaded_source TEXT NOT NULL,          -- 'first_seen' | 'path' (YYYY/MM in the path) | 'mtime'
  deleted_at      INTEGER,
  probed_at       INTEGER,                -- NULL: not probed for the current size+mtime
  format          TEXT,
  width           INTEGER,
  height          INTEGER,
  mode            TEXT,
  animated        INTEGER,
  frames          INTEGER,
  progressive     INTEGER,
  quality         INTEGER,                -- estimated JPEG quality
  bits_per_pixel  REAL,
  duration_s      REAL,
  bitrate         INTEGER,                -- bits per second
  codec           TEXT,
  channels        INTEGER,
  sample_rate     INTEGER,
  faststart       INTEGER,                -- MP4: 1 when the moov atom precedes mdat
  pages           INTEGER,
  title           TEXT,
  author          TEXT,
  subject         TEXT,
  keywords        TEXT,
  has_text_layer  INTEGER,
  probe_error     TEXT,
  meta            TEXT,                   -- JSON object of further probed fields
  content_hash    TEXT,                   -- xxh3_128 hex, computed lazily for duplicates
  hashed_size     INTEGER,
  hashed_mtime_ns INTEGER,
  phash           TEXT                    -- perceptual hash of images, lazily
);
CREATE INDEX media_files_kind ON media_files(kind) WHERE deleted_at IS NULL;
CREATE INDEX media_files_group ON media_files(group_path) WHERE variant IS NOT NULL;

-- One signature per scanned directory (a hash of its files' names, sizes and mtimes):
-- a rescan that finds every signature unchanged has nothing to diff.
CREATE TABLE scan_dirs (
  rel_dir    BLOB PRIMARY KEY,
  signature  TEXT NOT NULL,
  file_count INTEGER NOT NULL,
  scanned_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Where the CMS uses a file: found in exported content or imported from the CMS.
CREATE TABLE usage_locations (
  id              INTEGER PRIMARY KEY,
  media_id        INTEGER REFERENCES media_files(id),
  media_path      BLOB NOT NULL,          -- the referenced path, mapped to the root
  type            TEXT NOT NULL,          -- post | page | widget | theme | email
  location_id     TEXT NOT NULL,
  title           TEXT,
  url             TEXT,
  usage           TEXT NOT NULL,          -- featured | inline | gallery | background | attachment
  element         TEXT,                   -- img | source | a | video | audio | css | ...
  display_width   INTEGER,                -- the largest width it is displayed at (px), if known
  sizes           TEXT,
  is_lazy         INTEGER,
  is_responsive   INTEGER,
  source          TEXT NOT NULL,          -- where this row came from (refs scan dir, import file)
  seen_at         INTEGER NOT NULL
);
CREATE INDEX usage_locations_media ON usage_locations(media_id);
CREATE INDEX usage_locations_path ON usage_locations(media_path);
CREATE INDEX usage_locations_source ON usage_locations(source);

-- The seed's raw usage events: one row per accepted request or tracked event.
-- Kept lean (no secondary index) so ingest stays fast; analytics read the rollups.
CREATE TABLE media_usage_events (
  id            INTEGER PRIMARY KEY,
  media_id      INTEGER NOT NULL,
  event_type    TEXT NOT NULL,            -- view | download | click | share
  user_id       TEXT,
  session_id    TEXT,                     -- salted hash of IP + user agent for log lines
  referrer      TEXT,
  user_agent    TEXT,
  timestamp     INTEGER NOT NULL,
  source        TEXT NOT NULL,            -- log | track | import | beacon
  status        INTEGER,                  -- HTTP status for log lines
  bytes         INTEGER,
  device        TEXT,                     -- desktop | mobile | tablet | bot | other
  is_bot        INTEGER NOT NULL DEFAULT 0,
  country       TEXT,
  server_time_ms REAL,                    -- $request_time: time on the server, not the visitor's wait
  client_time_ms REAL,                    -- Resource Timing duration from a beacon
  cache_status  TEXT                      -- hit | miss | other raw value | NULL when the log has none
);

-- The seed's video engagement events.
CREATE TABLE video_engagement_events (
  id            INTEGER PRIMARY KEY,
  video_id      INTEGER NOT NULL,
  user_id       TEXT,
  session_id    TEXT,
  event_type    TEXT NOT NULL,            -- play | pause | seek | progress | complete | stop | quality_change
  "current_time" REAL NOT NULL,           -- seconds
  duration      REAL NOT NULL,            -- seconds
  quality       TEXT,
  buffering     INTEGER NOT NULL DEFAULT 0,
  timestamp     INTEGER NOT NULL,
  device        TEXT,
  country       TEXT,
  seek_from     REAL
);
CREATE INDEX video_engagement_events_video ON video_engagement_events(video_id, session_id, timestamp);

-- The seed's per-file, per-day performance table, widened into the daily rollup:
-- every write updates it in the same transaction, so dashboards never scan raw events.
CREATE TABLE media_performance_metrics (
  id              INTEGER PRIMARY KEY,
  media_id        INTEGER NOT NULL,
  date            TEXT NOT NULL,
  load_time_avg   INTEGER,                -- ms, server time
  cache_hit_rate  REAL,                   -- % of requests with cache evidence that were hits; NULL without evidence
  bandwidth_usage INTEGER NOT NULL DEFAULT 0,  -- bytes served
  error_rate      REAL,                   -- % of requests that were 4xx/5xx
  created_at      INTEGER NOT NULL,
  requests        INTEGER NOT NULL DEFAULT 0,  -- human requests (crawlers counted apart)
  bot_requests    INTEGER NOT NULL DEFAULT 0,
  views           INTEGER NOT NULL DEFAULT 0,
  downloads       INTEGER NOT NULL DEFAULT 0,
  clicks          INTEGER NOT NULL DEFAULT 0,
  shares          INTEGER NOT NULL DEFAULT 0,
  not_modified    INTEGER NOT NULL DEFAULT 0,  -- 304s: views served from the browser's cache
  errors          INTEGER NOT NULL DEFAULT 0,
  server_time_sum_ms REAL NOT NULL DEFAULT 0,
  server_time_count  INTEGER NOT NULL DEFAULT 0,
  client_time_sum_ms REAL NOT NULL DEFAULT 0,
  client_time_count  INTEGER NOT NULL DEFAULT 0,
  cache_hits      INTEGER NOT NULL DEFAULT 0,
  cache_misses    INTEGER NOT NULL DEFAULT 0,
  UNIQUE(media_id, date)
);
CREATE INDEX media_performance_metrics_date ON media_performance_metrics(date);

-- All-time per-file totals, for the lists that do not need a range.
CREATE TABLE file_totals (
  media_id      INTEGER PRIMARY KEY,
  requests      INTEGER NOT NULL DEFAULT 0,
  bot_requests  INTEGER NOT NULL DEFAULT 0,
  views         INTEGER NOT NULL DEFAULT 0,
  downloads     INTEGER NOT NULL DEFAULT 0,
  clicks        INTEGER NOT NULL DEFAULT 0,
  shares        INTEGER NOT NULL DEFAULT 0,
  errors        INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL DEFAULT 0,
  first_used    INTEGER,
  last_used     INTEGER
);

-- Latency histograms: log-spaced buckets (see store/histogram.py), per kind and day
-- (for percentiles by type over a range) and per file all-time (slowest files by p95).
-- scope is 'kind:<kind>' or 'file:<id>'; day is '' for all-time rows; source is 'server' or 'client'.
CREATE TABLE latency_histogram (
  scope   TEXT NOT NULL,
  day     TEXT NOT NULL,
  source  TEXT NOT NULL,
  bucket  INTEGER NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY(scope, day, source, bucket)
) WITHOUT ROWID;

-- Per-kind, per-day totals: overview cards and bandwidth by day without touching files.
CREATE TABLE kind_daily (
  kind          TEXT NOT NULL,
  date          TEXT NOT NULL,
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
  PRIMARY KEY(kind, date)
) WITHOUT ROWID;

-- Breakdowns kept current on write: dimension is 'device', 'referrer' (host), 'country',
-- 'hour' (0-23), 'weekday' (0=Monday), 'user_type' (anonymous/known/bot).
CREATE TABLE usage_breakdown (
  media_id   INTEGER NOT NULL,
  date       TEXT NOT NULL,
  dimension  TEXT NOT NULL,
  value      TEXT NOT NULL,
  count      INTEGER NOT NULL,
  PRIMARY KEY(media_id, date, dimension, value)
) WITHOUT ROWID;

-- One row per (video, session): the unit for plays, completion, drop-off and retention.
CREATE TABLE video_sessions (
  video_id        INTEGER NOT NULL,
  session_id      TEXT NOT NULL,
  started_at      INTEGER NOT NULL,
  last_event_at   INTEGER NOT NULL,
  date            TEXT NOT NULL,          -- day the session started
  duration        REAL NOT NULL,
  max_position    REAL NOT NULL DEFAULT 0,
  last_position   REAL NOT NULL DEFAULT 0,
  last_event_type TEXT NOT NULL,
  watch_seconds   REAL NOT NULL DEFAULT 0,
  completed       INTEGER NOT NULL DEFAULT 0,
  seeks           INTEGER NOT NULL DEFAULT 0,
  buffering_events INTEGER NOT NULL DEFAULT 0,
  quality         TEXT,
  device          TEXT,
  country         TEXT,
  user_id         TEXT,
  PRIMARY KEY(video_id, session_id)
) WITHOUT ROWID;

-- Requests for media URLs that match no file in the library (404 heat).
CREATE TABLE media_misses (
  path        BLOB NOT NULL,
  date        TEXT NOT NULL,
  requests    INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  PRIMARY KEY(path, date)
) WITHOUT ROWID;

-- One checkpoint per ingested log, committed in the same transaction as its events.
CREATE TABLE ingest_checkpoints (
  log_path     TEXT PRIMARY KEY,
  device       INTEGER NOT NULL,
  inode        INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,             -- hash of the first bytes, to spot a replaced file
  offset       INTEGER NOT NULL,          -- bytes of the (decompressed) stream consumed
  lines        INTEGER NOT NULL DEFAULT 0,
  accepted     INTEGER NOT NULL DEFAULT 0,
  malformed    INTEGER NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL
);

-- Malformed lines, counted per reason with a few samples.
CREATE TABLE ingest_rejects (
  reason     TEXT PRIMARY KEY,
  count      INTEGER NOT NULL DEFAULT 0,
  samples    TEXT NOT NULL DEFAULT '[]'   -- JSON list of at most a few sample lines
);

-- Every cleanup move, so that it can be undone.
CREATE TABLE cleanup_journal (
  id             INTEGER PRIMARY KEY,
  batch_id       TEXT NOT NULL,
  media_id       INTEGER,
  original_path  BLOB NOT NULL,
  quarantine_path BLOB NOT NULL,
  size           INTEGER NOT NULL,
  mtime_ns       INTEGER NOT NULL,
  content_hash   TEXT,
  reason         TEXT,
  moved_at       INTEGER NOT NULL,
  undone_at      INTEGER
);
CREATE INDEX cleanup_journal_batch ON cleanup_journal(batch_id);

-- Measured savings from re-encoding, cached by the file's size and mtime.
CREATE TABLE savings_cache (
  media_id        INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ns        INTEGER NOT NULL,
  target          TEXT NOT NULL,          -- e.g. 'webp', 'avif', 'resize:1600'
  encoded_size    INTEGER,
  error           TEXT,
  measured_at     INTEGER NOT NULL,
  PRIMARY KEY(media_id, target)
);
