-- Analytics (issue 5): the most viewed / downloaded files of one kind (images, videos,
-- audio, documents) are found by walking file_totals in decreasing order and stopping
-- early, instead of sorting every file of the kind on each page of that walk.
-- Ingest touches one file_totals row per file per batch, so these cost it little.
CREATE INDEX file_totals_views ON file_totals(views) WHERE views > 0;
CREATE INDEX file_totals_downloads ON file_totals(downloads) WHERE downloads > 0;
