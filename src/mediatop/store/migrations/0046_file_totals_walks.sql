-- The performance report's two top lists (bandwidth: by bytes; cache misses: bounded by
-- every human event) walk file_totals in decreasing order of an all-time total and stop
-- early (analytics._rollups.top_in_range), as the views and downloads walks do on
-- their indexes (0016). Without these the walk's first page sorted every file: 18 and
-- 65 ms at 100k files, against 1 ms each through the index. Partial, like 0016's: a
-- walk never reads a file whose total is 0. The expression is the one
-- store.queries.rollups.FILE_TOTAL_BOUNDS names "human_events", written identically so
-- that the planner matches it.
CREATE INDEX file_totals_bytes ON file_totals(bytes) WHERE bytes > 0;
CREATE INDEX file_totals_human_events
  ON file_totals((requests + views + downloads + clicks + shares + errors))
  WHERE (requests + views + downloads + clicks + shares + errors) > 0;
