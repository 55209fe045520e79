"""Images: the images report, per-image facts, usage, insights and opportunities."""
