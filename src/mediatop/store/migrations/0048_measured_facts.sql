-- Issue 14: facts that also read the measured savings (the library's image savings).
-- library_state.measurements counts writes to savings_cache (`measurements_changed`); a
-- fact computed from measurements records the count it saw, and is read only while
-- both it and the library generation are current. Other facts ignore the count, so
-- measuring a few images keeps them.
ALTER TABLE library_state ADD COLUMN measurements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE library_facts ADD COLUMN measurements INTEGER NOT NULL DEFAULT 0;
