-- Analytics (issue 5): usage_breakdown summed per kind (same dimensions and values), so
-- that a report over a whole kind (the documents' access patterns by hour, weekday,
-- referrer and device) reads a few hundred rows per day instead of one per file, day
-- and value: half a million rows for the documents of a busy site over four months.
-- Kept current by every rollup flush, in the same transaction as usage_breakdown.
CREATE TABLE kind_breakdown (
  kind       TEXT NOT NULL,
  date       TEXT NOT NULL,
  dimension  TEXT NOT NULL,
  value      TEXT NOT NULL,
  count      INTEGER NOT NULL,
  PRIMARY KEY(kind, date, dimension, value)
) WITHOUT ROWID;
INSERT INTO kind_breakdown (kind, date, dimension, value, count)
  SELECT COALESCE(f.kind, 'other'), b.date, b.dimension, b.value, SUM(b.count)
  FROM usage_breakdown b LEFT JOIN media_files f ON f.id = b.media_id
  GROUP BY 1, 2, 3, 4;
