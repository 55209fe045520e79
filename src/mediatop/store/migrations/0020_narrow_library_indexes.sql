-- Analytics (issue 5): the library counts, the image census, the compression figures
-- and every report that reads how images are placed used to walk the wide rows of
-- media_files and usage_locations (paths, URLs, titles, JSON). These two indexes
-- replace narrower ones with the same leading columns, so every lookup that used them
-- still can, and carry the columns those reports read, so they scan the index alone.
-- media_files changes only when a scan does, usage_locations only when references are
-- imported: ingest pays nothing. deleted_at is a column so that SQLite before 3.45 sees
-- the index as covering.
DROP INDEX IF EXISTS media_files_kind_format;
CREATE INDEX media_files_kind_format
  ON media_files(kind, format, mode, size, width, height, animated, quality, ext, probed_at,
                 probe_error, deleted_at)
  WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS usage_locations_media;
CREATE INDEX usage_locations_media
  ON usage_locations(media_id, usage, display_width, is_lazy, is_responsive, type, location_id);
