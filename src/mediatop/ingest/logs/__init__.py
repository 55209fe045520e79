"""Access logs: formats, lines to events, checkpoints, the forked pipeline."""
