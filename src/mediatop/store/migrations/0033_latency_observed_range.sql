-- Issue 13: the smallest and largest duration (ms) recorded in each latency bucket, so
-- that a percentile read from the histogram never leaves the range of what was seen.
-- Rows written before this migration keep NULL (range unknown): an upsert's
-- min(NULL, x) stays NULL, since their earlier samples were never measured.
ALTER TABLE latency_histogram ADD COLUMN min_ms REAL;
ALTER TABLE latency_histogram ADD COLUMN max_ms REAL;
