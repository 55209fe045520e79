-- Analytics (issue 5): the share of present images per format (WebP/AVIF adoption in the
-- insights, format distributions) from a narrow covering index instead of the wide rows.
-- deleted_at is a column too so that SQLite before 3.45 sees the index as covering.
CREATE INDEX IF NOT EXISTS media_files_kind_format
  ON media_files(kind, format, deleted_at) WHERE deleted_at IS NULL;
