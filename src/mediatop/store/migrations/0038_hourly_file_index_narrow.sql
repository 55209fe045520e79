-- media_hourly_file covered every summed column, so each ingest batch wrote those
-- columns twice (table and index): the largest cost the hourly rollups added to an
-- ingest. A range reads only its partial first and last days from media_hourly, so a
-- file has few rows there: the index now only finds them, and the sums come from the
-- table by its key.
DROP INDEX IF EXISTS media_hourly_file;
CREATE INDEX IF NOT EXISTS media_hourly_file ON media_hourly(media_id, date, hour);
