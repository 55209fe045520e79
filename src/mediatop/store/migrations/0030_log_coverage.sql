-- Issue 13: a beacon or tracked view for a request the access log counted is counted
-- once (store.log_coverage has the rule).
-- The hours (UTC; epoch seconds / 3600) in which an ingested access log recorded a
-- request for a library file: there the log is the count.
CREATE TABLE IF NOT EXISTS log_hours (
  hour INTEGER PRIMARY KEY
) WITHOUT ROWID;

-- What tracked and beacon views added to the rollups while no log covered
-- their hour, summed per breakdown combination. The first log batch that covers the
-- hour subtracts them again and deletes them, so the figures do not depend on which
-- source arrived first.
CREATE TABLE IF NOT EXISTS uncovered_uses (
  hour          INTEGER NOT NULL,
  media_id      INTEGER NOT NULL,
  event_type    TEXT NOT NULL,
  device        TEXT NOT NULL,
  referrer_host TEXT NOT NULL,
  country       TEXT NOT NULL,        -- '' when the event had none
  user_type     TEXT NOT NULL,
  kind          TEXT NOT NULL,
  uses          INTEGER NOT NULL,
  requests      INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  errors        INTEGER NOT NULL,
  not_modified  INTEGER NOT NULL,
  PRIMARY KEY (hour, media_id, event_type, device, referrer_host, country, user_type)
) WITHOUT ROWID;

-- Hours that logs stored before this version cover. Tracked views those hours already
-- counted stay counted: only what is written from now on follows the rule.
INSERT OR IGNORE INTO log_hours (hour)
  SELECT DISTINCT timestamp / 3600 FROM media_usage_events WHERE source = 'log';
