-- The files a scan still has to probe: a rescan asks for them every time (an interrupted
-- scan leaves some behind), and without this index that question read the whole of
-- media_files (some 15 ms at 100k files) even when the answer was none. Partial, so it
-- holds only the files waiting for a probe: usually none.
CREATE INDEX media_files_unprobed ON media_files(id, path, kind)
  WHERE deleted_at IS NULL AND probed_at IS NULL;
