-- PostgreSQL only: the unused-files question (store/queries/unused.py) joins every
-- present file to its totals and groups them by group_path. Both sides as narrow
-- indexes in id order make it a merge join of two index-only scans, instead of a hash
-- table of 100,000 totals built from the heap: half the server's CPU at 100k files
-- (bench/postgres.py's store), the statement the overview, usage, insights,
-- optimisation and media reports all wait on. SQLite answers it in group_path order
-- (migration 0011) and needs neither.
CREATE INDEX media_files_present_group ON media_files(id) INCLUDE (group_path)
  WHERE deleted_at IS NULL;
CREATE INDEX file_totals_last_used ON file_totals(media_id) INCLUDE (last_used);
