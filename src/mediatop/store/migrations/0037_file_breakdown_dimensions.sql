-- usage_breakdown keeps per file only the dimensions a file's report reads (device,
-- referrer, country, user_type: store.rollup_hourly.split_uses). Hour and weekday stay
-- per kind in kind_breakdown, where the documents report reads them; per file they were
-- most of the table's rows and of each ingest batch's writes.
DELETE FROM usage_breakdown WHERE dimension IN ('hour', 'weekday');
