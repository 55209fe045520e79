-- Event capture (issue 4): content-keyed ingest checkpoints, view-collapse state and
-- per-video rollups.

-- Checkpoints are keyed by the log's content (a fingerprint of its first bytes), not by
-- its path: after a rename or copytruncate rotation the same content lives under another
-- name, and it must resume, never restart. log_path is where it was last read from.
DROP TABLE ingest_checkpoints;
CREATE TABLE ingest_checkpoints (
  id              INTEGER PRIMARY KEY,
  log_path        TEXT NOT NULL,
  device          INTEGER NOT NULL,
  inode           INTEGER NOT NULL,
  fingerprint     TEXT NOT NULL,          -- blake2b of the first fingerprint_len bytes
  fingerprint_len INTEGER NOT NULL,
  offset          INTEGER NOT NULL,       -- bytes of the (decompressed) stream consumed
  lines           INTEGER NOT NULL DEFAULT 0,
  accepted        INTEGER NOT NULL DEFAULT 0,
  malformed       INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX ingest_checkpoints_path ON ingest_checkpoints(log_path);

-- The last time a visitor (session key) fetched a video/audio file from the log: range
-- requests within 30 minutes of the previous one collapse into one view. Pruned to
-- the last window on every write, so it stays small.
CREATE TABLE view_windows (
  session_id  TEXT NOT NULL,
  media_id    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL,
  PRIMARY KEY(session_id, media_id)
) WITHOUT ROWID;

-- Per video and day: sessions started (plays), completions, watch time, buffering.
CREATE TABLE video_daily (
  video_id         INTEGER NOT NULL,
  date             TEXT NOT NULL,
  plays            INTEGER NOT NULL DEFAULT 0,
  completions      INTEGER NOT NULL DEFAULT 0,
  watch_seconds    REAL NOT NULL DEFAULT 0,
  buffering_events INTEGER NOT NULL DEFAULT 0,
  seeks            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(video_id, date)
) WITHOUT ROWID;

-- Per video and 10-second bucket (bucket 3 = 30..40 s): sessions whose last event is a
-- pause/stop there (the seed's drop-off points), sessions that reached it (retention
-- curve), and play/pause/seek events there (the seed's engagement heatmap).
CREATE TABLE video_buckets (
  video_id  INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,
  dropoffs  INTEGER NOT NULL DEFAULT 0,
  reached   INTEGER NOT NULL DEFAULT 0,
  plays     INTEGER NOT NULL DEFAULT 0,
  pauses    INTEGER NOT NULL DEFAULT 0,
  seeks     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(video_id, bucket)
) WITHOUT ROWID;
