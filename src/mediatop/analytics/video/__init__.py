"""Video: the videos report, per-session engagement, encoding and delivery advice."""
