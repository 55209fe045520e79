"""What later migrations added, as SQL that takes it away again: a test that winds a store
back to an older `user_version` runs this first, so the newer migrations can run again."""

from __future__ import annotations

# Migration 0049: the events counted per source.
UNDO_0049 = "DROP TABLE event_sources; "

# Migration 0048: the count of measurements beside the library generation and the facts
# (UNDO_0048 winds a store back to before 0048: the later ones first).
UNDO_0048 = UNDO_0049 + (
    "ALTER TABLE library_state DROP COLUMN measurements; "
    "ALTER TABLE library_facts DROP COLUMN measurements; "
)

# Migration 0046: the indexes of the bytes and human-events walks over file_totals
# (UNDO_0046 winds a store back to before 0046: the later ones first).
UNDO_0046 = UNDO_0048 + "DROP INDEX file_totals_bytes; DROP INDEX file_totals_human_events; "

# Migration 0043: the index of the files still to probe (UNDO_0043 winds a store back to
# before 0043: the later ones first).
UNDO_0043 = UNDO_0046 + "DROP INDEX media_files_unprobed; "

# Migration 0041 (nodes): the checkpoints' node and its index.
UNDO_0041 = "DROP INDEX ingest_checkpoints_node; ALTER TABLE ingest_checkpoints DROP COLUMN node; "

# Migration 0040 (cleanup): the journal's columns, the quarantined mark and the indexes
# over them.
_COLUMNS_0040 = ("state", "action", "root", "inode", "written_path", "written_size",
                 "written_hash", "purged_at")  # fmt: skip
# UNDO_0040 winds a store back to before 0040: the later ones first.
UNDO_0040 = (
    UNDO_0043
    + UNDO_0041
    + "DROP INDEX cleanup_journal_state; DROP INDEX media_files_deleted; "
    + "".join(f"ALTER TABLE cleanup_journal DROP COLUMN {column}; " for column in _COLUMNS_0040)
    + "ALTER TABLE media_files DROP COLUMN quarantined_at; "
)
