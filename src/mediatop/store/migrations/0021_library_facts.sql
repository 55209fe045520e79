-- Analytics (issue 5): aggregates that depend only on the library (media_files and
-- usage_locations, never on events), kept between report runs.
-- library_state.generation counts library writes: every writer of those two tables
-- bumps it in its own transaction (store.library_facts.library_changed), and a fact is
-- read only while the generation it was computed at is the current one.
CREATE TABLE library_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO library_state (id, generation) VALUES (1, 0);
CREATE TABLE library_facts (
  name       TEXT PRIMARY KEY,   -- the fact and the mediatop version that computed it
  generation INTEGER NOT NULL,   -- library_state.generation when its computation began
  value      TEXT NOT NULL       -- JSON
) WITHOUT ROWID;
