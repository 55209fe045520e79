-- Several web nodes, one store (issue 19): a checkpoint belongs to a node and a log, so
-- two nodes whose logs share a path (and even their first bytes: rotated copies of one
-- template) never resume each other's. The checkpoints stored before belong to the host
-- that upgrades the store: the migration runner names it after this script
-- (store.checkpoints.adopt_checkpoints), which SQL alone cannot know.
ALTER TABLE ingest_checkpoints ADD COLUMN node TEXT NOT NULL DEFAULT '';
CREATE INDEX ingest_checkpoints_node ON ingest_checkpoints(node, log_path);
