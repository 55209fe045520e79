"""One file's report: common figures, its kind's analysis, recommendations."""
