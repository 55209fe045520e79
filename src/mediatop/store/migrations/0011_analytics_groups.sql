-- Analytics (issue 5): unused files are judged group by group (an original and its
-- generated sizes); this index lets that pass read present files in group order
-- without a sort. IF NOT EXISTS: benchmark stores got it by hand while it was measured.
CREATE INDEX IF NOT EXISTS media_files_group_present ON media_files(group_path, deleted_at, kind, id);
