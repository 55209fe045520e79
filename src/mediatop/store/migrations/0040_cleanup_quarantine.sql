-- Cleanup and optimise (issue 17): the journal says what each step of an apply did, so
-- that undo works after a restart and after a crash mid-apply.
--   state: 'moving' (journalled before the move; what a crash leaves), 'moved',
--          'undone', 'purged'.
--   action: 'quarantine' (a cleanup move), 'optimize' (the original moved to quarantine
--          and an optimised file written in its place), 'sibling' (an optimised
--          .webp/.avif written beside an original left in place).
--   written_*: the file an optimise wrote, so undo removes only that file.
ALTER TABLE cleanup_journal ADD COLUMN state TEXT NOT NULL DEFAULT 'moved';
ALTER TABLE cleanup_journal ADD COLUMN action TEXT NOT NULL DEFAULT 'quarantine';
ALTER TABLE cleanup_journal ADD COLUMN root BLOB;
ALTER TABLE cleanup_journal ADD COLUMN inode INTEGER;
ALTER TABLE cleanup_journal ADD COLUMN written_path BLOB;
ALTER TABLE cleanup_journal ADD COLUMN written_size INTEGER;
ALTER TABLE cleanup_journal ADD COLUMN written_hash TEXT;
ALTER TABLE cleanup_journal ADD COLUMN purged_at INTEGER;
CREATE INDEX cleanup_journal_state ON cleanup_journal(state, moved_at);

-- A quarantined file has left the library (deleted_at is set, so every "present" query
-- leaves it out) but is not counted as deleted in the growth figures until it is
-- purged; undo clears both.
ALTER TABLE media_files ADD COLUMN quarantined_at INTEGER;
DROP INDEX IF EXISTS media_files_deleted;
CREATE INDEX media_files_deleted ON media_files(deleted_at, size)
  WHERE deleted_at IS NOT NULL AND quarantined_at IS NULL;
