-- Issue 13: a miss is a request for a media path the library does not have. People's
-- and crawlers' misses are counted apart, and so are the ones the server answered below
-- 400 (it served, or redirected, a file that lives outside the library) from the ones it
-- could not answer (404 and other errors): only the latter are broken links.
-- The old table mixed all four, and pages, styles and scripts with media; nothing left
-- tells them apart (misses keep no raw rows), so its counts are dropped, not guessed.
DROP TABLE media_misses;
CREATE TABLE media_misses (
  path            BLOB NOT NULL,
  date            TEXT NOT NULL,
  human_not_found INTEGER NOT NULL DEFAULT 0,  -- people, answered 400 or above
  bot_not_found   INTEGER NOT NULL DEFAULT 0,  -- crawlers, answered 400 or above
  human_served    INTEGER NOT NULL DEFAULT 0,  -- people, answered below 400
  bot_served      INTEGER NOT NULL DEFAULT 0,  -- crawlers, answered below 400
  last_status     INTEGER,
  PRIMARY KEY(path, date)
) WITHOUT ROWID;
