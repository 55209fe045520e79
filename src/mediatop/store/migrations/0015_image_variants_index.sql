-- Analytics (issue 5): the images and optimisation reports' cleanup opportunities list
-- present generated image sizes in group order; without this index that reads every
-- image row of media_files (wide rows) and sorts them. It leads with kind so that the
-- planner prefers it to media_files_kind even without ANALYZE statistics, and names
-- deleted_at as a column so that SQLite before 3.45 sees it as covering.
-- media_files only changes when a scan does, so ingest pays nothing.
CREATE INDEX media_files_image_variants
  ON media_files(kind, group_path, id, size, variant, deleted_at)
  WHERE variant IS NOT NULL AND deleted_at IS NULL;
